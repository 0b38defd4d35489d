"""Implementation rules: Prozorro numbers, statuses that need a reason or full progress."""

from datetime import date

import pytest

from portal.implementation.rules import (
    Contradiction,
    ImplementationProblem,
    ImplementationStatus,
    check_tender_number,
    check_update,
    contradictions,
    prozorro_url,
    status_problems,
)


@pytest.mark.parametrize("number", ["", "UA-2018-05-14-000123-a", "UA-2024-02-29-999999-c"])
def test_prozorro_tender_numbers_are_accepted(number):
    assert check_tender_number(number) is None


@pytest.mark.parametrize("number", ["UA-2018-5-14-000123-a", "ua-2018-05-14-000123-a",
                                    "UA-2018-02-30-000123-a", "UA-2018-05-14-00123-a",
                                    "UA-2018-05-14-000123-A", "UA-2018-05-14-000123"])
def test_malformed_tender_numbers_are_refused(number):
    assert check_tender_number(number) is ImplementationProblem.TENDER_FORMAT


def test_not_implemented_needs_a_reason_and_implemented_needs_full_progress():
    assert status_problems(ImplementationStatus.NOT_IMPLEMENTED, 0, " ", "") == [
        ("reason", ImplementationProblem.REASON_REQUIRED)]
    assert status_problems(ImplementationStatus.IMPLEMENTED, 90, "", "") == [
        ("progress", ImplementationProblem.IMPLEMENTED_IS_COMPLETE)]
    assert status_problems(ImplementationStatus.IN_PROGRESS, 101, "", "UA-1") == [
        ("progress", ImplementationProblem.PROGRESS_RANGE),
        ("tender_number", ImplementationProblem.TENDER_FORMAT)]
    assert status_problems(ImplementationStatus.NOT_IMPLEMENTED, 10,
                           "зміни розташування об’єкта", "") == []


def test_updates_are_not_dated_in_the_future_and_say_something():
    today = date(2024, 5, 1)
    assert check_update(date(2024, 5, 1), "Роботи завершено", today) == []
    assert check_update(date(2024, 5, 2), "", today) == [
        ("posted_on", ImplementationProblem.UPDATE_DATE_FUTURE),
        ("text", ImplementationProblem.TEXT_REQUIRED)]


def test_the_tender_links_to_its_public_page():
    assert prozorro_url("UA-2018-05-14-000123-a") == (
        "https://prozorro.gov.ua/tender/UA-2018-05-14-000123-a")


S = ImplementationStatus
PAID_IN_FULL = (100_000_00, 100_000_00)


@pytest.mark.parametrize(("status", "progress", "money", "expected"), [
    (S.PLANNED, 0, (100_000_00, 0), []),
    (S.PLANNED, 0, (0, 0), []),
    (S.PROCUREMENT, 10, (100_000_00, 20_000_00), []),
    (S.IMPLEMENTED, 100, (100_000_00, 92_800_00), []),
    (S.NOT_IMPLEMENTED, 0, (100_000_00, 0), []),
    # The complaint: a line paid in full shown as "planned, 0 %".
    (S.PLANNED, 0, PAID_IN_FULL, [Contradiction.PAID_WHILE_PLANNED]),
    (S.PLANNED, 0, (100_000_00, 1), [Contradiction.PAID_WHILE_PLANNED]),
    (S.IN_PROGRESS, 0, PAID_IN_FULL, [Contradiction.PAID_IN_FULL_NO_PROGRESS]),
    (S.IMPLEMENTED, 100, (100_000_00, 0), [Contradiction.IMPLEMENTED_UNPAID]),
    (S.NOT_IMPLEMENTED, 0, PAID_IN_FULL, [Contradiction.NOT_IMPLEMENTED_PAID_IN_FULL]),
    (S.IMPLEMENTED, 100, (150_000_00, 179_250_00), []),  # other sources gave more
])
def test_status_progress_and_money_contradictions(status, progress, money, expected):
    assert contradictions(status, progress, *money) == expected


def test_a_paid_line_cannot_be_set_back_to_planned_nor_stay_at_zero_when_paid_in_full():
    assert status_problems(S.PLANNED, 0, "", "", planned=500_00, financed=100_00) == [
        ("status", ImplementationProblem.PAID_WHILE_PLANNED)]
    assert status_problems(S.IN_PROGRESS, 0, "", "", planned=500_00, financed=500_00) == [
        ("progress", ImplementationProblem.PAID_IN_FULL_NO_PROGRESS)]
    assert status_problems(S.IN_PROGRESS, 40, "", "", planned=500_00, financed=500_00) == []
    # What only a later payment can cause is flagged on the staff screens, not refused here.
    assert status_problems(S.IMPLEMENTED, 100, "", "", planned=500_00, financed=0) == []
