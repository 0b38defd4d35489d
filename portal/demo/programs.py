"""Demo program: Bakhmut's civil-society program 2017-2020 with its 2018 records (seeds/000).

The transcription ``portal/programs/bakhmut_2018.json`` is stored through the same
services staff use, so the demo's 2018 annual report is computed from records like any
other and reproduces the printed one. A payment per funded line carries the financed
amount, dated at the end of the year, as the report gives no dates.

The program's other years get money too (:data:`OTHER_YEARS`): the same measures planned
with a believable change from year to year and paid in part, as a multi-year program is
(seeds/004 shows such a plan). The participatory-budget measure 3.3 is funded in 2019 by
the winners of "Бюджет участі-2019" themselves, one line each, whose implementation
history ``portal.demo.implementation`` tells; every past line gets the status its money
tells.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.cycles.models import Cycle
from portal.demo.implementation import load_winners_history, settle_program_lines
from portal.programs import funding, services
from portal.programs.models import Program
from portal.programs.rules import IndicatorBasis, PortalFigure
from portal.programs.winners import link_cycle
from portal.reports.program_file import BAKHMUT_2018, ProgramFile, load_program_file
from portal.tenancy.models import Community, signatories_json

BAKHMUT_CODE = "bakhmut-civil-society"
DEMO_CYCLE = "Бюджет участі-2019"  # loaded by portal.demo.cycles
PAYMENT_DOCUMENT = "Звіт про виконання Програми у 2018 році (рішення від 27.03.2019 № 6/127-2509)"
DEPARTMENTS = (
    "Відділ внутрішньої політики Бахмутської міської ради",
    "Управління економічного розвитку Бахмутської міської ради",
    "Організаційний відділ Бахмутської міської ради",
    "Управління муніципального розвитку Бахмутської міської ради",
)
# "рішення Бахмутської міської ради від 27.06.2017 №6/102-1903"
# Other years of the program: (plan against 2018, share paid); the participatory budget
# started in 2018 and its 2019 money is the winners' own lines.
OTHER_YEARS = {2017: (85, 96), 2019: (110, 93), 2020: (115, 88)}
PB_MEASURE = "3.3"
#: Who signs the 2018 report (seeds/000, its last lines): the program's responsible
#: executor (the program's signatory, who alone signs the explanatory note), then the
#: council's secretary (the community's).
SIGNATORIES = (("Начальник відділу внутрішньої політики Бахмутської міської ради", "С.А. Кудрявих"),
               ("Секретар Бахмутської міської ради", "С.І. Кіщенко"))
_DECISION = re.compile(r"рішення (?P<by>.+?) від (?P<d>\d\d)\.(?P<m>\d\d)\.(?P<y>\d{4})"
                       r" №\s*(?P<number>\S+)")


def _decision(text: str) -> tuple[str, date, str]:
    match = _DECISION.fullmatch(text)
    if match is None:
        raise ValueError(f"not a decision citation: {text!r}")
    return match["by"], date(int(match["y"]), int(match["m"]), int(match["d"])), match["number"]


def load_program(
    session: Session, file: ProgramFile, *, code: str, actor: Any, now: datetime,
    extra_passport: dict[str, str] | None = None,
) -> Program:
    """Store a transcribed program with one year's records; an existing code is left alone."""
    existing = session.scalar(select(Program).where(Program.code == code))
    if existing is not None:
        return existing
    by, on, number = _decision(file.program.approval)
    program = services.create_program(session, actor=actor, now=now, data=services.ProgramData(
        code=code, title=file.program.title, start_year=file.program.start_year,
        end_year=file.program.end_year, approved_by=by, approved_on=on, approval_number=number,
        responsible_executor=file.program.responsible_executor, **(extra_passport or {}),
    ))
    for amendment in file.program.amendments:
        by, on, number = _decision(amendment)
        services.add_amendment(session, actor=actor, program=program, decided_by=by,
                               decided_on=on, number=number, now=now)
    tasks = {t.number: services.save_task(session, actor=actor, program=program,
                                          number=t.number, title=t.title, now=now)
             for t in file.tasks}
    measures = {}
    for m in file.measures:
        seq = int(m.number.split(".")[1])
        measures[m.number] = services.save_measure(
            session, actor=actor, task=tasks[m.task_number], now=now,
            data=services.MeasureData(seq=seq, content=m.content, term=m.term,
                                      executors=m.executors))
    for line in file.lines:
        planned = funding.plan_line(session, actor=actor, measure=measures[line.measure_number],
                                    year=line.year, source=line.source, planned=line.planned,
                                    now=now)
        if line.financed:
            funding.record_payment(session, actor=actor, line=planned,
                                   paid_on=date(line.year, 12, 28), amount=line.financed,
                                   document=PAYMENT_DOCUMENT, now=now)
    for indicator in file.indicators:
        computed = indicator.basis is IndicatorBasis.TOTAL_FUNDING
        funding.save_indicator(session, actor=actor, program=program, year=file.year, now=now,
                               data=funding.IndicatorData(
                                   group=indicator.group, name=indicator.name,
                                   unit=indicator.unit, planned=indicator.planned,
                                   actual=None if computed else indicator.actual,
                                   figure=PortalFigure.MONEY_FINANCED if computed else None,
                                   reasons=indicator.reasons, remedies=indicator.remedies))
    for number, text in file.execution_texts.items():
        funding.set_execution_text(session, actor=actor, measure=measures[number],
                                   year=file.year, text=text, now=now)
    return program


def _round(kopecks: int, step: int) -> int:
    return kopecks // step * step


def plan_other_years(session: Session, program: Program, file: ProgramFile, *,
                     now: datetime) -> None:
    """The 2018 lines planned again for the program's other years, each paid in part."""
    for line in file.lines:
        measure = services.find_measure(session, program, line.measure_number)
        # A measure's own variation, the same every load (its number, not a random draw).
        wobble = sum(map(ord, line.measure_number + line.source)) % 11 - 5
        for year, (plan, paid) in OTHER_YEARS.items():
            if line.measure_number == PB_MEASURE and year <= 2019:
                continue
            planned = _round(line.planned * (plan + wobble) // 100, 10_000)
            if not planned:
                continue
            new = funding.plan_line(session, actor=None, measure=measure, year=year,
                                    source=line.source, planned=planned, now=now)
            funding.record_payment(session, actor=None, line=new, paid_on=date(year, 12, 27),
                                   amount=_round(planned * (paid - wobble // 2) // 100, 1_000),
                                   document=f"Звіт про виконання Програми у {year} році",
                                   now=now)


def link_demo_cycle(session: Session, program: Program, *, now: datetime) -> None:
    """Fund the demo cycle "Бюджет участі-2019" under measure 3.3, if it is loaded."""
    cycle = session.scalar(select(Cycle).where(Cycle.name == DEMO_CYCLE))
    measure = services.find_measure(session, program, "3.3")
    if cycle is not None and measure is not None and cycle.measure_id is None:
        link_cycle(session, actor=None, cycle=cycle, measure=measure, now=now)


def load_programs(session: Session, *, now: datetime) -> Program:
    """The demo's departments and the Bakhmut program, published, funding the demo cycle."""
    for name in DEPARTMENTS:
        if services.department_by_name(session, name) is None:
            services.save_department(session, actor=None, name=name, now=now)
    program = session.scalar(select(Program).where(Program.code == BAKHMUT_CODE))
    if program is None:
        program = load_program(
            session, load_program_file(BAKHMUT_2018), code=BAKHMUT_CODE, actor=None, now=now,
            extra_passport={"budgets": "міський бюджет, інші джерела"},
        )
        services.set_published(session, actor=None, program=program, published=True, now=now)
        pb = services.find_measure(session, program, "3.3")
        executor = services.department_by_name(session, DEPARTMENTS[1])
        services.save_measure(session, actor=None, task=pb.task, measure=pb, now=now,
                              data=services.MeasureData(seq=pb.seq, content=pb.content,
                                                        term=pb.term, executors=pb.executors,
                                                        department_ids=[executor.id]))
        plan_other_years(session, program, load_program_file(BAKHMUT_2018), now=now)
    community = session.get(Community, program.community_id)
    if not community.signatory_list:
        community.signatories = signatories_json(SIGNATORIES)
    if not program.signatory_list:  # the responsible executor signs the report and its note
        program.signatories = signatories_json(SIGNATORIES[:1])
    link_demo_cycle(session, program, now=now)
    load_winners_history(session, cycle_name=DEMO_CYCLE, now=now)
    settle_program_lines(session, program, now=now)
    return program

