"""Programs: a small one (two tasks, three measures) and its planned lines with payments."""

from __future__ import annotations

from datetime import date

from portal.clock import utcnow
from portal.programs import funding, services
from portal.programs.rules import FundingSource

CITY = FundingSource.CITY_BUDGET


def make_program(db, *, code: str = "test-program", start: int = 2023, end: int = 2025,
                 published: bool = True,
                 title: str = "Програма розвитку громадянського суспільства"):
    """A program with tasks 1-2, measures 1.1, 1.2 (participatory budget) and 2.1."""
    now = utcnow()
    program = services.create_program(db, actor=None, now=now, data=services.ProgramData(
        code=code, title=title, start_year=start,
        end_year=end, approved_by="Тестової міської ради", approved_on=date(start, 2, 1),
        approval_number="1/1", responsible_executor="Відділ внутрішньої політики"))
    if published:
        services.set_published(db, actor=None, program=program, published=True, now=now)
    tasks = [services.save_task(db, actor=None, program=program, number=n, title=title, now=now)
             for n, title in ((1, "Участь громадян"), (2, "Інформування"))]
    department = services.save_department(db, actor=None, name=f"Управління економіки {code}",
                                          now=now)
    measures = {}
    for task, seq, content, departments in ((tasks[0], 1, "Громадські слухання", []),
                                            (tasks[0], 2, "Бюджет участі", [department.id]),
                                            (tasks[1], 1, "Соціальна реклама", [])):
        data = services.MeasureData(seq=seq, content=content, term=f"{start}-{end} роки",
                                    department_ids=departments)
        measure = services.save_measure(db, actor=None, task=task, now=now, data=data)
        measures[measure.number] = measure
    return program, measures


def plan(db, measure, year: int, planned: int, source=CITY, payments=()):
    """A general line with payments given as (date, kopecks)."""
    now = utcnow()
    line = funding.plan_line(db, actor=None, measure=measure, year=year, source=source,
                             planned=planned, now=now)
    for paid_on, amount in payments:
        funding.record_payment(db, actor=None, line=line, paid_on=paid_on, amount=amount,
                               document="п/д", now=now)
    return line
