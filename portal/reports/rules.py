"""Arithmetic of a target program's execution report, over plain frozen dataclasses.

The annual report a city council accepts (Bakhmut, 27.03.2019 № 6/127-2509, in
``seeds/000``) has three parts, and :func:`build_annual_report` computes each from the
records alone, so the report cannot contradict itself (DESIGN rule 3):

1. "Виконання заходів Програми": per priority task and measure, the year's planned
   funding by source, what was actually financed, the execution percentage and a text;
   then totals for all sources, the city budget and "інше" (everything else).
2. "Виконання результативних показників": indicators in four groups with planned and
   actual values and a percentage.
3. "Оцінка ефективності": one overall percentage. Bakhmut prints 94,4 %, which is
   total financed over total planned of all sources (764,3 / 809,5). It is neither the
   mean of the measure percentages (101,3) nor a sum capped at 100 % per measure
   (758,7 / 809,5 = 93,7), so overspending on one measure does offset another.

Where the state budget goes: the Bakhmut form splits the total into "у тому числі
міський бюджет" and "інше", so "інше" is the complement of the city budget and the two
lines add up to "Всього". State budget money spent under a city program is not city
budget money, so it folds into "інше" together with grants, sponsors and other
sources. :attr:`AnnualReport.by_source` still keeps each source apart for a city whose
form lists the state budget on its own line.

Periodic (quarterly, half-year) reports are the same table with the annual plan and
only the financing dated within the period (:func:`build_period_report`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.money import KOPECKS_PER_THOUSAND, percent_value
from portal.programs.rules import FundingSource, IndicatorBasis, IndicatorGroup


@dataclass(frozen=True)
class Program:
    """A target program's heading as the report repeats it."""

    title: str
    approval: str  # the approving decision, e.g. "рішення ... від 27.06.2017 №6/102-1903"
    amendments: tuple[str, ...]  # decisions that amended it, oldest first
    responsible_executor: str
    start_year: int
    end_year: int

    @property
    def years(self) -> range:
        """The budget years the program covers."""
        return range(self.start_year, self.end_year + 1)


@dataclass(frozen=True)
class Task:
    """A priority task ("пріоритетне завдання"), numbered 1, 2, ... in the program."""

    number: int
    title: str


@dataclass(frozen=True)
class Measure:
    """A measure ("захід") of a task; ``term`` and ``executors`` are free text."""

    number: str  # "3.3": the task number, a dot, the measure's place in the task
    task_number: int
    content: str
    term: str  # "2017-2020 роки", "IV квартал", "постійно": terms are not always dates
    executors: str


@dataclass(frozen=True)
class FundingLine:
    """One planned amount of a measure for a year from one source, and what it got.

    A measure may have several lines from the same source (each participatory-budget
    winner is its own line under the participatory-budget measure); reports add them.
    """

    measure_number: str
    year: int
    source: FundingSource
    planned: int  # kopecks
    financed: int  # kopecks actually financed in the year


@dataclass(frozen=True)
class Financing:
    """A dated payment against a measure's funding from one source, for periodic reports."""

    measure_number: str
    source: FundingSource
    paid_on: date
    amount: int  # kopecks


@dataclass(frozen=True)
class Indicator:
    """A performance indicator; ``unit`` is empty when the document states none.

    ``actual`` is ``None`` while nobody has reported it yet: the report leaves the cell
    and the percentage empty rather than print a zero nobody measured.
    """

    group: IndicatorGroup
    name: str
    unit: str
    planned: Decimal
    actual: Decimal | None
    reasons: str
    remedies: str
    basis: IndicatorBasis = IndicatorBasis.RECORDED


@dataclass(frozen=True)
class Amounts:
    """Planned and financed kopecks, and the execution percentage they give."""

    planned: int
    financed: int

    @property
    def percent(self) -> Decimal | None:
        """Financed as a percentage of planned; ``None`` when nothing was planned."""
        return percent_value(self.financed, self.planned)

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(self.planned + other.planned, self.financed + other.financed)


NOTHING = Amounts(0, 0)


@dataclass(frozen=True)
class MeasureRow:
    """A measure's row of table 1; ``by_source`` holds only sources it has lines from."""

    measure: Measure
    by_source: tuple[tuple[FundingSource, Amounts], ...]
    execution_text: str

    @property
    def funded(self) -> bool:
        """Whether the measure has any funding line; unfunded rows print dashes."""
        return bool(self.by_source)

    @property
    def amounts(self) -> Amounts:
        """All sources together: the row's planned, financed and percentage."""
        return sum((amounts for _, amounts in self.by_source), NOTHING)


@dataclass(frozen=True)
class TaskRow:
    """A priority task with its measures; its subtotal is not printed by Bakhmut's form."""

    task: Task
    measures: tuple[MeasureRow, ...]

    @property
    def amounts(self) -> Amounts:
        """The task's subtotal over all its measures and sources."""
        return sum((row.amounts for row in self.measures), NOTHING)


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator's row of table 2 with the figures the report shows."""

    indicator: Indicator
    planned: Decimal
    actual: Decimal | None

    @property
    def percent(self) -> Decimal | None:
        """Actual as a percentage of planned; ``None`` when the plan is zero or no actual."""
        if self.actual is None:
            return None
        return percent_value(self.actual, self.planned)


@dataclass(frozen=True)
class AnnualReport:
    """Everything the annual (or periodic) execution report prints, computed."""

    program: Program
    year: int
    tasks: tuple[TaskRow, ...]
    indicators: tuple[tuple[IndicatorGroup, tuple[IndicatorRow, ...]], ...]

    @property
    def measures(self) -> tuple[MeasureRow, ...]:
        """Every measure row in program order."""
        return tuple(row for task in self.tasks for row in task.measures)

    @property
    def by_source(self) -> dict[FundingSource, Amounts]:
        """Totals per funding source, for forms that list each source on its own line."""
        totals = {source: NOTHING for source in FundingSource}
        for row in self.measures:
            for source, amounts in row.by_source:
                totals[source] += amounts
        return totals

    @property
    def total(self) -> Amounts:
        """All sources: the "Всього" line."""
        return sum(self.by_source.values(), NOTHING)

    @property
    def total_city_budget(self) -> Amounts:
        """The city budget: the "у тому числі міський бюджет" line."""
        return self.by_source[FundingSource.CITY_BUDGET]

    @property
    def total_other(self) -> Amounts:
        """Every source but the city budget, state budget included: the "інше" line."""
        totals = self.by_source
        return totals[FundingSource.STATE_BUDGET] + totals[FundingSource.OTHER]

    @property
    def effectiveness(self) -> Decimal | None:
        """Section 3: total financed over total planned of all sources, in percent."""
        return self.total.percent


class ReportInputError(ValueError):
    """Records that do not fit together, such as a line for a measure that does not exist."""


def _measure_rows(
    measures: Sequence[Measure],
    lines: Iterable[FundingLine],
    year: int,
    execution_texts: Mapping[str, str],
) -> dict[str, MeasureRow]:
    """Add up each measure's lines of ``year`` by source."""
    sums: dict[str, dict[FundingSource, Amounts]] = {m.number: {} for m in measures}
    for line in lines:
        if line.measure_number not in sums:
            raise ReportInputError(f"funding line for unknown measure {line.measure_number!r}")
        if line.year != year:
            continue
        by_source = sums[line.measure_number]
        by_source[line.source] = by_source.get(line.source, NOTHING) + Amounts(
            line.planned, line.financed
        )
    unknown = set(execution_texts) - set(sums)
    if unknown:
        raise ReportInputError(f"execution text for unknown measures {sorted(unknown)!r}")
    return {
        m.number: MeasureRow(
            measure=m,
            by_source=tuple((s, sums[m.number][s]) for s in FundingSource if s in sums[m.number]),
            execution_text=execution_texts.get(m.number, ""),
        )
        for m in measures
    }


def _indicator_rows(
    indicators: Iterable[Indicator], total: Amounts
) -> tuple[tuple[IndicatorGroup, tuple[IndicatorRow, ...]], ...]:
    """Group indicators in form order, filling computed ones from the report's totals."""
    rows: dict[IndicatorGroup, list[IndicatorRow]] = {group: [] for group in IndicatorGroup}
    for indicator in indicators:
        if indicator.basis is IndicatorBasis.TOTAL_FUNDING:
            planned = Decimal(total.planned) / KOPECKS_PER_THOUSAND
            actual = Decimal(total.financed) / KOPECKS_PER_THOUSAND
        else:
            planned, actual = indicator.planned, indicator.actual
        rows[indicator.group].append(IndicatorRow(indicator, planned, actual))
    return tuple((group, tuple(rows[group])) for group in IndicatorGroup if rows[group])


def build_annual_report(
    program: Program,
    tasks: Sequence[Task],
    measures: Sequence[Measure],
    lines: Iterable[FundingLine],
    indicators: Iterable[Indicator],
    year: int,
    execution_texts: Mapping[str, str],
) -> AnnualReport:
    """Compute the annual execution report of ``program`` for ``year``.

    Tasks and measures keep the order given; lines of other years are ignored, so the
    caller may pass the program's whole funding plan. ``execution_texts`` maps a
    measure number to its "information on execution" for the year.
    """
    if year not in program.years:
        raise ReportInputError(f"{year} is outside the program's term")
    task_numbers = {task.number for task in tasks}
    for measure in measures:
        if measure.task_number not in task_numbers:
            raise ReportInputError(f"measure {measure.number!r} of unknown task")
    rows = _measure_rows(measures, lines, year, execution_texts)
    task_rows = tuple(
        TaskRow(
            task=task,
            measures=tuple(rows[m.number] for m in measures if m.task_number == task.number),
        )
        for task in tasks
    )
    total = sum((row.amounts for row in rows.values()), NOTHING)
    return AnnualReport(
        program=program,
        year=year,
        tasks=task_rows,
        indicators=_indicator_rows(indicators, total),
    )
