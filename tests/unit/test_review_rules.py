"""The commission's quorum, majority and deadline rules, exhaustively on small commissions."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product

import pytest

from portal.projects.rules import ProjectStatus
from portal.review.rules import (
    CYCLE_DECISIONS,
    PROJECT_DECISIONS,
    DecisionChoice,
    DecisionKind,
    DecisionProblem,
    RejectionReason,
    complaint_deadline,
    complaint_open,
    decision_choices,
    decision_fields_problems,
    decision_valid,
    majority_size,
    quorum_met,
    quorum_size,
    revision_open,
)

P = DecisionProblem


@pytest.mark.parametrize(("present", "seats", "met"), [
    (5, 9, True), (4, 9, False), (9, 9, True), (0, 9, False),
    (4, 8, False), (5, 8, True), (1, 1, True), (0, 1, False),
    (2, 3, True), (1, 2, False), (2, 2, True),
])
def test_quorum_is_more_than_half_of_the_seats(present, seats, met):
    assert quorum_met(present, seats) is met


def test_there_is_no_quorum_without_seats_or_with_more_present_than_seats():
    assert not quorum_met(0, 0)
    assert not quorum_met(1, 0)
    assert not quorum_met(10, 9)
    assert not quorum_met(-1, 9)


@pytest.mark.parametrize("seats", range(1, 16))
def test_quorum_size_is_the_least_number_present_that_meets_quorum(seats):
    assert quorum_met(quorum_size(seats), seats)
    assert not quorum_met(quorum_size(seats) - 1, seats)


@pytest.mark.parametrize("present", range(1, 16))
def test_majority_size_is_the_least_vote_that_passes(present):
    seats = present
    assert decision_valid(majority_size(present), 0, 0, present, seats) == []
    assert P.NO_MAJORITY in decision_valid(majority_size(present) - 1, 0, 0, present, seats)


def _expected(votes_for, against, abstained, present, seats):
    """The rule restated by enumeration: the oracle the exhaustive test compares with."""
    problems = []
    if 2 * present <= seats:
        problems.append(P.NO_QUORUM)
    if votes_for + against + abstained > present:
        problems.append(P.VOTES_EXCEED_PRESENT)
    elif votes_for * 2 <= present:
        problems.append(P.NO_MAJORITY)
    return problems


@pytest.mark.parametrize("seats", [1, 2, 3, 5, 7, 8, 9])
def test_every_vote_of_small_commissions_is_judged_by_quorum_and_majority(seats):
    checked = 0
    for present in range(seats + 1):
        for votes_for, against, abstained in product(range(present + 2), repeat=3):
            got = decision_valid(votes_for, against, abstained, present, seats)
            assert got == _expected(votes_for, against, abstained, present, seats), (
                votes_for, against, abstained, present, seats)
            checked += 1
    assert checked > seats


def test_a_typical_nine_member_commission():
    assert decision_valid(5, 0, 0, 5, 9) == []
    assert decision_valid(7, 1, 1, 9, 9) == []
    assert decision_valid(4, 1, 2, 7, 9) == []  # 4 of 7 present is more than half
    assert decision_valid(3, 2, 2, 7, 9) == [P.NO_MAJORITY]
    assert decision_valid(4, 0, 0, 4, 9) == [P.NO_QUORUM]
    assert decision_valid(3, 2, 1, 5, 9) == [P.VOTES_EXCEED_PRESENT]


def test_abstentions_and_members_not_voting_count_against_passing():
    # Three for, none against, four abstain: more for than against, yet no majority.
    assert decision_valid(3, 0, 4, 7, 9) == [P.NO_MAJORITY]
    # Five for, one leaves the vote on a conflict of interest: still a majority of 7.
    assert decision_valid(5, 1, 0, 7, 9) == []


def test_a_tie_among_those_present_does_not_pass():
    assert decision_valid(3, 3, 0, 6, 9) == [P.NO_MAJORITY]


def test_negative_votes_and_impossible_rosters_are_refused():
    assert P.NEGATIVE_VOTES in decision_valid(-1, 0, 0, 5, 9)
    assert decision_valid(5, 0, 0, 5, 0) == [P.NO_SEATS]
    assert decision_valid(5, 0, 0, 10, 9) == [P.PRESENT_EXCEEDS_SEATS]


def test_every_kind_concerns_either_a_project_or_a_cycle():
    assert set(DecisionKind) == PROJECT_DECISIONS | CYCLE_DECISIONS
    assert not PROJECT_DECISIONS & CYCLE_DECISIONS
    assert DecisionKind.ADMIT.concerns_project and not DecisionKind.LOTTERY_SEED.concerns_project
    assert DecisionKind.COMPLAINT_DISMISSED.rules_on_complaint
    assert not DecisionKind.REJECT.rules_on_complaint


MEETING = date(2019, 5, 10)


def test_a_rejection_needs_a_ground_from_the_list_and_words():
    kind = DecisionKind.REJECT
    assert decision_fields_problems(kind, None, "", None, MEETING) == [
        P.REASON_REQUIRED, P.REASON_TEXT_REQUIRED]
    assert decision_fields_problems(kind, RejectionReason.DUPLICATE, "  ", None, MEETING) == [
        P.REASON_TEXT_REQUIRED]
    assert decision_fields_problems(kind, RejectionReason.OTHER, "Об'єкт у приватній власності",
                                    None, MEETING) == []


def test_a_return_for_revision_needs_a_deadline_after_the_meeting_and_what_to_change():
    kind = DecisionKind.RETURN_FOR_REVISION
    assert decision_fields_problems(kind, None, "Уточніть кошторис", None, MEETING) == [
        P.DEADLINE_REQUIRED]
    assert decision_fields_problems(kind, None, "Уточніть кошторис", MEETING, MEETING) == [
        P.DEADLINE_NOT_AFTER_MEETING]
    assert decision_fields_problems(kind, None, "", MEETING + timedelta(days=7), MEETING) == [
        P.REASON_TEXT_REQUIRED]
    assert decision_fields_problems(kind, None, "Уточніть кошторис",
                                    MEETING + timedelta(days=7), MEETING) == []


def test_an_admission_needs_nothing_but_refuses_a_rejection_ground():
    assert decision_fields_problems(DecisionKind.ADMIT, None, "", None, MEETING) == []
    assert decision_fields_problems(DecisionKind.ADMIT, RejectionReason.DUPLICATE, "", None,
                                    MEETING) == [P.REASON_NOT_EXPECTED]


def test_a_dismissed_complaint_says_why():
    kind = DecisionKind.COMPLAINT_DISMISSED
    assert decision_fields_problems(kind, None, "", None, MEETING) == [P.REASON_TEXT_REQUIRED]
    assert decision_fields_problems(kind, None, "Підстави відхилення підтверджено", None,
                                    MEETING) == []
    assert decision_fields_problems(DecisionKind.COMPLAINT_UPHELD, None, "", None, MEETING) == []


@pytest.mark.parametrize(("today", "is_open"), [
    (date(2019, 5, 9), False),   # before the rejection
    (date(2019, 5, 10), True),   # the day of the rejection
    (date(2019, 5, 17), True),   # the last day of a 7-day window
    (date(2019, 5, 18), False),  # the day after
])
def test_a_rejection_may_be_contested_from_its_day_through_the_window(today, is_open):
    assert complaint_deadline(MEETING, 7) == date(2019, 5, 17)
    assert complaint_open(MEETING, 7, today) is is_open


def test_a_cycle_with_no_complaint_days_allows_no_complaint():
    assert not complaint_open(MEETING, 0, MEETING)
    assert not complaint_open(MEETING, -3, MEETING)
    assert complaint_deadline(MEETING, -3) == MEETING


def test_a_revision_is_open_through_its_deadline_day():
    deadline = date(2019, 5, 20)
    assert revision_open(deadline, date(2019, 5, 19))
    assert revision_open(deadline, deadline)
    assert not revision_open(deadline, date(2019, 5, 21))


@pytest.mark.parametrize(("status", "complaint_open", "in_force", "offered"), [
    (ProjectStatus.UNDER_REVIEW, False, None, ["admit", "return_for_revision", "reject"]),
    (ProjectStatus.RETURNED_FOR_REVISION, False, DecisionKind.RETURN_FOR_REVISION,
     ["reject", "return_for_revision"]),
    (ProjectStatus.REJECTED, True, DecisionKind.REJECT,
     ["complaint_upheld", "complaint_upheld_review", "complaint_dismissed", "reject"]),
    (ProjectStatus.REJECTED, False, DecisionKind.REJECT, ["reject"]),
    (ProjectStatus.ADMITTED, False, DecisionKind.ADMIT, ["admit"]),
    (ProjectStatus.ADMITTED, False, DecisionKind.APPROVE_RESULTS, []),
    (ProjectStatus.DRAFT, False, None, []),
])
def test_a_meeting_is_offered_the_decisions_the_status_allows_and_the_one_in_force(
        status, complaint_open, in_force, offered):
    assert decision_choices(status, complaint_open=complaint_open, in_force=in_force) == offered


def test_upholding_a_complaint_for_review_is_an_upheld_complaint_that_does_not_readmit():
    choice = DecisionChoice.COMPLAINT_UPHELD_REVIEW
    assert (choice.kind, choice.readmits) == (DecisionKind.COMPLAINT_UPHELD, False)
    assert (DecisionChoice.COMPLAINT_UPHELD.kind, DecisionChoice.COMPLAINT_UPHELD.readmits) == (
        DecisionKind.COMPLAINT_UPHELD, True)
    assert {c.kind for c in DecisionChoice} == PROJECT_DECISIONS
