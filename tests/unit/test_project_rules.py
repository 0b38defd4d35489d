"""The project state machine, every (status, event) pair, and the cost estimate arithmetic."""

from decimal import Decimal
from itertools import product

import pytest

from portal.projects.rules import (
    EDITABLE,
    PUBLIC,
    Event,
    LineProblem,
    ProjectStatus,
    TransitionError,
    allowed_events,
    line_total,
    parse_quantity,
    transition,
)

S, E = ProjectStatus, Event

#: Written out by hand, independently of the table in rules.py: the machine as specified.
EXPECTED = {
    (S.DRAFT, E.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, E.OPEN_SUPPORT): S.COLLECTING_SUPPORT,
    (S.SUBMITTED, E.START_REVIEW): S.UNDER_REVIEW,
    (S.SUBMITTED, E.WITHDRAW): S.WITHDRAWN,
    (S.COLLECTING_SUPPORT, E.SUPPORT_REACHED): S.SUBMITTED,
    (S.COLLECTING_SUPPORT, E.SUPPORT_FAILED): S.REJECTED,
    (S.COLLECTING_SUPPORT, E.WITHDRAW): S.WITHDRAWN,
    (S.UNDER_REVIEW, E.ADMIT): S.ADMITTED,
    (S.UNDER_REVIEW, E.RETURN_FOR_REVISION): S.RETURNED_FOR_REVISION,
    (S.UNDER_REVIEW, E.REJECT): S.REJECTED,
    (S.UNDER_REVIEW, E.WITHDRAW): S.WITHDRAWN,
    (S.RETURNED_FOR_REVISION, E.RESUBMIT): S.UNDER_REVIEW,
    (S.RETURNED_FOR_REVISION, E.REJECT): S.REJECTED,
    (S.RETURNED_FOR_REVISION, E.WITHDRAW): S.WITHDRAWN,
    (S.REJECTED, E.UPHOLD_COMPLAINT): S.ADMITTED,
    (S.REJECTED, E.UPHOLD_COMPLAINT_FOR_REVIEW): S.UNDER_REVIEW,
    (S.ADMITTED, E.SELECT_WINNER): S.WINNER,
    (S.ADMITTED, E.MARK_NOT_SELECTED): S.NOT_SELECTED,
    (S.ADMITTED, E.WITHDRAW): S.WITHDRAWN,
}

ALL_PAIRS = list(product(ProjectStatus, Event))
ALLOWED = [pair for pair in ALL_PAIRS if pair in EXPECTED]
FORBIDDEN = [pair for pair in ALL_PAIRS if pair not in EXPECTED]


def test_the_pairs_cover_the_whole_product_of_statuses_and_events():
    assert len(ALLOWED) == len(EXPECTED) == 19
    assert len(ALLOWED) + len(FORBIDDEN) == len(ProjectStatus) * len(Event) == 140


@pytest.mark.parametrize(("status", "event"), ALLOWED, ids=lambda v: v.value)
def test_an_allowed_transition_leads_to_its_target(status, event):
    assert transition(status, event) is EXPECTED[(status, event)]


@pytest.mark.parametrize(("status", "event"), FORBIDDEN, ids=lambda v: v.value)
def test_a_forbidden_transition_raises_with_a_code(status, event):
    with pytest.raises(TransitionError) as refused:
        transition(status, event)
    assert refused.value.code == "transition_forbidden"
    assert (refused.value.status, refused.value.event) == (status, event)


def test_the_final_statuses_have_no_way_out():
    for status in (S.WITHDRAWN, S.WINNER, S.NOT_SELECTED):
        assert allowed_events(status) == frozenset()


def test_strings_from_the_database_are_accepted_as_statuses_and_events():
    assert transition("draft", "submit") is S.SUBMITTED


def test_only_drafts_and_returned_projects_are_editable_and_drafts_are_private():
    assert set(EDITABLE) == {S.DRAFT, S.RETURNED_FOR_REVISION}
    assert S.DRAFT not in PUBLIC and S.WITHDRAWN in PUBLIC


@pytest.mark.parametrize(("text", "value"), [
    ("3", Decimal("3.000")), ("2,5", Decimal("2.500")), (" 1 200.125 ", Decimal("1200.125")),
])
def test_a_quantity_is_read_with_a_comma_or_a_dot(text, value):
    assert parse_quantity(text) == value


@pytest.mark.parametrize(("text", "problem"), [
    ("", LineProblem.QUANTITY_INVALID), ("abc", LineProblem.QUANTITY_INVALID),
    ("NaN", LineProblem.QUANTITY_INVALID), ("Infinity", LineProblem.QUANTITY_INVALID),
    ("0", LineProblem.QUANTITY_NOT_POSITIVE), ("-2", LineProblem.QUANTITY_NOT_POSITIVE),
    ("1,0001", LineProblem.QUANTITY_TOO_PRECISE), ("1e12", LineProblem.QUANTITY_INVALID),
])
def test_a_bad_quantity_is_refused_with_its_reason(text, problem):
    assert parse_quantity(text) is problem


def test_a_line_total_is_rounded_half_up_to_a_kopeck():
    assert line_total(Decimal("3"), 1_250_050) == 3_750_150
    assert line_total(Decimal("0.5"), 3) == 2  # 1.5 kopecks -> 2
    assert line_total(Decimal("2.125"), 100) == 213  # 212.5 -> 213
