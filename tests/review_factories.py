"""Small builders of the review's test data: a cycle with a commission, projects, a meeting.

Rows are built directly (the cycles part's own services are tested on their own), in the
states the review starts from.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from portal.clock import kyiv_today, utcnow
from portal.cycles.models import Category, Cycle
from portal.cycles.rules import CategoryKind
from portal.projects.models import CostItem, Project
from portal.projects.rules import ProjectStatus
from portal.review import services
from portal.review.models import SeatRole

#: Meetings are held today, so a revision deadline after them is still in the future.
MEETING_DAY = kyiv_today()


def make_cycle(db, *, name: str | None = None, complaint_days: int = 5) -> Cycle:
    start = datetime(2019, 2, 1, tzinfo=UTC)
    cycle = Cycle(
        name=name or f"Бюджет участі-тест-{utcnow().timestamp()}", budget_year=2020,
        total_budget=500_000_000,
        submission_start=start, submission_end=start + timedelta(days=30),
        review_start=start + timedelta(days=31), review_end=start + timedelta(days=90),
        voting_start=start + timedelta(days=91), voting_end=start + timedelta(days=120),
        results_date=start + timedelta(days=130), complaint_days=complaint_days,
        created_at=utcnow(),
    )
    cycle.categories.append(Category(name="Малі проєкти", kind=CategoryKind.CITYWIDE,
                                     budget=200_000_000, min_cost=0, max_cost=50_000_000))
    db.add(cycle)
    db.flush()
    return cycle


def make_project(db, cycle: Cycle, author, *, status: ProjectStatus = ProjectStatus.SUBMITTED,
                 title: str = "Сквер біля школи № 5") -> Project:
    now = utcnow()
    cycle.last_project_number += 1
    project = Project(
        cycle_id=cycle.id, category_id=cycle.categories[0].id, author_id=author.id,
        number=cycle.last_project_number, status=status, title=title,
        summary="Облаштувати сквер.", created_at=now, updated_at=now, submitted_at=now,
        status_changed_at=now,
        revision_deadline=now + timedelta(days=7)
        if status is ProjectStatus.RETURNED_FOR_REVISION else None,
    )
    project.cost_items.append(CostItem(position=1, name="Лавка", quantity=Decimal("4"),
                                       unit="шт.", unit_price=550_000, total=2_200_000))
    project.total_cost = 2_200_000
    db.add(project)
    db.flush()
    return project


def seat_commission(db, cycle: Cycle, actor, *, size: int = 9, users=()) -> list:
    """A commission of ``size`` seats: a chair, a secretary, members; ``users`` take seats first."""
    users = list(users)
    seats = []
    for index in range(size):
        role = SeatRole.CHAIR if index == 0 else SeatRole.SECRETARY if index == 1 else (
            SeatRole.MEMBER)
        user = users[index] if index < len(users) else None
        seats.append(services.add_seat(
            db, actor=actor, cycle=cycle, name=f"Член Комісії {index + 1}",
            position="депутат міської ради", role=role, user=user, now=utcnow()))
    return seats


def held_meeting(db, cycle: Cycle, actor, *, present: int = 6, projects=(), number=None,
                 held_on: date = MEETING_DAY):
    """An opened meeting of ``cycle`` with ``present`` members and ``projects`` on the agenda."""
    seats = services.seats_of(db, cycle)
    meeting = services.create_meeting(
        db, actor=actor, cycle=cycle, number=number or services.next_meeting_number(db, cycle),
        held_on=held_on, place="м. Бахмут, вул. Миру, 44, каб. 12",
        agenda="Розгляд проєктів за результатами експертизи", now=utcnow())
    services.set_attendance(db, actor=actor, meeting=meeting,
                            seat_ids={s.id for s in seats[:present]}, now=utcnow())
    for project in projects:
        services.add_to_agenda(db, actor=actor, meeting=meeting, project=project, now=utcnow())
    services.open_meeting(db, actor=actor, meeting=meeting, now=utcnow())
    return meeting


def review_ids(db, make_user) -> dict[str, int]:
    """Rows for the every-route table: a held meeting with one project on its agenda.

    Built directly in one flush: this runs once for every row of that table.
    """
    from portal.review.models import (
        AgendaItem,
        CommissionSeat,
        Meeting,
        MeetingAttendance,
        MeetingStatus,
    )

    author = make_user()
    cycle = make_cycle(db)
    project = make_project(db, cycle, author)
    seats = [CommissionSeat(cycle_id=cycle.id, name=f"Член {n}", position="", role=role,
                            ordering=n)
             for n, role in enumerate((SeatRole.CHAIR, SeatRole.SECRETARY, SeatRole.MEMBER))]
    meeting = Meeting(cycle_id=cycle.id, number=1, held_on=MEETING_DAY, place="Зала",
                      status=MeetingStatus.HELD, seats=3, created_at=utcnow(),
                      created_by_id=author.id, opened_at=utcnow())
    db.add_all([*seats, meeting])
    db.flush()
    meeting.attendance.extend(MeetingAttendance(seat_id=s.id) for s in seats[:2])
    meeting.agenda_items.append(AgendaItem(project_id=project.id, position=1))
    db.flush()
    return {"review_cycle": cycle.id, "review_project": project.id, "meeting": meeting.id,
            "agenda_item": meeting.agenda_items[0].id, "seat": seats[-1].id}
