"""Use cases of program maintenance: the program, its decisions, tasks, measures, departments.

Every function takes the session and the acting user explicitly, flushes and never
commits; every change is written to the audit log. Refusals raise ``Refused`` with a
problem of ``portal.programs.messages.PROBLEMS`` (its code a
:class:`~portal.programs.rules.ProgramProblem`) and, where it applies, the name of the form
field at fault. Uniqueness is left to the database: a UNIQUE constraint refuses the second
of two concurrent requests, and the service turns that into a problem.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import audit
from portal.communities.services import parse_signatories
from portal.parsing import whole_or_none
from portal.programs.messages import PROBLEMS
from portal.programs.models import (
    Department,
    Financing,
    FundingLine,
    Measure,
    Program,
    ProgramAmendment,
    Task,
    measure_departments,
)
from portal.programs.rules import ProgramProblem, check_code, check_term
from portal.refusal import Refused
from portal.tenancy.models import signatories_json


@contextmanager
def unique_or_refuse(
    session: Session, code: ProgramProblem, field: str | None = None
) -> Iterator[None]:
    """Flush the block's changes in a savepoint; a UNIQUE violation becomes ``code``."""
    try:
        with session.begin_nested():
            yield
            session.flush()
    except IntegrityError:
        raise Refused(PROBLEMS(code, field)) from None


@dataclass(frozen=True)
class ProgramData:
    """The heading and passport of a program as a form or an import gives them."""

    code: str
    title: str
    start_year: int
    end_year: int
    approved_by: str = ""
    approved_on: date | None = None
    approval_number: str = ""
    initiator: str = ""
    basis: str = ""
    developer: str = ""
    responsible_executor: str = ""
    participants: str = ""
    budgets: str = ""
    goal: str = ""
    #: Who signs the program's reports, as stored (:func:`signatories_from_lines`).
    signatories: str = "[]"


def signatories_from_lines(lines: Sequence[str]) -> str:
    """"Position | name" lines as the program's stored signatories; refused
    (``signatory_format``) when a line is not one."""
    found = parse_signatories(list(lines))
    if found is None:
        raise Refused(PROBLEMS(ProgramProblem.SIGNATORY_FORMAT, "signature_lines"))
    return signatories_json(found)


def _check_program_data(data: ProgramData) -> None:
    if check_code(data.code):
        raise Refused(PROBLEMS(ProgramProblem.CODE_FORMAT, "code"))
    for problem in check_term(data.start_year, data.end_year):
        raise Refused(PROBLEMS(problem, "end_year"))


def audit_change(
    session: Session, actor: Any, action: str, obj: Any, now: datetime, **details: Any
) -> None:
    """Write a program change to the audit log, naming the changed object by its class."""
    audit.record(session, actor=actor, action=action, object_type=type(obj).__name__.lower(),
                 object_id=obj.id, details=details, at=now)


def create_program(session: Session, *, actor: Any, data: ProgramData, now: datetime) -> Program:
    """Start a new (unpublished) program."""
    _check_program_data(data)
    program = Program(**asdict(data), published=False, created_at=now)
    with unique_or_refuse(session, ProgramProblem.CODE_TAKEN, "code"):
        session.add(program)
    audit_change(session, actor, "program.created", program, now, code=program.code)
    return program


def update_program(
    session: Session, *, actor: Any, program: Program, data: ProgramData, now: datetime
) -> Program:
    """Change the heading or passport; a shorter term may not strand planned lines."""
    _check_program_data(data)
    outside = session.scalar(
        select(func.count(FundingLine.id))
        .join(Measure).join(Task)
        .where(Task.program_id == program.id)
        .where((FundingLine.year < data.start_year) | (FundingLine.year > data.end_year))
    )
    if outside:
        raise Refused(PROBLEMS(ProgramProblem.TERMS_CHANGED_UNDER_LINES, "end_year"))
    changed = {k: v for k, v in asdict(data).items() if getattr(program, k) != v}
    with unique_or_refuse(session, ProgramProblem.CODE_TAKEN, "code"):
        for key, value in changed.items():
            setattr(program, key, value)
    audit_change(session, actor, "program.updated", program, now, fields=sorted(changed))
    return program


def set_published(
    session: Session, *, actor: Any, program: Program, published: bool, now: datetime
) -> None:
    """Publish (or withdraw) a program: only published programs and reports are public."""
    program.published = published
    session.flush()
    audit_change(session, actor, "program.published" if published else "program.withdrawn",
                 program, now)


def add_amendment(
    session: Session, *, actor: Any, program: Program, decided_by: str, decided_on: date,
    number: str, summary: str = "", now: datetime,
) -> ProgramAmendment:
    """Record a decision that amended the program."""
    with unique_or_refuse(session, ProgramProblem.AMENDMENT_TAKEN, "number"):
        amendment = ProgramAmendment(program=program, decided_by=decided_by.strip(),
                                     decided_on=decided_on, number=number.strip(),
                                     summary=summary)
        session.add(amendment)
    audit_change(session, actor, "program.amended", program, now, amendment=amendment.id,
                 number=amendment.number, decided_on=decided_on.isoformat())
    return amendment


def remove_amendment(
    session: Session, *, actor: Any, amendment: ProgramAmendment, now: datetime
) -> None:
    program = amendment.program
    session.delete(amendment)
    session.flush()
    audit_change(session, actor, "program.amendment_removed", program, now, number=amendment.number)


def save_task(
    session: Session, *, actor: Any, program: Program, number: int, title: str,
    task: Task | None = None, now: datetime,
) -> Task:
    """Add a priority task, or renumber and retitle one."""
    if number < 1:
        raise Refused(PROBLEMS(ProgramProblem.MEASURE_NUMBER_FORMAT, "number"))
    with unique_or_refuse(session, ProgramProblem.TASK_NUMBER_TAKEN, "number"):
        if task is None:
            task = Task(program=program, number=number, title=title.strip())
            session.add(task)
        else:
            task.number, task.title = number, title.strip()
    audit_change(session, actor, "program.task_saved", program, now, task=task.id, number=number)
    return task


def _has_payments(session: Session, *where: Any) -> bool:
    query = select(Financing.id).join(FundingLine).join(Measure).join(Task).where(*where)
    return bool(session.scalar(select(exists(query))))


def delete_task(session: Session, *, actor: Any, task: Task, now: datetime) -> None:
    """Remove a task with its measures, unless money was paid under them."""
    if _has_payments(session, Task.id == task.id):
        raise Refused(PROBLEMS(ProgramProblem.HAS_PAYMENTS))
    program = task.program
    session.delete(task)
    session.flush()
    audit_change(session, actor, "program.task_deleted", program, now, number=task.number)


@dataclass(frozen=True)
class MeasureData:
    """A measure as a form or an import gives it."""

    seq: int
    content: str
    term: str = ""
    executors: str = ""
    expected_results: str = ""
    department_ids: Sequence[int] = ()


def _departments(session: Session, ids: Sequence[int]) -> list[Department]:
    found = list(session.scalars(select(Department).where(Department.id.in_(ids))))
    if len(found) != len(set(ids)):
        raise Refused(PROBLEMS(ProgramProblem.UNKNOWN_DEPARTMENT, "departments"))
    return found


def save_measure(
    session: Session, *, actor: Any, task: Task, data: MeasureData,
    measure: Measure | None = None, now: datetime,
) -> Measure:
    """Add a measure to ``task`` or change one (it may move to another task)."""
    if data.seq < 1:
        raise Refused(PROBLEMS(ProgramProblem.MEASURE_NUMBER_FORMAT, "number"))
    departments = _departments(session, data.department_ids)
    with unique_or_refuse(session, ProgramProblem.MEASURE_NUMBER_TAKEN, "number"):
        if measure is None:
            measure = Measure(task=task, seq=data.seq)
            session.add(measure)
        measure.task, measure.seq = task, data.seq
        measure.content = data.content.strip()
        measure.term = data.term.strip()
        measure.executors = data.executors.strip()
        measure.expected_results = data.expected_results.strip()
        measure.departments = departments
    audit_change(session, actor, "program.measure_saved", task.program, now, measure=measure.id,
                 number=measure.number)
    return measure


def delete_measure(session: Session, *, actor: Any, measure: Measure, now: datetime) -> None:
    """Remove a measure with its lines, unless money was paid under it."""
    if _has_payments(session, Measure.id == measure.id):
        raise Refused(PROBLEMS(ProgramProblem.HAS_PAYMENTS))
    program, number = measure.task.program, measure.number
    session.delete(measure)
    session.flush()
    audit_change(session, actor, "program.measure_deleted", program, now, number=number)


def find_measure(session: Session, program: Program, number: str) -> Measure | None:
    """The program's measure numbered ``number`` ("3.3"), if any."""
    task_text, _, seq_text = number.partition(".")
    task_number, seq = whole_or_none(task_text), whole_or_none(seq_text)
    if task_number is None or seq is None:
        return None
    return session.scalar(
        select(Measure).join(Task)
        .where(Task.program_id == program.id, Task.number == task_number, Measure.seq == seq)
    )


def save_department(
    session: Session, *, actor: Any, name: str, department: Department | None = None,
    now: datetime,
) -> Department:
    """Add a department or rename one; names are unique."""
    with unique_or_refuse(session, ProgramProblem.DEPARTMENT_TAKEN, "name"):
        if department is None:
            department = Department(name=name.strip())
            session.add(department)
        else:
            department.name = name.strip()
    audit_change(session, actor, "department.saved", department, now, name=department.name)
    return department


def delete_department(
    session: Session, *, actor: Any, department: Department, now: datetime
) -> None:
    """Remove a department that no measure or line names."""
    in_use = session.scalar(select(exists(
        select(measure_departments.c.measure_id)
        .where(measure_departments.c.department_id == department.id)
    ))) or session.scalar(select(exists(
        select(FundingLine.id).where(FundingLine.department_id == department.id)
    )))
    if in_use:
        raise Refused(PROBLEMS(ProgramProblem.DEPARTMENT_IN_USE))
    session.delete(department)
    session.flush()
    audit_change(session, actor, "department.deleted", department, now, name=department.name)


def department_by_name(session: Session, name: str) -> Department | None:
    return session.scalar(select(Department).where(Department.name == name.strip()))
