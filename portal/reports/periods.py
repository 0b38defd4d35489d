"""Periodic execution reports: quarters, half-years and months since the year began.

Executors report on a program quarterly, "до 6 числа місяця, наступного за звітним
кварталом" (Nizhyn's program, ``seeds/003``, section 7.4), and cities also publish
half-year progress (Khmilnyk, ``seeds/002``). A periodic report is the annual table
with the year's plan unchanged and only the financing paid within the period, so
its percentages say how much of the annual plan the period has financed.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from portal.reports.rules import (
    AnnualReport,
    Financing,
    FundingLine,
    Indicator,
    Measure,
    Program,
    ReportInputError,
    Task,
    build_annual_report,
)

REPORT_DAY = 6
"""Quarterly reports are due by this day of the month after the quarter."""


@dataclass(frozen=True)
class ReportPeriod:
    """An inclusive span of days within one budget year."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end or self.start.year != self.end.year:
            raise ValueError(f"not a period within one year: {self.start}..{self.end}")

    @property
    def year(self) -> int:
        """The budget year the period belongs to."""
        return self.start.year

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    @classmethod
    def quarter(cls, year: int, quarter: int) -> ReportPeriod:
        """Quarter 1-4 of ``year`` alone (not cumulative)."""
        _check_quarter(quarter)
        first_month = 3 * quarter - 2
        return cls(date(year, first_month, 1), _month_end(year, first_month + 2))

    @classmethod
    def months(cls, year: int, months: int) -> ReportPeriod:
        """The first ``months`` months of ``year``: "за 6 місяців", "за 9 місяців"."""
        if not 1 <= months <= 12:
            raise ValueError(f"months must be 1-12, got {months}")
        return cls(date(year, 1, 1), _month_end(year, months))

    @classmethod
    def half_year(cls, year: int) -> ReportPeriod:
        """January to June of ``year``: the half-year report."""
        return cls.months(year, 6)


def _check_quarter(quarter: int) -> None:
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter must be 1-4, got {quarter}")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def report_due_date(year: int, quarter: int) -> date:
    """The day the report on ``quarter`` of ``year`` is due: the 6th of the next month.

    The fourth quarter's report is due on 6 January of the following year.
    """
    _check_quarter(quarter)
    if quarter == 4:
        return date(year + 1, 1, REPORT_DAY)
    return date(year, 3 * quarter + 1, REPORT_DAY)


@dataclass(frozen=True)
class PeriodReport:
    """The execution table for a period: annual plans, financing paid within the period."""

    period: ReportPeriod
    report: AnnualReport


def build_period_report(
    program: Program,
    tasks: Sequence[Task],
    measures: Sequence[Measure],
    lines: Iterable[FundingLine],
    financings: Iterable[Financing],
    indicators: Iterable[Indicator],
    period: ReportPeriod,
    execution_texts: Mapping[str, str],
) -> PeriodReport:
    """Compute the execution report for ``period`` from dated financing.

    The lines give the year's plan; their own ``financed`` is replaced by the sum of
    the payments dated within the period, per measure and source. A payment for a
    measure and source with no planned line still counts and shows with no percentage.
    Indicators are reported as given: staff enter the period's actual values.
    """
    known = {measure.number for measure in measures}
    paid: list[FundingLine] = []
    for financing in financings:
        if financing.measure_number not in known:
            raise ReportInputError(f"financing for unknown measure {financing.measure_number!r}")
        if financing.paid_on in period:
            paid.append(
                FundingLine(
                    measure_number=financing.measure_number,
                    year=period.year,
                    source=financing.source,
                    planned=0,
                    financed=financing.amount,
                )
            )
    planned = [replace(line, financed=0) for line in lines]
    report = build_annual_report(
        program, tasks, measures, planned + paid, indicators, period.year, execution_texts
    )
    return PeriodReport(period=period, report=report)
