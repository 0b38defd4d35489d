"""Pure rules of a project's discussion: when it is open, who speaks in what capacity, what
may be posted, hidden and restored, and how a comment's text becomes text and links.

No Flask, no database, no clock: every function takes what it decides on, ``now``
included, and answers with problem codes (``DiscussionProblem``) rather than raising; the services
turn the codes into refusals with the words of ``portal.discussion.messages``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from portal.cycles.rules import DiscussionPeriod

KYIV = ZoneInfo("Europe/Kyiv")

#: The longest comment, in characters; the table's CHECK holds the same limit.
MAX_LENGTH = 2000
#: The longest note of a report or of a moderator's "other" reason.
MAX_NOTE_LENGTH = 500
#: Comments an account may post in an hour unless the configuration says otherwise.
DEFAULT_PER_HOUR = 10


class Voice(StrEnum):
    """In what capacity a comment was written, fixed when it is posted (roles change later;
    what the person spoke as does not). All but ``resident`` are marked on the page."""

    RESIDENT = "resident"
    AUTHOR = "author"
    COAUTHOR = "coauthor"
    DEPARTMENT = "department"
    COMMISSION = "commission"


class HideReason(StrEnum):
    """Why moderators hid a comment; ``other`` needs a note."""

    INSULT = "insult"
    SPAM = "spam"
    PERSONAL_DATA = "personal_data"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


class DiscussionProblem(StrEnum):
    """Why a step of the discussion is refused; ``portal.discussion.messages`` words each."""

    NOT_SIGNED_IN = "not_signed_in"
    NOT_VERIFIED = "not_verified"
    CLOSED = "closed"
    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOTE_TOO_LONG = "note_too_long"
    REPLY_TO_REPLY = "reply_to_reply"
    PARENT_ELSEWHERE = "parent_elsewhere"
    PARENT_HIDDEN = "parent_hidden"
    TOO_MANY = "too_many"
    NOT_AUTHOR = "not_author"
    HIDDEN = "hidden"
    UNCHANGED = "unchanged"
    OWN_COMMENT = "own_comment"
    ALREADY_REPORTED = "already_reported"
    NOT_MODERATOR = "not_moderator"
    ALREADY_HIDDEN = "already_hidden"
    NOT_HIDDEN = "not_hidden"
    NOTE_REQUIRED = "note_required"
    NO_REPORTS = "no_reports"


@dataclass(frozen=True)
class Speaker:
    """What the rules need to know of the person writing."""

    verified: bool
    author: bool = False
    coauthor: bool = False
    staff: bool = False
    commission: bool = False

    @property
    def moderator(self) -> bool:
        return self.staff or self.commission


def voice_of(speaker: Speaker) -> Voice:
    """The capacity a comment is written in: the project's own team first (an author who
    sits on the commission answers as the author), then the commission, then the
    department's staff, else a resident."""
    if speaker.author:
        return Voice.AUTHOR
    if speaker.coauthor:
        return Voice.COAUTHOR
    if speaker.commission:
        return Voice.COMMISSION
    if speaker.staff:
        return Voice.DEPARTMENT
    return Voice.RESIDENT


def closes_at(period: DiscussionPeriod, *, voting_end: datetime,
              budget_year: int) -> datetime | None:
    """When the discussion of a cycle's projects closes (None: never).

    ``voting_end`` is the end of the voting as it actually runs (extensions included); the
    budget year ends at midnight of 1 January after it, Kyiv time.
    """
    if period is DiscussionPeriod.ALWAYS:
        return None
    if period is DiscussionPeriod.IMPLEMENTATION:
        year_end = datetime(budget_year + 1, 1, 1, tzinfo=KYIV)
        return max(year_end, voting_end)
    return voting_end


def is_open(closing: datetime | None, now: datetime) -> bool:
    """A submitted project's discussion is open from its submission up to ``closing``."""
    return closing is None or now < closing


def text_problems(text: str, *, limit: int = MAX_LENGTH) -> list[DiscussionProblem]:
    stripped = text.strip()
    if not stripped:
        return [DiscussionProblem.EMPTY]
    if len(stripped) > limit:
        return [DiscussionProblem.TOO_LONG]
    return []


def posting_problems(speaker: Speaker | None, *, open_: bool, text: str,
                     recent_count: int, per_hour: int) -> list[DiscussionProblem]:
    """Why ``speaker`` may not post ``text`` now: verified residents, and the department's
    staff and the commission answering in their office, may write while the discussion is
    open, at most ``per_hour`` comments in the last hour."""
    if speaker is None:
        return [DiscussionProblem.NOT_SIGNED_IN]
    if not (speaker.verified or speaker.moderator):
        return [DiscussionProblem.NOT_VERIFIED]
    if not open_:
        return [DiscussionProblem.CLOSED]
    found = text_problems(text)
    if recent_count >= per_hour:
        found.append(DiscussionProblem.TOO_MANY)
    return found


def reply_problems(*, parent_is_reply: bool, parent_hidden: bool,
                   same_project: bool) -> list[DiscussionProblem]:
    """Replies are one level deep: to a visible comment of the same project that is not a
    reply itself."""
    if not same_project:
        return [DiscussionProblem.PARENT_ELSEWHERE]
    if parent_is_reply:
        return [DiscussionProblem.REPLY_TO_REPLY]
    if parent_hidden:
        return [DiscussionProblem.PARENT_HIDDEN]
    return []


def editing_problems(*, own: bool, hidden: bool, open_: bool, old_text: str,
                     new_text: str) -> list[DiscussionProblem]:
    """Only its writer edits a comment, while the discussion is open and the comment shown."""
    if not own:
        return [DiscussionProblem.NOT_AUTHOR]
    if hidden:
        return [DiscussionProblem.HIDDEN]
    if not open_:
        return [DiscussionProblem.CLOSED]
    found = text_problems(new_text)
    if not found and new_text.strip() == old_text:
        found.append(DiscussionProblem.UNCHANGED)
    return found


def hiding_problems(*, moderator: bool, hidden: bool, reason: HideReason,
                    note: str) -> list[DiscussionProblem]:
    if not moderator:
        return [DiscussionProblem.NOT_MODERATOR]
    if hidden:
        return [DiscussionProblem.ALREADY_HIDDEN]
    if reason is HideReason.OTHER and not note.strip():
        return [DiscussionProblem.NOTE_REQUIRED]
    if len(note.strip()) > MAX_NOTE_LENGTH:
        return [DiscussionProblem.NOTE_TOO_LONG]
    return []


def since(now: datetime) -> datetime:
    """The start of the hour the posting limit counts."""
    return now - timedelta(hours=1)


#: A web address in a comment: http or https, up to the first space or angle bracket.
URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
#: Punctuation that ends a sentence rather than the address.
TRAILING = ".,;:!?)]}»…"


def segments(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is_link) pieces, the web addresses apart, so that a page
    can escape every piece and make links of the addresses only. Sentence punctuation
    after an address stays text; an address in parentheses keeps its own closing one."""
    found: list[tuple[str, bool]] = []
    position = 0
    for match in URL.finditer(text):
        url = match.group(0)
        while url and url[-1] in TRAILING:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        if len(url) <= len("https://") or "://" not in url[:8]:
            continue
        start = match.start()
        if start > position:
            found.append((text[position:start], False))
        found.append((url, True))
        position = start + len(url)
    if position < len(text):
        found.append((text[position:], False))
    return found
