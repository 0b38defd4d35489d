"""Demo review of the finished cycle "Бюджет участі-2019": commission, expertise, meetings.

The cycles part's demo plays the cycle through the projects' services: the commission's
status changes (admit, return for revision, reject) are in each project's history with
their dates and reasons. This module records the commission's side of those same changes:
a nine-member commission, one expertise per project, a meeting on each day the history
shows a decision (with an organisational meeting before and a closing one after, six in
all), a decision per status change with the vote, and one author's complaint against the
first rejection, dismissed at the next meeting.

The rows are written directly with their historical dates rather than through the review's
services, which would move the statuses again and check deadlines against today. Running
it again changes nothing: a cycle that has meetings is left alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.clock import KYIV
from portal.cycles.models import Cycle
from portal.projects import services as project_services
from portal.projects.models import Project, ProjectEvent
from portal.projects.rules import Event, ProjectStatus, line_total
from portal.review.models import (
    AgendaItem,
    CommissionSeat,
    Complaint,
    Decision,
    Expertise,
    ExpertiseCostItem,
    Meeting,
    MeetingAttendance,
    MeetingStatus,
    SeatRole,
    payload_text,
)
from portal.review.rules import DecisionKind, RejectionReason, decision_valid

DEMO_CYCLE = "Бюджет участі-2019"
PLACE = "м. Бахмут, вул. Миру, 44, приміщення міської ради, мала зала"
SECRETARY_EMAIL = "commission@demo.bakhmut.ua"
STAFF_EMAIL = "staff@demo.bakhmut.ua"

#: (name, post, role in the commission); the secretary's seat is the demo commission account.
COMMISSION = (
    ("Олександр Петренко", "заступник міського голови", SeatRole.CHAIR),
    ("Ірина Коваленко", "депутатка міської ради", SeatRole.DEPUTY_CHAIR),
    ("Марія Комісійна", "головна спеціалістка фінансового управління", SeatRole.SECRETARY),
    ("Віктор Шевчук", "депутат міської ради", SeatRole.MEMBER),
    ("Наталія Бондаренко", "начальниця управління освіти", SeatRole.MEMBER),
    ("Сергій Мельник", "начальник управління ЖКГ", SeatRole.MEMBER),
    ("Оксана Ткаченко", "представниця ГО «Бахмут Молодий»", SeatRole.MEMBER),
    ("Андрій Кравчук", "представник ГО «Зелене місто»", SeatRole.MEMBER),
    ("Людмила Савченко", "представниця ради старійшин", SeatRole.MEMBER),
)

#: Members present at each of the six meetings.
PRESENT = (7, 8, 6, 9, 7, 6)

DEPARTMENTS = (
    (("школ", "ліцей", "гімназ", "садок", "дитяч", "освіт"), "Управління освіти"),
    (("спорт", "футбол", "стадіон", "тренаж", "шах"), "Управління молоді та спорту"),
    (("бібліотек", "музе", "культур", "театр", "кіно"), "Відділ культури"),
)
DEFAULT_DEPARTMENT = "Управління житлово-комунального господарства"

#: Words of a rejection's reason and the ground of the regulations they name, in order.
GROUNDS = (
    (("перевищ",), RejectionReason.OVER_COST_LIMIT),
    (("програм", "дубл"), RejectionReason.DUPLICATE),
    (("баланс", "земл", "власн"), RejectionReason.LAND_NOT_OWNED),
    (("повноваж",), RejectionReason.OUTSIDE_POWERS),
    (("утрим", "поточн"), RejectionReason.UPKEEP_ONLY),
)
#: Grounds on which the expertise itself found the project impossible.
INFEASIBLE = {RejectionReason.OVER_COST_LIMIT, RejectionReason.LAND_NOT_OWNED,
              RejectionReason.OUTSIDE_POWERS}

#: History entries of the commission's decisions, and the decision each one records.
DECISION_EVENTS = {
    Event.ADMIT.value: DecisionKind.ADMIT,
    Event.RETURN_FOR_REVISION.value: DecisionKind.RETURN_FOR_REVISION,
    Event.REJECT.value: DecisionKind.REJECT,
    Event.UPHOLD_COMPLAINT.value: DecisionKind.COMPLAINT_UPHELD,
    Event.UPHOLD_COMPLAINT_FOR_REVIEW.value: DecisionKind.COMPLAINT_UPHELD,
}

AGENDA = "Розгляд проєктів, поданих на конкурс «{cycle}», за висновками експертизи."
OPENING = ("Організаційне засідання: про порядок роботи комісії та графік розгляду "
           "проєктів конкурсу «{cycle}».")
CLOSING = "Про підсумки розгляду проєктів і перелік проєктів, допущених до голосування."
MINUTES = ("Секретар комісії доповіла про проєкти порядку денного та висновки експертизи.\n"
           "Члени комісії обговорили кожен проєкт; автори, присутні на засіданні, відповіли "
           "на запитання.")
COMPLAINT = "Прошу переглянути рішення: проєкт відповідає вимогам Положення про бюджет участі."
DISMISSAL = ("Доводи скарги не спростовують висновку експертизи; підстави для відхилення "
             "проєкту підтверджено.")
FEASIBLE = "Кошторис перевірено; ціни відповідають ринковим."


@dataclass(frozen=True)
class _Planned:
    """One decision to record: on which day, about which project, from which entry."""

    day: date
    project: Project
    kind: DecisionKind
    text: str
    deadline: date | None = None
    readmit: bool = True


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), KYIV).astimezone(UTC)


def _day(moment: datetime) -> date:
    return moment.astimezone(KYIV).date()


def _department(project: Project) -> str:
    title = project.title.lower()
    for words, department in DEPARTMENTS:
        if any(word in title for word in words):
            return department
    return DEFAULT_DEPARTMENT


def ground_of(text: str) -> RejectionReason:
    """The regulations' ground a rejection's words name; "other" when none fits."""
    lowered = text.lower()
    for words, reason in GROUNDS:
        if any(word in lowered for word in words):
            return reason
    return RejectionReason.OTHER


def _votes(number: int, present: int) -> tuple[int, int, int]:
    against = 1 if number % 3 == 0 else 0
    abstained = 1 if number % 4 == 0 else 0
    return present - against - abstained, against, abstained


def _roster(session: Session, cycle: Cycle, secretary: User) -> list[CommissionSeat]:
    seats = [CommissionSeat(cycle_id=cycle.id, name=name, position=post, role=role,
                            ordering=ordering,
                            user_id=secretary.id if role is SeatRole.SECRETARY else None)
             for ordering, (name, post, role) in enumerate(COMMISSION, start=1)]
    session.add_all(seats)
    session.flush()
    return seats


def _expertise(session: Session, project: Project, staff: User, day: date,
               feasible: bool, conclusion: str) -> None:
    expertise = Expertise(project_id=project.id, author_id=staff.id,
                          department=_department(project), feasible=feasible,
                          conclusion=conclusion, adjusted_total=0, created_at=_at(day, 11))
    for line in project.cost_items:
        price = line.unit_price
        if (project.number or 0) % 5 == 0 and line.position == 1:
            # The department found the first line priced 3 % below the market.
            price = int((Decimal(price) * Decimal("1.03")).quantize(Decimal(1), ROUND_HALF_UP))
        total = line_total(line.quantity, price)
        expertise.items.append(ExpertiseCostItem(
            position=line.position, name=line.name, quantity=line.quantity, unit=line.unit,
            unit_price=price, total=total))
        expertise.adjusted_total += total
    session.add(expertise)
    project_services.record_event(
        session, project=project, kind="expertise", actor=staff, now=_at(day, 11),
        details={"feasible": feasible, "adjusted_total": expertise.adjusted_total})


def _planned(session: Session, projects: list[Project]) -> list[_Planned]:
    """A decision for every status change of the commission in the projects' history."""
    by_id = {p.id: p for p in projects}
    entries = session.execute(
        select(ProjectEvent).where(ProjectEvent.project_id.in_(by_id),
                                   ProjectEvent.kind.in_(DECISION_EVENTS))
        .order_by(ProjectEvent.at, ProjectEvent.id)).scalars()
    planned = []
    for entry in entries:
        kind = DECISION_EVENTS[entry.kind]
        deadline = None
        if kind is DecisionKind.RETURN_FOR_REVISION:
            ends = datetime.fromisoformat(json.loads(entry.details)["revision_deadline"])
            # The history keeps the instant the window closes; a decision names its last day.
            deadline = _day(ends - timedelta(microseconds=1))
        planned.append(_Planned(_day(entry.at), by_id[entry.project_id], kind, entry.text,
                                deadline, entry.kind == Event.UPHOLD_COMPLAINT.value))
    return planned


def load_review(session: Session) -> int:
    """Add the commission's work on the demo cycle; returns the number of decisions added."""
    cycle = session.execute(select(Cycle).where(Cycle.name == DEMO_CYCLE)).scalar_one_or_none()
    if cycle is None or session.execute(
            select(func.count()).where(Meeting.cycle_id == cycle.id)).scalar_one():
        return 0
    projects = list(session.execute(
        select(Project).where(Project.cycle_id == cycle.id,
                              Project.status.not_in([ProjectStatus.DRAFT,
                                                     ProjectStatus.WITHDRAWN]))
        .order_by(Project.number)).scalars())
    planned = _planned(session, projects)
    if not planned:
        return 0
    secretary = session.execute(select(User).where(User.email == SECRETARY_EMAIL)).scalar_one()
    staff = session.execute(select(User).where(User.email == STAFF_EMAIL)).scalar_one()
    seats = _roster(session, cycle, secretary)

    first_day = planned[0].day
    for project in projects:
        rejection = next((p for p in planned if p.project is project
                          and p.kind is DecisionKind.REJECT), None)
        if rejection is None:
            _expertise(session, project, staff, first_day - timedelta(days=3), True, FEASIBLE)
        else:
            _expertise(session, project, staff, first_day - timedelta(days=3),
                       ground_of(rejection.text) not in INFEASIBLE, rejection.text)

    contested = next((p for p in planned if p.kind is DecisionKind.REJECT), None)
    days = sorted({p.day for p in planned})
    if contested is not None:
        filed_on = contested.day + timedelta(days=2)
        ruling_day = next((d for d in days if d > filed_on), filed_on + timedelta(days=5))
        planned.append(_Planned(ruling_day, contested.project, DecisionKind.COMPLAINT_DISMISSED,
                                DISMISSAL))
        days = sorted(set(days) | {ruling_day})
    agendas = {day: AGENDA.format(cycle=cycle.name) for day in days}
    opening, closing = days[0] - timedelta(days=7), days[-1] + timedelta(days=3)
    if len(agendas) < 6:
        agendas[opening] = OPENING.format(cycle=cycle.name)
    if len(agendas) < 6:
        agendas[closing] = CLOSING

    count = 0
    complaint_rejection = None
    for number, day in enumerate(sorted(agendas), start=1):
        meeting = _meeting(session, cycle, seats, secretary, number, day, agendas[day])
        for item in (p for p in planned if p.day == day):
            if item.project.id not in {a.project_id for a in meeting.agenda_items}:
                meeting.agenda_items.append(AgendaItem(
                    project_id=item.project.id, position=len(meeting.agenda_items) + 1))
            decision = _decide(session, meeting, item, secretary)
            count += 1
            if item is contested:
                complaint_rejection = decision
            if item.kind is DecisionKind.COMPLAINT_DISMISSED and complaint_rejection:
                _complaint(session, item, complaint_rejection, decision, secretary)
    session.flush()
    return count


def _meeting(session: Session, cycle: Cycle, seats: list[CommissionSeat], secretary: User,
             number: int, day: date, agenda: str) -> Meeting:
    meeting = Meeting(
        cycle_id=cycle.id, number=number, held_on=day, place=PLACE, agenda=agenda,
        minutes=MINUTES, status=MeetingStatus.CLOSED, seats=len(seats),
        created_at=_at(day - timedelta(days=3), 9), created_by_id=secretary.id,
        opened_at=_at(day, 14), closed_at=_at(day, 17))
    # The chair and the secretary always; the other members in turn.
    signatories = [s for s in seats if s.role in (SeatRole.CHAIR, SeatRole.SECRETARY)]
    others = [s for s in seats if s not in signatories]
    others = others[number:] + others[:number]
    present = signatories + others[:PRESENT[(number - 1) % len(PRESENT)] - len(signatories)]
    meeting.attendance.extend(MeetingAttendance(seat_id=s.id) for s in present)
    session.add(meeting)
    session.flush()
    return meeting


def _decide(session: Session, meeting: Meeting, item: _Planned, secretary: User) -> Decision:
    votes = _votes(item.project.number or 0, meeting.present)
    if decision_valid(*votes, meeting.present, meeting.seats or 0):
        raise ValueError(f"demo votes {votes} of {meeting.present} present are not valid")
    payload = {"readmit": item.readmit} if item.kind is DecisionKind.COMPLAINT_UPHELD else {}
    decision = Decision(
        meeting_id=meeting.id, project_id=item.project.id, kind=item.kind,
        reason=ground_of(item.text) if item.kind is DecisionKind.REJECT else None,
        reason_text=item.text, revision_deadline=item.deadline, votes_for=votes[0],
        votes_against=votes[1], abstained=votes[2], payload=payload_text(payload),
        created_at=_at(meeting.held_on, 15), recorded_by_id=secretary.id)
    session.add(decision)
    session.flush()
    return decision


def _complaint(session: Session, item: _Planned, rejection: Decision, ruling: Decision,
               secretary: User) -> None:
    project = item.project
    filed = _at(rejection.meeting.held_on + timedelta(days=2), 10)
    session.add(Complaint(project_id=project.id, author_id=project.author_id,
                          rejection_id=rejection.id, text=COMPLAINT, filed_at=filed,
                          ruling_id=ruling.id))
    project_services.record_event(session, project=project, kind="complaint_filed",
                                  actor=project.author, now=filed)
    project_services.record_event(session, project=project, kind=item.kind.value,
                                  actor=secretary, now=ruling.created_at, text=ruling.reason_text)
