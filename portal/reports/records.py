"""Read a program's records into the report arithmetic's plain dataclasses.

This is the one road from the database to every report: the annual and periodic
reports, the plan-of-measures report, the funding appendix and the passport, in every
format, for the web pages, the API and the command line. Nothing is summed here; the
pure modules (``report_rules``, ``periods``, ``funding_plan``) do the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from portal.i18n import _
from portal.programs.models import (
    Financing,
    FundingLine,
    Indicator,
    Measure,
    MeasureExecutionText,
    Program,
    Task,
)
from portal.programs.rules import PortalFigure
from portal.reports import rules as rr
from portal.reports.cycle_figures import CycleFacts, cycle_facts
from portal.reports.figures import FigureNote, FigureScope, compute_figure


@dataclass(frozen=True)
class FigureNoteRow:
    """A computed indicator whose figure comes with a note (e.g. no voting records)."""

    indicator_name: str
    figure: PortalFigure
    note: FigureNote


@dataclass(frozen=True)
class ProgramRecords:
    """A program's records for one year (or for its whole term), ready for the arithmetic."""

    program: rr.Program
    tasks: tuple[rr.Task, ...]
    measures: tuple[rr.Measure, ...]
    lines: tuple[rr.FundingLine, ...]
    financings: tuple[rr.Financing, ...]
    indicators: tuple[rr.Indicator, ...]
    execution_texts: dict[str, str]
    expected_results: dict[str, str]
    figure_notes: tuple[FigureNoteRow, ...] = ()
    cycles: tuple[CycleFacts, ...] = field(default=())


def decision_text(by: str, on: date | None, number: str) -> str:
    """A decision as the documents cite it: "рішення <by> від 27.06.2017 №6/102-1903"."""
    by, number = by.strip(), number.strip()
    day = f"{on:%d.%m.%Y}" if on is not None else ""
    if not (by or day or number):
        return ""
    if by and day and number:
        return _("decision of %(body)s of %(date)s No %(number)s", body=by, date=day,
                 number=number)
    parts = [_("decision"), by]
    if day:
        parts.append(_("of %(date)s", date=day))
    if number:
        parts.append(_("No %(number)s", number=number))
    return " ".join(part for part in parts if part)


def heading(program: Program) -> rr.Program:
    """The program's heading as the report arithmetic knows it."""
    return rr.Program(
        title=program.title,
        approval=decision_text(program.approved_by, program.approved_on,
                               program.approval_number),
        amendments=tuple(decision_text(a.decided_by, a.decided_on, a.number)
                         for a in program.amendments),
        responsible_executor=program.responsible_executor,
        start_year=program.start_year,
        end_year=program.end_year,
    )


def _structure(session: Session, program: Program) -> list[Task]:
    return list(session.scalars(
        select(Task).where(Task.program_id == program.id).order_by(Task.number)
        .options(selectinload(Task.measures).selectinload(Measure.departments))
    ))


def _lines(session: Session, measure_numbers: dict[int, str], year: int | None):
    """Every line of the program (of ``year`` if given) with its financed total."""
    financed = (
        select(Financing.line_id, func.sum(Financing.amount).label("paid"))
        .group_by(Financing.line_id).subquery()
    )
    query = (
        select(FundingLine.measure_id, FundingLine.year, FundingLine.source,
               FundingLine.planned, func.coalesce(financed.c.paid, 0))
        .outerjoin(financed, financed.c.line_id == FundingLine.id)
        .where(FundingLine.measure_id.in_(measure_numbers))
        .order_by(FundingLine.id)
    )
    if year is not None:
        query = query.where(FundingLine.year == year)
    return tuple(
        rr.FundingLine(measure_numbers[measure_id], line_year, source, planned, int(paid))
        for measure_id, line_year, source, planned, paid in session.execute(query)
    )


def _financings(session: Session, measure_numbers: dict[int, str], year: int):
    query = (
        select(FundingLine.measure_id, FundingLine.source, Financing.paid_on, Financing.amount)
        .join(Financing.line)
        .where(FundingLine.measure_id.in_(measure_numbers), FundingLine.year == year)
        .order_by(Financing.paid_on, Financing.id)
    )
    return tuple(
        rr.Financing(measure_numbers[measure_id], source, paid_on, amount)
        for measure_id, source, paid_on, amount in session.execute(query)
    )


def _indicators(
    session: Session, program: Program, year: int, cycle_ids: tuple[int, ...]
) -> tuple[tuple[rr.Indicator, ...], tuple[FigureNoteRow, ...]]:
    rows = session.scalars(
        select(Indicator).where(Indicator.program_id == program.id, Indicator.year == year)
        .order_by(Indicator.group, Indicator.position)
    )
    indicators, notes = [], []
    scope = FigureScope(program.id, year, cycle_ids)
    for row in rows:
        basis, actual = rr.IndicatorBasis.RECORDED, row.actual
        if row.figure is PortalFigure.MONEY_FINANCED:
            basis = rr.IndicatorBasis.TOTAL_FUNDING
        elif row.figure is not None:
            computed = compute_figure(session, row.figure, scope)
            actual = computed.value
            if computed.note is not None:
                notes.append(FigureNoteRow(row.name, row.figure, computed.note))
        indicators.append(rr.Indicator(row.group, row.name, row.unit, row.planned, actual,
                                       row.reasons, row.remedies, basis))
    return tuple(indicators), tuple(notes)


def load_records(session: Session, program: Program, year: int | None) -> ProgramRecords:
    """Read the program and, when ``year`` is given, that year's lines, payments and texts.

    Without a year (the funding appendix, the passport) every line of the term is read
    and there are no payments, indicators or texts.
    """
    tasks = _structure(session, program)
    measures = [m for task in tasks for m in task.measures]
    numbers = {m.id: m.number for m in measures}
    found = tuple(replace(facts, measure_number=numbers[facts.measure_id])
                  for facts in cycle_facts(session, program, year)) if year is not None else ()
    texts: dict[str, str] = {}
    indicators: tuple[rr.Indicator, ...] = ()
    notes: tuple[FigureNoteRow, ...] = ()
    financings: tuple[rr.Financing, ...] = ()
    if year is not None:
        typed = session.execute(
            select(MeasureExecutionText.measure_id, MeasureExecutionText.text)
            .where(MeasureExecutionText.measure_id.in_(numbers),
                   MeasureExecutionText.year == year)
        )
        texts = {numbers[measure_id]: text for measure_id, text in typed}
        for facts in found:
            # The cycle's figures come first; what staff typed about the measure follows.
            typed_text = texts.get(numbers[facts.measure_id])
            texts[numbers[facts.measure_id]] = "\n".join(filter(None, [facts.text, typed_text]))
        cycle_ids = tuple(sorted({c for facts in found for c in facts.cycle_ids}))
        indicators, notes = _indicators(session, program, year, cycle_ids)
        financings = _financings(session, numbers, year)
    return ProgramRecords(
        program=heading(program),
        tasks=tuple(rr.Task(t.number, t.title) for t in tasks),
        measures=tuple(
            rr.Measure(m.number, m.task.number, m.content, m.term, m.executors_text)
            for m in measures
        ),
        lines=_lines(session, numbers, year),
        financings=financings,
        indicators=indicators,
        execution_texts=texts,
        expected_results={m.number: m.expected_results for m in measures},
        figure_notes=notes,
        cycles=found,
    )


def total_planned(session: Session, program: Program) -> int:
    """Kopecks planned over the program's whole term: the passport's total funding."""
    return int(session.scalar(
        select(func.coalesce(func.sum(FundingLine.planned), 0))
        .join(Measure).join(Task).where(Task.program_id == program.id)
    ) or 0)



@dataclass(frozen=True)
class YearRollup:
    """A year's money rolled up from lines to tasks and the program (planned, financed)."""

    year: int
    total: rr.Amounts
    tasks: tuple[tuple[rr.Task, rr.Amounts], ...]


def rollup(session: Session, program: Program) -> list[YearRollup]:
    """Every year of the term with its task subtotals and the program's total."""
    records = load_records(session, program, None)
    found = []
    for year in program.years:
        report = rr.build_annual_report(records.program, records.tasks, records.measures,
                                        records.lines, (), year, {})
        found.append(YearRollup(year, report.total,
                                tuple((row.task, row.amounts) for row in report.tasks)))
    return found
