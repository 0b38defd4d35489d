"""Participatory-budget cycles and the measure that finances their winners.

A cycle is linked to the measure that finances it (Bakhmut's 3.3 "Бюджет участі"); when the
commission approves the results, ``portal.implementation.funding.fund_winners`` gives each
winner its funding line under that measure. :func:`winner_lines` lists those lines.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.cycles.models import Cycle
from portal.programs.messages import PROBLEMS
from portal.programs.models import FundingLine, Measure
from portal.programs.rules import ProgramProblem, check_year_in_term
from portal.programs.services import audit_change
from portal.projects.models import Project
from portal.refusal import Refused


def link_cycle(
    session: Session, *, actor: Any, cycle: Cycle, measure: Measure | None, now: datetime
) -> None:
    """Name the measure that finances ``cycle`` (or none); its budget year must be in term."""
    if measure is not None:
        program = measure.task.program
        if check_year_in_term(cycle.budget_year, program.start_year, program.end_year):
            raise Refused(PROBLEMS(ProgramProblem.YEAR_OUTSIDE_TERM, "cycle"))
    before = cycle.measure_id
    cycle.measure_id = measure.id if measure is not None else None
    session.flush()
    audit_change(session, actor, "cycle.measure_linked", cycle, now, measure_before=before,
                 measure=cycle.measure_id)


def winner_lines(session: Session, measure: Measure) -> list[FundingLine]:
    """The measure's lines that fund winners, by year and project number."""
    return list(session.scalars(
        select(FundingLine).join(Project, FundingLine.project_id == Project.id)
        .where(FundingLine.measure_id == measure.id)
        .order_by(FundingLine.year, Project.number)
    ))
