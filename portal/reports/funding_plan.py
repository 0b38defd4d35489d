"""The program's multi-year funding plan: amounts per measure and source per year.

Programs carry an appendix listing, for each measure, its funding source and the
indicative amount for every year of the program (Korosten, ``seeds/004``:
"2017р.-34,0 2018р.-34,0 2019р.-34,0 2020р.-34,0"). The portal computes it from the
same funding lines the reports use, so the appendix and the reports agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from portal.money import format_thousands
from portal.programs.rules import FundingSource
from portal.reports.rules import FundingLine, Measure, Program, ReportInputError


@dataclass(frozen=True)
class PlanRow:
    """One measure's planned kopecks from one source for each year it has a line for (a
    line of nothing included: "2020р.-00,0"), in order; the appendix prints only those, as
    Korosten's does for a measure of 2019-2020 ("2019р.-30,00 2020р.-35,00")."""

    measure: Measure
    source: FundingSource
    by_year: tuple[tuple[int, int], ...]

    @property
    def total(self) -> int:
        """The measure's planned kopecks from this source over the whole term."""
        return sum(amount for _, amount in self.by_year)


@dataclass(frozen=True)
class FundingPlan:
    """The appendix: rows for funded measures and the program's totals per year."""

    program: Program
    rows: tuple[PlanRow, ...]
    unfunded: tuple[Measure, ...]  # "Фінансування не потребує"

    @property
    def by_year(self) -> tuple[tuple[int, int], ...]:
        """Planned kopecks of all measures and sources per program year."""
        return tuple(
            (year, sum(dict(row.by_year).get(year, 0) for row in self.rows))
            for year in self.program.years
        )

    @property
    def total(self) -> int:
        """Planned kopecks over the whole program."""
        return sum(row.total for row in self.rows)


def build_funding_plan(
    program: Program, measures: Sequence[Measure], lines: Iterable[FundingLine]
) -> FundingPlan:
    """Sum planned amounts per measure, source and year across the program's term.

    A measure gets one row per source it has lines from, with the years it has lines for;
    measures with no lines are listed apart.
    """
    planned: dict[tuple[str, FundingSource], dict[int, int]] = {}
    known = {measure.number for measure in measures}
    for line in lines:
        if line.measure_number not in known:
            raise ReportInputError(f"funding line for unknown measure {line.measure_number!r}")
        if line.year not in program.years:
            raise ReportInputError(f"funding line for {line.year}, outside the program's term")
        years = planned.setdefault((line.measure_number, line.source), {})
        years[line.year] = years.get(line.year, 0) + line.planned
    rows = tuple(
        PlanRow(
            measure=measure,
            source=source,
            by_year=tuple((year, years[year]) for year in program.years if year in years),
        )
        for measure in measures
        for source in FundingSource
        if (years := planned.get((measure.number, source))) is not None
    )
    funded = {row.measure.number for row in rows}
    return FundingPlan(
        program=program,
        rows=rows,
        unfunded=tuple(m for m in measures if m.number not in funded),
    )


def format_year_amounts(by_year: Iterable[tuple[int, int]]) -> str:
    """Render amounts per year the appendix's way: ``"2017р.-34,0 2018р.-34,0"``."""
    return " ".join(f"{year}р.-{format_thousands(amount)}" for year, amount in by_year)
