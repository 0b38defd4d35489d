"""Use cases of the money and the results: funding lines, payments, indicators, texts.

Planned amounts and payments are integer kopecks. A payment belongs to the budget year of
its line. Lines of participatory-budget winners are created by
:func:`portal.implementation.funding.fund_winners`, not here, and cannot be deleted by hand
while their project is a winner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.programs.messages import PROBLEMS
from portal.programs.models import (
    Department,
    Financing,
    FundingLine,
    Indicator,
    Measure,
    MeasureExecutionText,
    Program,
)
from portal.programs.rules import (
    FundingSource,
    IndicatorGroup,
    PortalFigure,
    ProgramProblem,
    check_payment_date,
    check_year_in_term,
)
from portal.programs.services import audit_change, unique_or_refuse
from portal.projects.rules import ProjectStatus
from portal.refusal import Refused


def _check_year(program: Program, year: int, field: str = "year") -> None:
    if check_year_in_term(year, program.start_year, program.end_year):
        raise Refused(PROBLEMS(ProgramProblem.YEAR_OUTSIDE_TERM, field))


def plan_line(
    session: Session, *, actor: Any, measure: Measure, year: int, source: FundingSource,
    planned: int, department: Department | None = None, title: str = "", now: datetime,
) -> FundingLine:
    """Plan a measure's money for a year from a source (one general line per pair)."""
    _check_year(measure.task.program, year)
    with unique_or_refuse(session, ProgramProblem.LINE_EXISTS, "source"):
        line = FundingLine(measure=measure, year=year, source=source, planned=planned,
                           department=department, title=title.strip(), created_at=now)
        session.add(line)
    audit_change(session, actor, "funding_line.planned", line, now, measure=measure.number,
                 year=year, source=source.value, planned=planned)
    return line


def change_line(
    session: Session, *, actor: Any, line: FundingLine, planned: int,
    department: Department | None, title: str, now: datetime,
) -> FundingLine:
    """Change a line's planned amount, executor or title (an amended plan)."""
    before = line.planned
    line.planned, line.department, line.title = planned, department, title.strip()
    session.flush()
    audit_change(session, actor, "funding_line.changed", line, now, planned_before=before,
                 planned=planned)
    return line


def delete_line(session: Session, *, actor: Any, line: FundingLine, now: datetime) -> None:
    """Remove a line nobody has been paid on; a winner's line stays with its project."""
    if line.financings:
        raise Refused(PROBLEMS(ProgramProblem.HAS_PAYMENTS))
    if line.project is not None and line.project.status is ProjectStatus.WINNER:
        raise Refused(PROBLEMS(ProgramProblem.WINNER_LINE))
    session.delete(line)
    session.flush()
    audit_change(session, actor, "funding_line.deleted", line, now, measure=line.measure.number,
                 year=line.year, source=line.source.value, planned=line.planned)


def record_payment(
    session: Session, *, actor: Any, line: FundingLine, paid_on: date, amount: int,
    document: str, now: datetime,
) -> Financing:
    """Record money actually paid on a line ("фактично профінансовано")."""
    if check_payment_date(paid_on, line.year):
        raise Refused(PROBLEMS(ProgramProblem.PAYMENT_OUTSIDE_YEAR, "paid_on"))
    if amount <= 0:
        raise Refused(PROBLEMS(ProgramProblem.AMOUNT_NOT_POSITIVE, "amount"))
    payment = Financing(line=line, paid_on=paid_on, amount=amount, document=document.strip(),
                        recorded_by_id=getattr(actor, "id", None), recorded_at=now)
    session.add(payment)
    session.flush()
    audit_change(session, actor, "financing.recorded", line, now, payment=payment.id,
                 paid_on=paid_on.isoformat(), amount=amount, document=payment.document)
    return payment


def delete_payment(session: Session, *, actor: Any, payment: Financing, now: datetime) -> None:
    """Remove a payment recorded by mistake; the audit log keeps what it was."""
    line = payment.line
    line.financings.remove(payment)
    session.flush()
    audit_change(session, actor, "financing.deleted", line, now,
                 paid_on=payment.paid_on.isoformat(), amount=payment.amount,
                 document=payment.document)


@dataclass(frozen=True)
class IndicatorData:
    """An indicator as a form or an import gives it; ``actual`` is unused with a figure."""

    group: IndicatorGroup
    name: str
    unit: str
    planned: Decimal
    actual: Decimal | None
    figure: PortalFigure | None = None
    reasons: str = ""
    remedies: str = ""


def save_indicator(
    session: Session, *, actor: Any, program: Program, year: int, data: IndicatorData,
    indicator: Indicator | None = None, now: datetime,
) -> Indicator:
    """Add an indicator at the end of its group, or change one."""
    _check_year(program, year)
    if data.figure is not None and data.actual is not None:
        raise Refused(PROBLEMS(ProgramProblem.FIGURE_NEEDS_NO_ACTUAL, "actual"))
    with unique_or_refuse(session, ProgramProblem.LINE_EXISTS):
        if indicator is None or indicator.group != data.group:
            last = session.scalar(
                select(func.max(Indicator.position))
                .where(Indicator.program_id == program.id, Indicator.year == year,
                       Indicator.group == data.group)
            )
            position = (last or 0) + 1
            if indicator is None:
                indicator = Indicator(program=program, year=year, group=data.group,
                                      position=position)
                session.add(indicator)
            else:
                indicator.group, indicator.position = data.group, position
        indicator.name = data.name.strip()
        indicator.unit = data.unit.strip()
        indicator.planned = data.planned
        indicator.actual = data.actual
        indicator.figure = data.figure
        indicator.reasons = data.reasons.strip()
        indicator.remedies = data.remedies.strip()
    audit_change(session, actor, "indicator.saved", indicator, now, year=year,
                 group=data.group.value, planned=str(data.planned),
           actual=None if data.actual is None else str(data.actual),
           figure=data.figure.value if data.figure else None)
    return indicator


def delete_indicator(session: Session, *, actor: Any, indicator: Indicator, now: datetime) -> None:
    session.delete(indicator)
    session.flush()
    audit_change(session, actor, "indicator.deleted", indicator, now, name=indicator.name[:200])


def set_execution_text(
    session: Session, *, actor: Any, measure: Measure, year: int, text: str, now: datetime
) -> MeasureExecutionText | None:
    """Write what was done under a measure in a year; an empty text removes it."""
    _check_year(measure.task.program, year)
    record = session.scalar(
        select(MeasureExecutionText)
        .where(MeasureExecutionText.measure_id == measure.id, MeasureExecutionText.year == year)
    )
    text = text.strip()
    if not text:
        if record is not None:
            session.delete(record)
            session.flush()
        audit_change(session, actor, "measure.execution_text_removed", measure, now, year=year)
        return None
    if record is None:
        with unique_or_refuse(session, ProgramProblem.LINE_EXISTS):
            record = MeasureExecutionText(measure=measure, year=year, text=text)
            session.add(record)
    else:
        record.text = text
        session.flush()
    audit_change(session, actor, "measure.execution_text_saved", measure, now, year=year)
    return record
