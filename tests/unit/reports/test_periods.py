"""Quarter and half-year reports: due dates, period bounds, financing dated within."""

from datetime import date
from decimal import Decimal

import pytest

from portal.programs.rules import FundingSource
from portal.reports.periods import ReportPeriod, build_period_report, report_due_date
from portal.reports.rules import (
    Amounts,
    Financing,
    FundingLine,
    Measure,
    Program,
    ReportInputError,
    Task,
)

CITY = FundingSource.CITY_BUDGET
PROGRAM = Program("Програма", "рішення № 1", (), "Відділ", 2023, 2025)
TASKS = (Task(1, "Завдання"),)
MEASURES = (Measure("1.1", 1, "Бюджет участі", "2023-2025 роки", "Управління"),)
PLAN = (FundingLine("1.1", 2024, CITY, 200_000_000, 190_000_000),)
PAYMENTS = (
    Financing("1.1", CITY, date(2024, 3, 31), 10_000_000),
    Financing("1.1", CITY, date(2024, 4, 1), 30_000_000),
    Financing("1.1", CITY, date(2024, 6, 30), 20_000_000),
    Financing("1.1", CITY, date(2024, 11, 5), 130_000_000),
    Financing("1.1", CITY, date(2023, 5, 5), 99_000_000),
)


@pytest.mark.parametrize(
    ("quarter", "due"),
    [(1, date(2024, 4, 6)), (2, date(2024, 7, 6)), (3, date(2024, 10, 6)), (4, date(2025, 1, 6))],
)
def test_quarter_reports_are_due_on_the_6th_of_the_next_month(quarter: int, due: date) -> None:
    assert report_due_date(2024, quarter) == due


@pytest.mark.parametrize("quarter", [0, 5, -1])
def test_there_are_four_quarters(quarter: int) -> None:
    with pytest.raises(ValueError, match="quarter"):
        report_due_date(2024, quarter)
    with pytest.raises(ValueError, match="quarter"):
        ReportPeriod.quarter(2024, quarter)


def test_period_bounds() -> None:
    assert ReportPeriod.quarter(2024, 1) == ReportPeriod(date(2024, 1, 1), date(2024, 3, 31))
    assert ReportPeriod.quarter(2024, 4) == ReportPeriod(date(2024, 10, 1), date(2024, 12, 31))
    assert ReportPeriod.half_year(2024) == ReportPeriod(date(2024, 1, 1), date(2024, 6, 30))
    assert ReportPeriod.months(2024, 2).end == date(2024, 2, 29)
    assert date(2024, 6, 30) in ReportPeriod.half_year(2024)
    assert date(2024, 7, 1) not in ReportPeriod.half_year(2024)


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2024, 5, 1), date(2024, 4, 1)), (date(2024, 12, 1), date(2025, 1, 31))],
)
def test_a_period_lies_within_one_year(start: date, end: date) -> None:
    with pytest.raises(ValueError, match="within one year"):
        ReportPeriod(start, end)


def test_months_are_one_to_twelve() -> None:
    with pytest.raises(ValueError, match="months"):
        ReportPeriod.months(2024, 13)


def test_quarter_report_counts_only_payments_within_the_quarter() -> None:
    result = build_period_report(
        PROGRAM, TASKS, MEASURES, PLAN, PAYMENTS, [], ReportPeriod.quarter(2024, 2), {}
    )
    assert result.period == ReportPeriod.quarter(2024, 2)
    # The annual plan stays; the lines' own annual financed figure is not used.
    assert result.report.total == Amounts(200_000_000, 50_000_000)
    assert result.report.total.percent == Decimal("25.0")


def test_half_year_report_is_cumulative_from_january() -> None:
    result = build_period_report(
        PROGRAM, TASKS, MEASURES, PLAN, PAYMENTS, [], ReportPeriod.half_year(2024), {}
    )
    assert result.report.total == Amounts(200_000_000, 60_000_000)
    assert result.report.year == 2024


def test_payment_without_a_planned_line_still_shows() -> None:
    payment = Financing("1.1", FundingSource.OTHER, date(2024, 2, 1), 5_000)
    result = build_period_report(
        PROGRAM, TASKS, MEASURES, PLAN, [payment], [], ReportPeriod.quarter(2024, 1), {}
    )
    ((_, city), (_, other)) = result.report.measures[0].by_source
    assert city == Amounts(200_000_000, 0)
    assert other == Amounts(0, 5_000)
    assert other.percent is None


def test_payment_for_an_unknown_measure_is_refused() -> None:
    payment = Financing("2.1", CITY, date(2024, 2, 1), 5_000)
    with pytest.raises(ReportInputError):
        build_period_report(
            PROGRAM, TASKS, MEASURES, PLAN, [payment], [], ReportPeriod.quarter(2024, 1), {}
        )
