"""Use cases of the review before the vote: expertise, the commission's roster, meetings.

Each takes the session and the acting user explicitly, flushes and never commits; it
refuses with ``Refused`` and the problems of ``portal.review.messages``. Decisions and
complaints are in ``portal.review.decisions``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import audit
from portal.accounts.models import User
from portal.cycles.models import Cycle
from portal.projects import services as project_services
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus, line_total
from portal.refusal import Refused
from portal.review.messages import PROBLEMS, REFUSALS
from portal.review.models import (
    AgendaItem,
    CommissionSeat,
    Decision,
    Expertise,
    ExpertiseCostItem,
    Meeting,
    MeetingAttendance,
    MeetingStatus,
    SeatRole,
)
from portal.review.rules import DecisionProblem, quorum_met

#: Statuses in which a project may be put on a meeting's agenda. A rejected one only
#: comes back to rule on the author's complaint.
AGENDA_STATUSES = frozenset({
    ProjectStatus.SUBMITTED, ProjectStatus.UNDER_REVIEW, ProjectStatus.RETURNED_FOR_REVISION,
    ProjectStatus.REJECTED,
})

#: Statuses in which a department may record its expertise.
EXPERTISE_STATUSES = frozenset({
    ProjectStatus.SUBMITTED, ProjectStatus.UNDER_REVIEW, ProjectStatus.RETURNED_FOR_REVISION,
})


@dataclass(frozen=True)
class CostLine:
    """One line of an adjusted estimate as entered: quantity exact, price in kopecks."""

    name: str
    quantity: Decimal
    unit: str
    unit_price: int


# Project status --------------------------------------------------------------------------


def _start_review(session: Session, project: Project, actor: User, now: datetime) -> None:
    """A submitted project goes under review when the department or the commission takes it."""
    if project.status is ProjectStatus.SUBMITTED:
        project_services.start_review(session, project=project, actor=actor, now=now)


# Expertise -------------------------------------------------------------------------------


def record_expertise(
    session: Session, *, actor: User, project: Project, department: str, feasible: bool,
    conclusion: str, items: list[CostLine], now: datetime,
) -> Expertise:
    """Store a department's expertise of ``project``; an earlier one stays, superseded."""
    if project.status not in EXPERTISE_STATUSES:
        raise Refused(REFUSALS("project_not_reviewable"))
    if not conclusion.strip():
        raise Refused(REFUSALS("text_required", "conclusion"))
    if feasible and not items:
        raise Refused(REFUSALS("cost_items_required", "items"))
    expertise = Expertise(
        project_id=project.id, author_id=actor.id, department=department.strip(),
        feasible=feasible, conclusion=conclusion.strip(), adjusted_total=0, created_at=now,
    )
    for position, line in enumerate(items, start=1):
        total = line_total(line.quantity, line.unit_price)
        expertise.items.append(ExpertiseCostItem(
            position=position, name=line.name.strip(), quantity=line.quantity,
            unit=line.unit.strip(), unit_price=line.unit_price, total=total,
        ))
        expertise.adjusted_total += total
    session.add(expertise)
    session.flush()
    _start_review(session, project, actor, now)
    project_services.record_event(
        session, project=project, kind="expertise", actor=actor, now=now,
        details={"expertise": expertise.id, "feasible": feasible,
                 "adjusted_total": expertise.adjusted_total})
    audit.record(session, actor=actor, action="review.expertise_recorded",
                 object_type="project", object_id=project.id,
                 details={"expertise": expertise.id, "feasible": feasible,
                          "adjusted_total": expertise.adjusted_total}, at=now)
    return expertise


def latest_expertise(session: Session, project: Project) -> Expertise | None:
    return session.execute(
        select(Expertise).where(Expertise.project_id == project.id)
        .order_by(Expertise.created_at.desc(), Expertise.id.desc()).limit(1)
    ).scalar_one_or_none()


def expertise_history(session: Session, project: Project) -> list[Expertise]:
    return list(session.execute(
        select(Expertise).where(Expertise.project_id == project.id)
        .order_by(Expertise.created_at.desc(), Expertise.id.desc())
    ).scalars())


# The commission's roster -------------------------------------------------------------------


def seats_of(session: Session, cycle: Cycle) -> list[CommissionSeat]:
    return list(session.execute(
        select(CommissionSeat).where(CommissionSeat.cycle_id == cycle.id)
        .order_by(CommissionSeat.ordering, CommissionSeat.id)
    ).scalars())


def add_seat(
    session: Session, *, actor: User, cycle: Cycle, name: str, position: str, role: SeatRole,
    user: User | None, now: datetime,
) -> CommissionSeat:
    """Add a member to the cycle's commission."""
    if not name.strip():
        raise Refused(REFUSALS("text_required", "name"))
    count = session.execute(
        select(func.count()).where(CommissionSeat.cycle_id == cycle.id)).scalar_one()
    seat = CommissionSeat(cycle_id=cycle.id, user_id=user.id if user else None,
                          name=name.strip(), position=position.strip(), role=role,
                          ordering=count + 1)
    try:
        # The unique indexes are the guard: one seat per account, one chair and one
        # secretary, even when two administrators add members at the same moment.
        with session.begin_nested():
            session.add(seat)
            session.flush()
    except IntegrityError:
        raise Refused(REFUSALS("seat_taken", "role" if user is None else "email")) from None
    audit.record(session, actor=actor, action="review.seat_added", object_type="cycle",
                 object_id=cycle.id, details={"seat": seat.id, "name": seat.name,
                                              "role": role.value}, at=now)
    return seat


def remove_seat(session: Session, *, actor: User, seat: CommissionSeat, now: datetime) -> None:
    """Remove a member who never attended a meeting; attendance keeps the others on record."""
    attended = session.execute(
        select(func.count()).where(MeetingAttendance.seat_id == seat.id)).scalar_one()
    if attended:
        raise Refused(REFUSALS("seat_in_use"))
    audit.record(session, actor=actor, action="review.seat_removed", object_type="cycle",
                 object_id=seat.cycle_id, details={"seat": seat.id, "name": seat.name}, at=now)
    session.delete(seat)
    session.flush()


# Meetings -----------------------------------------------------------------------------


def next_meeting_number(session: Session, cycle: Cycle) -> int:
    return (session.execute(
        select(func.max(Meeting.number)).where(Meeting.cycle_id == cycle.id)
    ).scalar_one() or 0) + 1


def create_meeting(
    session: Session, *, actor: User, cycle: Cycle, number: int, held_on: date, place: str,
    agenda: str, now: datetime,
) -> Meeting:
    meeting = Meeting(cycle_id=cycle.id, number=number, held_on=held_on, place=place.strip(),
                      agenda=agenda.strip(), minutes="", status=MeetingStatus.DRAFT,
                      created_at=now, created_by_id=actor.id)
    try:
        # UNIQUE (cycle_id, number) is the guard against two meetings numbered alike.
        with session.begin_nested():
            session.add(meeting)
            session.flush()
    except IntegrityError:
        raise Refused(REFUSALS("meeting_number_taken", "number")) from None
    audit.record(session, actor=actor, action="review.meeting_created", object_type="meeting",
                 object_id=meeting.id, details={"cycle": cycle.id, "number": number}, at=now)
    return meeting


def update_meeting(
    session: Session, *, actor: User, meeting: Meeting, held_on: date, place: str, agenda: str,
    minutes: str, now: datetime,
) -> None:
    """Change the date, place, agenda text and minutes of a meeting that is not closed."""
    if meeting.status is MeetingStatus.CLOSED:
        raise Refused(REFUSALS("meeting_closed"))
    if meeting.status is not MeetingStatus.DRAFT and held_on != meeting.held_on:
        # Decisions were taken on that day; their deadlines were checked against it.
        raise Refused(REFUSALS("meeting_not_draft", "held_on"))
    meeting.held_on, meeting.place = held_on, place.strip()
    meeting.agenda, meeting.minutes = agenda.strip(), minutes.strip()
    session.flush()
    audit.record(session, actor=actor, action="review.meeting_updated", object_type="meeting",
                 object_id=meeting.id, at=now)


def set_attendance(
    session: Session, *, actor: User, meeting: Meeting, seat_ids: set[int], now: datetime,
) -> None:
    """Mark who is present; only before the meeting is opened."""
    if meeting.status is not MeetingStatus.DRAFT:
        raise Refused(REFUSALS("meeting_not_draft"))
    seats = {s.id for s in session.execute(
        select(CommissionSeat).where(CommissionSeat.cycle_id == meeting.cycle_id)).scalars()}
    if not seat_ids <= seats:
        raise Refused(REFUSALS("seat_not_in_cycle"))
    current = {a.seat_id: a for a in meeting.attendance}
    for seat_id, row in current.items():
        if seat_id not in seat_ids:
            meeting.attendance.remove(row)
    for seat_id in sorted(seat_ids - set(current)):
        meeting.attendance.append(MeetingAttendance(seat_id=seat_id))
    session.flush()
    audit.record(session, actor=actor, action="review.attendance_set", object_type="meeting",
                 object_id=meeting.id, details={"present": sorted(seat_ids)}, at=now)


def add_to_agenda(
    session: Session, *, actor: User, meeting: Meeting, project: Project, now: datetime,
) -> AgendaItem:
    if meeting.status is MeetingStatus.CLOSED:
        raise Refused(REFUSALS("meeting_closed"))
    if project.cycle_id != meeting.cycle_id:
        raise Refused(REFUSALS("project_not_in_cycle"))
    if project.status not in AGENDA_STATUSES:
        raise Refused(REFUSALS("project_not_reviewable"))
    if any(item.project_id == project.id for item in meeting.agenda_items):
        raise Refused(REFUSALS("already_on_agenda"))
    position = max((item.position for item in meeting.agenda_items), default=0) + 1
    item = AgendaItem(project_id=project.id, position=position)
    meeting.agenda_items.append(item)
    session.flush()
    _start_review(session, project, actor, now)
    audit.record(session, actor=actor, action="review.agenda_added", object_type="meeting",
                 object_id=meeting.id, details={"project": project.id}, at=now)
    return item


def remove_from_agenda(
    session: Session, *, actor: User, meeting: Meeting, item: AgendaItem, now: datetime,
) -> None:
    """Take a project off the agenda, unless the meeting already decided on it."""
    if meeting.status is MeetingStatus.CLOSED:
        raise Refused(REFUSALS("meeting_closed"))
    decided = session.execute(select(func.count()).where(
        Decision.meeting_id == meeting.id, Decision.project_id == item.project_id)).scalar_one()
    if decided:
        raise Refused(REFUSALS("already_decided"))
    meeting.agenda_items.remove(item)
    session.flush()
    audit.record(session, actor=actor, action="review.agenda_removed", object_type="meeting",
                 object_id=meeting.id, details={"project": item.project_id}, at=now)


def open_meeting(session: Session, *, actor: User, meeting: Meeting, now: datetime) -> None:
    """Open the meeting: the roster's size is fixed for it, and a quorum is required."""
    if meeting.status is not MeetingStatus.DRAFT:
        raise Refused(REFUSALS("meeting_not_draft"))
    seats = session.execute(select(func.count()).where(
        CommissionSeat.cycle_id == meeting.cycle_id)).scalar_one()
    if not seats:
        raise Refused(PROBLEMS(DecisionProblem.NO_SEATS))
    if not quorum_met(meeting.present, seats):
        raise Refused(PROBLEMS(DecisionProblem.NO_QUORUM))
    meeting.seats = seats
    meeting.status = MeetingStatus.HELD
    meeting.opened_at = now
    session.flush()
    audit.record(session, actor=actor, action="review.meeting_opened", object_type="meeting",
                 object_id=meeting.id, details={"present": meeting.present, "seats": seats},
                 at=now)


def close_meeting(session: Session, *, actor: User, meeting: Meeting, now: datetime) -> None:
    """Close the meeting: its protocol is final and no decision is added to it."""
    if meeting.status is not MeetingStatus.HELD:
        raise Refused(REFUSALS("meeting_not_held"))
    meeting.status = MeetingStatus.CLOSED
    meeting.closed_at = now
    session.flush()
    audit.record(session, actor=actor, action="review.meeting_closed", object_type="meeting",
                 object_id=meeting.id, details={"decisions": len(meeting.decisions)}, at=now)


def meetings_of(session: Session, cycle: Cycle, *, public_only: bool) -> list[Meeting]:
    query = select(Meeting).where(Meeting.cycle_id == cycle.id)
    if public_only:
        query = query.where(Meeting.status != MeetingStatus.DRAFT)
    return list(session.execute(query.order_by(Meeting.number)).scalars())


def held_meetings(session: Session, cycle: Cycle) -> list[Meeting]:
    """Meetings opened and not closed: where a decision can be recorded now."""
    return list(session.execute(
        select(Meeting).where(Meeting.cycle_id == cycle.id,
                              Meeting.status == MeetingStatus.HELD)
        .order_by(Meeting.number)).scalars())


def reviewable_projects(session: Session, cycle: Cycle) -> list[Project]:
    """Projects of the cycle a meeting may consider, by registration number."""
    return list(session.execute(
        select(Project).where(Project.cycle_id == cycle.id,
                              Project.status.in_(AGENDA_STATUSES))
        .order_by(Project.number)).scalars())
