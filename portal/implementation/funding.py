"""Participatory-budget winners flow into the program as funding lines.

When the commission approves a cycle's results, :func:`fund_winners` gives every winner a
line of its own under the measure the cycle is linked to (``portal.programs.winners``), for
the cycle's budget year: planned = the project's approved cost, source = the city budget,
executor = the measure's first department (staff can change it on the line), linked both
ways (``line.project``, ``project.funding_line``), and an implementation record in status
"planned".

The results part calls it right after the approval::

    from portal.implementation.funding import fund_winners
    lines = fund_winners(session, cycle=cycle, actor=commission_member, now=now)

It is idempotent: a winner that already has its line is skipped, and UNIQUE(project_id)
refuses a second line even if two approvals ran at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.cycles.models import Cycle
from portal.implementation.models import Implementation
from portal.implementation.rules import ImplementationStatus
from portal.notifications import services as notifications
from portal.notifications.rules import FollowTarget, NoticeKind
from portal.programs.messages import PROBLEMS
from portal.programs.models import FundingLine, Measure
from portal.programs.rules import FundingSource, ProgramProblem, check_year_in_term
from portal.programs.services import audit_change
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus
from portal.refusal import Refused


def _title(project: Project) -> str:
    return str(project)[:300]


def fund_winners(session: Session, *, cycle: Cycle, actor: Any, now: datetime
                 ) -> list[FundingLine]:
    """Give each winner of ``cycle`` without a line its funding line; return the new lines.

    Refuses (``Refused``, the program's problems) with ``cycle_not_linked`` when the cycle
    has no measure and with ``year_outside_term`` when its budget year is outside the
    measure's program.
    """
    measure = session.get(Measure, cycle.measure_id) if cycle.measure_id else None
    if measure is None:
        raise Refused(PROBLEMS(ProgramProblem.CYCLE_NOT_LINKED))
    program = measure.task.program
    if check_year_in_term(cycle.budget_year, program.start_year, program.end_year):
        raise Refused(PROBLEMS(ProgramProblem.YEAR_OUTSIDE_TERM))
    winners = session.scalars(
        select(Project).where(Project.cycle_id == cycle.id, Project.status == ProjectStatus.WINNER)
        .where(~select(FundingLine.id).where(FundingLine.project_id == Project.id).exists())
        .order_by(Project.number)
    ).all()
    department = measure.departments[0] if measure.departments else None
    created = []
    for project in winners:
        try:
            with session.begin_nested():
                line = FundingLine(measure=measure, year=cycle.budget_year,
                                   source=FundingSource.CITY_BUDGET, planned=project.total_cost,
                                   title=_title(project), department=department,
                                   project=project, created_at=now)
                session.add(line)
                session.add(Implementation(line=line, status=ImplementationStatus.PLANNED,
                                           progress=0, updated_at=now,
                                           updated_by_id=getattr(actor, "id", None)))
                session.flush()
        except IntegrityError:
            # Another approval funded this winner a moment ago: UNIQUE(project_id) held.
            continue
        created.append(line)
        notifications.tell_followers(
            session, kind=NoticeKind.FUNDING, target=FollowTarget.PROJECT, target_id=project.id,
            params={"title": project.title}, district_id=project.district_id)
        audit_change(session, actor, "funding_line.winner_funded", line, now,
                     project=project.id, cycle=cycle.id, measure=measure.number,
                     year=cycle.budget_year, planned=project.total_cost)
    return created
