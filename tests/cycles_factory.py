"""Builders of cycles and projects for tests of any part (review and voting use them too).

``make_cycle(db, admin, phase=Phase.SUBMISSION)`` places the calendar around the real clock
so that the given phase is the current one; ``make_project`` builds a project directly in
any status (bypassing the services, which their own tests exercise).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from portal.clock import utcnow
from portal.cycles import services as cycles
from portal.cycles.rules import CategoryKind, Phase
from portal.projects.models import CostItem, Project
from portal.projects.rules import ProjectStatus, line_total

DAY = timedelta(days=1)

#: Days from now to each boundary, so that ``phase`` is current.
OFFSETS = {
    Phase.UPCOMING: 10,
    Phase.SUBMISSION: -5,
    Phase.SUPPORT: -25,
    Phase.REVIEW: -45,
    Phase.VOTING: -90,
    Phase.RESULTS: -120,
}


def cycle_data(*, phase: Phase = Phase.SUBMISSION, name: str | None = None,
               support: bool = False, **rules) -> cycles.CycleData:
    start = utcnow() + OFFSETS[phase] * DAY
    submission_end = start + 20 * DAY
    support_start, support_end = (submission_end, submission_end + 10 * DAY) if support else \
        (None, None)
    review_start = submission_end + 20 * DAY
    review_end = review_start + 30 * DAY
    voting_start = review_end + 10 * DAY
    voting_end = voting_start + 14 * DAY
    budget_year = (voting_end + 200 * DAY).year
    return cycles.CycleData(
        name=name or f"Бюджет участі-{budget_year} ({phase.value}, {start.timestamp()})",
        budget_year=budget_year, total_budget=100_000_000_00, description="",
        submission_start=start, submission_end=submission_end,
        support_start=support_start, support_end=support_end,
        review_start=review_start, review_end=review_end,
        voting_start=voting_start, voting_end=voting_end, results_date=voting_end + 7 * DAY,
        **rules,
    )


def make_cycle(db, admin, *, phase: Phase = Phase.SUBMISSION, support: bool = False, **rules):
    """A cycle in ``phase`` with two categories: small (50 000–300 000 грн, 1 млн) and large
    (300 000–1 500 000 грн, 3 млн)."""
    data = cycle_data(phase=phase, support=support, **rules)
    cycle = cycles.create_cycle(db, data=data, actor=admin, now=utcnow())
    cycles.add_category(db, cycle=cycle, actor=admin, now=utcnow(), data=cycles.CategoryData(
        name="Малі проєкти", description="", kind=CategoryKind.CITYWIDE, district_id=None,
        budget=1_000_000_00, min_cost=50_000_00, max_cost=300_000_00, position=1))
    cycles.add_category(db, cycle=cycle, actor=admin, now=utcnow(), data=cycles.CategoryData(
        name="Великі проєкти", description="", kind=CategoryKind.CITYWIDE, district_id=None,
        budget=3_000_000_00, min_cost=300_000_00, max_cost=1_500_000_00, position=2))
    db.flush()
    return cycle


def make_project(db, cycle, author, *, status: ProjectStatus = ProjectStatus.DRAFT,
                 title: str = "Дитячий майданчик на вулиці Миру", cost: int = 100_000_00,
                 category=None, district_id=None, latitude=None, longitude=None):
    """A complete project in ``status`` (numbered unless it is a draft)."""
    now = utcnow()
    category = category or cycle.categories[0]
    number = None
    if status is not ProjectStatus.DRAFT:
        cycle.last_project_number += 1
        number = cycle.last_project_number
    project = Project(
        cycle=cycle, category=category, author_id=author.id, number=number, status=status,
        title=title, summary="Короткий опис проєкту.", problem="Немає де гратися дітям.",
        solution="Встановити майданчик.", beneficiaries="Діти мікрорайону.",
        address="вул. Миру, 1", district_id=district_id, latitude=latitude,
        longitude=longitude, created_at=now, updated_at=now, status_changed_at=now,
        submitted_at=None if number is None else now, total_cost=0,
        revision_deadline=now + 7 * DAY if status is ProjectStatus.RETURNED_FOR_REVISION
        else None,
    )
    project.cost_items.append(CostItem(position=1, name="Обладнання", quantity=Decimal("1"),
                                       unit="шт.", unit_price=cost, total=line_total(
                                           Decimal("1"), cost)))
    project.total_cost = cost
    project.search_text = f"{title} Короткий опис проєкту.".casefold()
    db.add(project)
    db.flush()
    return project


TITLES = ("Дитячий майданчик", "Освітлення вулиці", "Спортивний майданчик", "Сквер",
          "Велопарковки", "Обладнання для школи", "Лавки у парку", "Тренажери просто неба")


def bulk_projects(db, cycle, author_ids, count: int) -> None:
    """``count`` public projects in ``cycle`` with one cost line each, inserted in bulk."""
    from sqlalchemy import insert

    now = utcnow()
    statuses = (ProjectStatus.ADMITTED, ProjectStatus.UNDER_REVIEW, ProjectStatus.REJECTED,
                ProjectStatus.SUBMITTED)
    start = cycle.last_project_number
    rows = []
    for n in range(1, count + 1):
        title = f"{TITLES[n % len(TITLES)]} №{start + n}"
        rows.append({
            "cycle_id": cycle.id, "category_id": cycle.categories[n % 2].id,
            "author_id": author_ids[n % len(author_ids)], "number": start + n,
            "status": statuses[n % len(statuses)], "title": title,
            "summary": "Опис проєкту для перевірки списку.", "problem": "", "solution": "",
            "beneficiaries": "", "address": f"вул. Миру, {n}",
            "latitude": Decimal("48.59") + Decimal(n % 100) / 10000,
            "longitude": Decimal("38.00") + Decimal(n % 77) / 10000,
            "total_cost": 50_000_00 + n * 100, "search_text": title.casefold(),
            "created_at": now, "updated_at": now, "submitted_at": now,
            "status_changed_at": now,
        })
    db.execute(insert(Project), rows)
    cycle.last_project_number = start + count
    db.flush()
