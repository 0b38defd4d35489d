"""Storing a program's measures and funding plan read from a spreadsheet (all or nothing).

Tasks and measures are matched by number and updated, new ones are added; a general
funding line is matched by measure, year and source and its plan replaced. Nothing is
deleted: a row missing from the sheet leaves the program's record alone. The caller
refuses the whole file when :func:`portal.programs.program_sheet.parse_plan` found any
problem, so a half-imported plan never reaches the reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.programs import funding, services
from portal.programs.models import FundingLine, Measure, Program, Task
from portal.programs.program_sheet import PlanSheet, template_rows


@dataclass(frozen=True)
class ImportSummary:
    tasks: int
    measures: int
    lines: int


def import_plan(
    session: Session, *, actor: Any, program: Program, plan: PlanSheet, now: datetime
) -> ImportSummary:
    """Store the sheet's tasks, measures and planned amounts in ``program``."""
    tasks = {task.number: task for task in program.tasks}
    for number, title in sorted(plan.tasks.items()):
        tasks[number] = services.save_task(session, actor=actor, program=program, number=number,
                                           title=title, task=tasks.get(number), now=now)
    lines = 0
    for planned in plan.measures.values():
        task = tasks[planned.task]
        measure = next((m for m in task.measures if m.seq == planned.seq), None)
        data = services.MeasureData(
            seq=planned.seq, content=planned.content, term=planned.term,
            executors=planned.executors, expected_results=planned.expected_results,
            department_ids=[d.id for d in measure.departments] if measure else [],
        )
        measure = services.save_measure(session, actor=actor, task=task, data=data,
                                        measure=measure, now=now)
        existing = {(line.source, line.year): line for line in measure.lines
                    if line.project_id is None}
        for (source, year), amount in planned.amounts.items():
            line = existing.get((source, year))
            if line is None:
                funding.plan_line(session, actor=actor, measure=measure, year=year,
                                  source=source, planned=amount, now=now)
            elif line.planned != amount:
                funding.change_line(session, actor=actor, line=line, planned=amount,
                                    department=line.department, title=line.title, now=now)
            lines += 1
    services.audit_change(session, actor, "program.plan_imported", program, now,
                          tasks=len(plan.tasks), measures=len(plan.measures), lines=lines)
    return ImportSummary(len(plan.tasks), len(plan.measures), lines)


def program_template_rows(session: Session, program: Program) -> list[list[str]]:
    """The template filled with the program's current measures and general lines."""
    measures = session.scalars(
        select(Measure).join(Task).where(Task.program_id == program.id)
        .order_by(Task.number, Measure.seq)
    ).all()
    general = session.scalars(
        select(FundingLine).join(Measure).join(Task)
        .where(Task.program_id == program.id, FundingLine.project_id.is_(None))
    ).all()
    amounts: dict[int, dict[Any, dict[int, int]]] = {}
    for line in general:
        amounts.setdefault(line.measure_id, {}).setdefault(line.source, {})[line.year] = (
            line.planned)
    return template_rows(
        program.years,
        [(task.number, task.title) for task in program.tasks],
        [(m.number, m.content, m.term, m.executors, m.expected_results,
          amounts.get(m.id, {})) for m in measures],
    )
