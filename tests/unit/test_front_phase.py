"""The phase, deadline and one action the front pages show for a cycle and a visitor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.cycles.rules import Phase, Window
from portal.main.phase import (
    Action,
    DeadlineKind,
    Visitor,
    action_for,
    days_between,
    deadline_of,
    front_step,
)

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # 12:00 in Kyiv
DAY = timedelta(days=1)
WINDOWS = [Window(Phase.SUBMISSION, NOW - 90 * DAY, NOW - 60 * DAY),
           Window(Phase.REVIEW, NOW - 59 * DAY, NOW - DAY),
           Window(Phase.VOTING, NOW - DAY, NOW + 14 * DAY)]


@pytest.mark.parametrize(("visitor", "action"), [
    (Visitor.ANONYMOUS, Action.SIGN_IN_TO_VOTE), (Visitor.UNVERIFIED, Action.VERIFY_TO_VOTE),
    (Visitor.VERIFIED, Action.VOTE), (Visitor.VOTED, Action.SEE_RECEIPT),
    (Visitor.ELSEWHERE, Action.NOT_HERE)])
def test_during_the_vote_each_visitor_is_offered_their_own_next_step(visitor, action):
    assert action_for(Phase.VOTING, visitor) is action


@pytest.mark.parametrize(("visitor", "action"), [
    (Visitor.ANONYMOUS, Action.SIGN_IN_TO_SUBMIT),
    (Visitor.UNVERIFIED, Action.VERIFY_TO_SUBMIT), (Visitor.VERIFIED, Action.SUBMIT),
    (Visitor.ELSEWHERE, Action.NOT_HERE)])
def test_during_submission_only_a_verified_resident_is_sent_to_the_form(visitor, action):
    assert action_for(Phase.SUBMISSION, visitor) is action


@pytest.mark.parametrize(("phase", "action"), [
    (Phase.SUPPORT, Action.SUPPORT), (Phase.REVIEW, Action.SEE_PROJECTS),
    (Phase.BETWEEN, Action.SEE_PROJECTS), (Phase.RESULTS, Action.SEE_RESULTS),
    (Phase.IMPLEMENTATION, Action.FOLLOW_IMPLEMENTATION),
    (Phase.UPCOMING, None), (Phase.SUSPENDED, None)])
def test_the_other_phases_offer_everyone_the_same_action_and_a_suspension_none(phase, action):
    assert {action_for(phase, visitor) for visitor in Visitor} == {action}


def test_the_vote_shows_its_end_and_the_whole_days_left_in_kyiv():
    step = front_step(Phase.VOTING, WINDOWS, NOW + 21 * DAY, Visitor.VERIFIED, NOW)
    assert step.deadline.kind is DeadlineKind.UNTIL
    assert step.deadline.at == NOW + 14 * DAY and step.deadline.days_left == 14
    assert step.action is Action.VOTE


def test_a_deadline_counts_kyiv_calendar_days_not_24_hour_spans():
    late_evening = datetime(2026, 12, 2, 21, 30, tzinfo=UTC)  # 23:30 in Kyiv
    just_after_midnight = datetime(2026, 12, 2, 22, 30, tzinfo=UTC)  # 00:30 next day
    assert days_between(late_evening, just_after_midnight) == 1
    assert days_between(NOW, NOW + timedelta(hours=1)) == 0


def test_before_the_start_and_between_phases_the_next_start_is_the_date():
    upcoming = deadline_of(Phase.UPCOMING, [Window(Phase.SUBMISSION, NOW + 3 * DAY,
                                                   NOW + 30 * DAY)], NOW + 90 * DAY, NOW)
    assert (upcoming.kind, upcoming.days_left) == (DeadlineKind.STARTS, 3)
    gap = [Window(Phase.REVIEW, NOW - 9 * DAY, NOW - DAY),
           Window(Phase.VOTING, NOW + 2 * DAY, NOW + 9 * DAY)]
    between = deadline_of(Phase.BETWEEN, gap, NOW + 20 * DAY, NOW)
    assert (between.kind, between.at) == (DeadlineKind.STARTS, NOW + 2 * DAY)


def test_results_are_due_by_their_date_and_implementation_and_suspension_have_none():
    results = deadline_of(Phase.RESULTS, WINDOWS, NOW + 5 * DAY, NOW)
    assert (results.kind, results.days_left) == (DeadlineKind.RESULTS_BY, 5)
    assert deadline_of(Phase.RESULTS, WINDOWS, NOW - DAY, NOW) is None
    assert deadline_of(Phase.IMPLEMENTATION, WINDOWS, NOW - DAY, NOW) is None
    assert deadline_of(Phase.SUSPENDED, WINDOWS, NOW + DAY, NOW) is None
