"""The rows of each dataset, read from the records of the current community: one function
per dataset, each a few statements whatever the number of rows.

Only what the site shows anyone is read: projects from their submission on (no drafts),
results of votes that are over and whose tally the commission approved, implementation as
the public implementation pages show it, and funding lines of published programs. No
ballot, no person: authors, voters and the staff who recorded anything are left out.
Words (status names) are Ukrainian whatever the reader's language, so that a file's
content depends only on the records. Money is a ``Decimal`` of hryvnias, exact.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, selectinload

from portal.community.models import District
from portal.cycles.messages import phase_label
from portal.cycles.models import Category, Cycle
from portal.cycles.rules import registration_code
from portal.implementation import services as implementation
from portal.implementation.messages import status_label as implementation_label
from portal.links import external_url
from portal.money import KOPECKS_PER_HRYVNIA
from portal.programs.messages import source_label
from portal.programs.models import FundingLine, Measure, Program, Task
from portal.projects.messages import status_label
from portal.projects.models import Project
from portal.projects.rules import PUBLIC
from portal.results import counting
from portal.results.models import Tally
from portal.voting.permissions import vote_over

Row = dict[str, Any]


def uah(kopecks: int | None) -> Decimal | None:
    """Kopecks as hryvnias, exact."""
    return None if kopecks is None else Decimal(kopecks) / KOPECKS_PER_HRYVNIA


def address_of(endpoint: str, key: str):
    """A function of an id giving the public address of ``endpoint``'s page, built once
    (building each of ten thousand addresses anew costs a quarter of a second)."""
    marker = "2147483647"
    prefix, suffix = external_url(endpoint, **{key: int(marker)}).rsplit(marker, 1)
    return lambda value: f"{prefix}{value}{suffix}"


def project_rows(session: Session, now: datetime) -> list[Row]:
    # Plain columns, not objects: ten thousand projects are read in a fraction of the time.
    rows = session.execute(
        select(Project.id, Project.cycle_id, Cycle.budget_year, Cycle.registration_series,
               Project.number, Project.title, Project.summary, Category.name.label("category"),
               Project.status, Project.total_cost, District.name.label("district"),
               Project.address, Project.latitude, Project.longitude, Project.submitted_at,
               Project.status_changed_at)
        .join(Cycle, Project.cycle_id == Cycle.id)
        .join(Category, Project.category_id == Category.id)
        .outerjoin(District, Project.district_id == District.id)
        .where(Project.status.in_(PUBLIC))
        .order_by(Cycle.budget_year, Cycle.id, Project.number))
    page = address_of("projects.page", "project_id")
    with force_locale("uk"):
        words = {status: status_label(status) for status in PUBLIC}
    return [{
        "project_id": r.id, "cycle_id": r.cycle_id, "budget_year": r.budget_year,
        "registration_code": registration_code(r.budget_year, r.number,
                                               r.registration_series),
        "title": r.title, "summary": r.summary, "category": r.category,
        "status": r.status.value, "status_name": words[r.status], "cost_uah": uah(r.total_cost),
        "district": r.district, "address": r.address or None, "latitude": r.latitude,
        "longitude": r.longitude, "submitted_at": r.submitted_at,
        "status_changed_at": r.status_changed_at, "url": page(r.id),
    } for r in rows]


def _cycles(session: Session) -> list[Cycle]:
    return list(session.scalars(select(Cycle).options(selectinload(Cycle.extensions))
                                .order_by(Cycle.budget_year, Cycle.id)))


def cycle_rows(session: Session, now: datetime) -> list[Row]:
    dates = ("submission_start", "submission_end", "review_start", "review_end",
             "voting_start", "voting_end", "results_date")
    page = address_of("main.cycle", "cycle_id")
    with force_locale("uk"):
        return [{
            "cycle_id": c.id, "name": c.name, "budget_year": c.budget_year,
            "total_budget_uah": uah(c.total_budget),
            **{name: getattr(c, name) for name in dates},
            "phase": c.phase(now).value, "phase_name": phase_label(c.phase(now)),
            "votes_per_voter": c.votes_per_voter, "min_age_vote": c.min_age_vote,
            "winner_rule": c.winner_rule.value, "created_at": c.created_at,
            "url": page(c.id),
        } for c in _cycles(session)]


def category_rows(session: Session, now: datetime) -> list[Row]:
    rows = session.execute(
        select(Category, District.name).outerjoin(District, Category.district_id == District.id)
        .join(Cycle, Category.cycle_id == Cycle.id)
        .order_by(Cycle.budget_year, Cycle.id, Category.position, Category.id))
    return [{
        "category_id": c.id, "cycle_id": c.cycle_id, "name": c.name, "kind": c.kind.value,
        "district": district, "budget_uah": uah(c.budget), "min_cost_uah": uah(c.min_cost),
        "max_cost_uah": uah(c.max_cost),
    } for c, district in rows]


def published_results(session: Session, now: datetime) -> list[Cycle]:
    """The cycles whose results are public for good: the vote is over and the commission
    approved a tally."""
    approved = select(Tally.cycle_id).where(Tally.approved_at.is_not(None))
    return [c for c in session.scalars(
        select(Cycle).where(Cycle.id.in_(approved)).options(selectinload(Cycle.extensions))
        .order_by(Cycle.budget_year, Cycle.id)) if vote_over(c, now)]


def result_rows(session: Session, now: datetime) -> list[Row]:
    rows = []
    for cycle in published_results(session, now):
        summary = counting.results_summary(session, cycle)
        if not summary.approved or summary.tally is None:
            continue
        for category in summary.categories:
            rows.extend({
                "cycle_id": cycle.id, "category_id": category.category.id,
                "category": category.category.name, "project_id": line.project.id,
                "registration_code": line.project.registration_code,
                "title": line.project.title, "cost_uah": uah(line.project.total_cost),
                "votes": line.votes, "selected": line.selected,
                "approved_at": summary.tally.approved_at,
            } for line in category.lines)
    return rows


def implementation_rows(session: Session, now: datetime) -> list[Row]:
    page = address_of("implementation.show", "project_id")
    with force_locale("uk"):
        return [{
            "project_id": w.project.id, "cycle_id": w.project.cycle_id,
            "registration_code": w.project.registration_code, "title": w.project.title,
            "year": w.year, "status": w.status.value,
            "status_name": implementation_label(w.status), "progress_percent": w.progress,
            "reason": w.reason or None,
            "tender_number": (w.record.tender_number if w.record else "") or None,
            "planned_uah": uah(w.line.planned) if w.line else None,
            "financed_uah": uah(w.line.financed) if w.line else None,
            "updated_at": w.record.updated_at if w.record else None,
            "url": page(w.project.id),
        } for w in implementation.winners_progress(session)]


def financing_rows(session: Session, now: datetime) -> list[Row]:
    lines = session.scalars(
        select(FundingLine).join(FundingLine.measure).join(Measure.task).join(Task.program)
        .where(Program.published.is_(True))
        .options(contains_eager(FundingLine.measure).contains_eager(Measure.task)
                 .contains_eager(Task.program),
                 selectinload(FundingLine.financings), selectinload(FundingLine.department))
        .order_by(Program.code, Task.number, Measure.seq, FundingLine.year,
                  FundingLine.source, FundingLine.id)).unique()
    with force_locale("uk"):
        return [{
            "line_id": line.id, "program_code": line.measure.task.program.code,
            "program_title": line.measure.task.program.title,
            "measure_number": line.measure.number, "measure": line.measure.content,
            "year": line.year, "source": line.source.value,
            "source_name": source_label(line.source), "title": line.title or None,
            "project_id": line.project_id,
            "department": line.department.name if line.department else None,
            "planned_uah": uah(line.planned), "financed_uah": uah(line.financed),
            "last_paid_on": max((f.paid_on for f in line.financings), default=None),
        } for line in lines]
