"""The discussion's pure rules: when it closes, who speaks as what, what may be posted and
hidden, and how a comment's web addresses are told from its text."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.cycles.rules import DiscussionPeriod
from portal.discussion.rules import (
    DiscussionProblem,
    HideReason,
    Speaker,
    Voice,
    closes_at,
    editing_problems,
    hiding_problems,
    is_open,
    posting_problems,
    reply_problems,
    segments,
    voice_of,
)

VOTING_END = datetime(2026, 5, 1, 21, 0, tzinfo=UTC)
RESIDENT = Speaker(verified=True)


def test_the_default_closes_with_the_voting():
    assert closes_at(DiscussionPeriod.VOTING, voting_end=VOTING_END,
                     budget_year=2027) == VOTING_END
    assert is_open(VOTING_END, VOTING_END - timedelta(seconds=1))
    assert not is_open(VOTING_END, VOTING_END)


def test_the_implementation_period_runs_to_the_end_of_the_budget_year_in_kyiv():
    closing = closes_at(DiscussionPeriod.IMPLEMENTATION, voting_end=VOTING_END,
                        budget_year=2027)
    assert closing == datetime(2028, 1, 1, tzinfo=ZoneInfo("Europe/Kyiv"))
    assert closing.astimezone(UTC) == datetime(2027, 12, 31, 22, 0, tzinfo=UTC)
    # Never before the voting ends, whatever the year says.
    assert closes_at(DiscussionPeriod.IMPLEMENTATION, voting_end=VOTING_END,
                     budget_year=2020) == VOTING_END


def test_always_open_never_closes():
    assert closes_at(DiscussionPeriod.ALWAYS, voting_end=VOTING_END, budget_year=2027) is None
    assert is_open(None, datetime(2099, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(("speaker", "voice"), [
    (Speaker(verified=True), Voice.RESIDENT),
    (Speaker(verified=True, author=True, commission=True), Voice.AUTHOR),
    (Speaker(verified=True, coauthor=True, staff=True), Voice.COAUTHOR),
    (Speaker(verified=False, commission=True, staff=True), Voice.COMMISSION),
    (Speaker(verified=False, staff=True), Voice.DEPARTMENT),
])
def test_the_voice_a_comment_is_written_in(speaker, voice):
    assert voice_of(speaker) is voice


def test_posting_problems_say_why():
    ok = {"open_": True, "text": "Питання", "recent_count": 0, "per_hour": 10}
    assert posting_problems(RESIDENT, **ok) == []
    assert posting_problems(None, **ok) == [DiscussionProblem.NOT_SIGNED_IN]
    assert posting_problems(Speaker(verified=False), **ok) == [DiscussionProblem.NOT_VERIFIED]
    assert posting_problems(Speaker(verified=False, staff=True), **ok) == []
    assert posting_problems(RESIDENT, **{**ok, "open_": False}) == [DiscussionProblem.CLOSED]
    assert posting_problems(RESIDENT, **{**ok, "text": " \n "}) == [DiscussionProblem.EMPTY]
    assert posting_problems(RESIDENT, **{**ok, "text": "я" * 2001}) == [
        DiscussionProblem.TOO_LONG]
    assert posting_problems(RESIDENT, **{**ok, "recent_count": 10}) == [
        DiscussionProblem.TOO_MANY]
    assert posting_problems(RESIDENT, **{**ok, "recent_count": 9}) == []


def test_replies_are_one_level_deep():
    assert reply_problems(parent_is_reply=False, parent_hidden=False, same_project=True) == []
    assert reply_problems(parent_is_reply=True, parent_hidden=False, same_project=True) == [
        DiscussionProblem.REPLY_TO_REPLY]
    assert reply_problems(parent_is_reply=False, parent_hidden=True, same_project=True) == [
        DiscussionProblem.PARENT_HIDDEN]
    assert reply_problems(parent_is_reply=False, parent_hidden=False, same_project=False) == [
        DiscussionProblem.PARENT_ELSEWHERE]


def test_editing_problems():
    base = {"own": True, "hidden": False, "open_": True, "old_text": "a"}
    assert editing_problems(**base, new_text="b") == []
    assert editing_problems(**base, new_text=" a ") == [DiscussionProblem.UNCHANGED]
    assert editing_problems(**{**base, "own": False}, new_text="b") == [
        DiscussionProblem.NOT_AUTHOR]
    assert editing_problems(**{**base, "hidden": True}, new_text="b") == [
        DiscussionProblem.HIDDEN]
    assert editing_problems(**{**base, "open_": False}, new_text="b") == [
        DiscussionProblem.CLOSED]


def test_hiding_needs_a_moderator_and_other_needs_a_note():
    assert hiding_problems(moderator=True, hidden=False, reason=HideReason.SPAM, note="") == []
    assert hiding_problems(moderator=True, hidden=False, reason=HideReason.OTHER,
                           note=" ") == [DiscussionProblem.NOTE_REQUIRED]
    assert hiding_problems(moderator=True, hidden=False, reason=HideReason.OTHER,
                           note="Повтор") == []
    assert hiding_problems(moderator=False, hidden=False, reason=HideReason.SPAM,
                           note="") == [DiscussionProblem.NOT_MODERATOR]
    assert hiding_problems(moderator=True, hidden=True, reason=HideReason.SPAM, note="") == [
        DiscussionProblem.ALREADY_HIDDEN]


def test_web_addresses_are_cut_out_of_the_text():
    assert segments("Див. https://example.org/plan.pdf, там усе.") == [
        ("Див. ", False), ("https://example.org/plan.pdf", True), (", там усе.", False)]
    assert segments("(див. http://a.ua/x_(1))") == [
        ("(див. ", False), ("http://a.ua/x_(1)", True), (")", False)]
    assert segments("без посилань") == [("без посилань", False)]
    assert segments("https://") == [("https://", False)]


@pytest.mark.parametrize("text", [
    "javascript:alert(1)", "<a href=\"javascript:alert(1)\">x</a>", "ftp://example.org",
    "data:text/html,<script>alert(1)</script>",
])
def test_only_http_addresses_become_links(text):
    assert all(not link or piece.startswith(("http://", "https://"))
               for piece, link in segments(text))
    assert "".join(piece for piece, _link in segments(text)) == text


def test_an_address_stops_at_quotes_and_angle_brackets():
    pieces = segments('https://e.org/"onmouseover="x <b>')
    assert pieces[0] == ("https://e.org/", True)
    assert "".join(piece for piece, _link in pieces) == 'https://e.org/"onmouseover="x <b>'
