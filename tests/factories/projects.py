"""Projects: ``make_project`` builds one directly in any status (the projects' services are
tested on their own); ``bulk_projects`` inserts thousands at once."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import insert

from portal.clock import utcnow
from portal.projects.models import CostItem, Project
from portal.projects.rules import ProjectStatus, line_total
from tests.factories.cycles import DAY


def make_project(db, cycle, author, *, status: ProjectStatus = ProjectStatus.DRAFT,
                 title: str = "Дитячий майданчик на вулиці Миру", cost: int = 100_000_00,
                 lines=None, category=None, district_id=None, latitude=None,
                 longitude=None) -> Project:
    """A complete project in ``status``, numbered unless it is a draft.

    Its estimate is one line of equipment costing ``cost``, or ``lines`` given as
    (name, quantity, unit, unit price) tuples; the total is theirs. The category is the
    cycle's first unless one is given.
    """
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
    for position, (name, quantity, unit, price) in enumerate(
            lines or [("Обладнання", 1, "шт.", cost)], start=1):
        quantity = Decimal(quantity)
        project.cost_items.append(CostItem(position=position, name=name, quantity=quantity,
                                           unit=unit, unit_price=price,
                                           total=line_total(quantity, price)))
    project.total_cost = sum(item.total for item in project.cost_items)
    project.search_text = f"{title} Короткий опис проєкту.".casefold()
    db.add(project)
    db.flush()
    return project


TITLES = ("Дитячий майданчик", "Освітлення вулиці", "Спортивний майданчик", "Сквер",
          "Велопарковки", "Обладнання для школи", "Лавки у парку", "Тренажери просто неба")


def bulk_projects(db, cycle, author_ids, count: int) -> None:
    """``count`` public projects in ``cycle`` (totals, no cost lines), inserted in bulk."""
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
