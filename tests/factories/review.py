"""The review: a cycle's commission (``seat_commission``) and a meeting held today with
projects on its agenda (``held_meeting``), through the review services."""

from __future__ import annotations

from datetime import date

from portal.clock import kyiv_today, utcnow
from portal.review import services
from portal.review.models import SeatRole

#: Meetings are held today, so a revision deadline after them is still in the future.
MEETING_DAY = kyiv_today()


def seat_commission(db, cycle, actor, *, size: int = 9, users=()) -> list:
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


def held_meeting(db, cycle, actor, *, present: int = 6, projects=(), number=None,
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
