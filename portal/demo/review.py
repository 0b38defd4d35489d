"""Demo review of the finished cycle "Бюджет участі-2019": commission, expertise, meetings.

The cycles part's demo creates the cycle and its projects in their final statuses. This
module adds what the commission did on the way there, consistent with those statuses: a
nine-member commission, one expertise per project, and six closed meetings whose decisions
admit every project that went to the vote (two of them after a return for revision),
reject the others with their grounds, and dismiss one author's complaint.

The rows are written directly with the dates of 2019 rather than through the services,
which would move the projects' statuses (already final) and check deadlines against today.
Running it again changes nothing: a cycle that has meetings is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.clock import KYIV
from portal.cycles.models import Cycle
from portal.projects import services as project_services
from portal.projects.models import Project
from portal.projects.rules import ON_BALLOT, ProjectStatus
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
    (("спорт", "футбол", "стадіон", "тренаж", "басейн"),
     "Управління молоді та спорту"),
    (("бібліотек", "музе", "культур", "театр", "сцен"), "Відділ культури"),
)
DEFAULT_DEPARTMENT = "Управління житлово-комунального господарства"

REJECTIONS = (
    (RejectionReason.OVER_COST_LIMIT, False,
     "Вартість проєкту за скоригованим кошторисом перевищує граничну вартість категорії."),
    (RejectionReason.LAND_NOT_OWNED, False,
     "Земельна ділянка, на якій передбачено реалізацію проєкту, не перебуває в комунальній "
     "власності громади."),
    (RejectionReason.DUPLICATE, True,
     "Аналогічні заходи на цьому об'єкті вже передбачено міською цільовою програмою."),
    (RejectionReason.UPKEEP_ONLY, True,
     "Проєкт передбачає лише поточне утримання наявного об'єкта, а не створення нового."),
    (RejectionReason.OUTSIDE_POWERS, False,
     "Реалізація проєкту потребує рішень, що не належать до повноважень органів місцевого "
     "самоврядування."),
)

AGENDA = "Розгляд проєктів, поданих на конкурс «{cycle}», за висновками експертизи."
MINUTES = ("Секретар комісії доповіла про проєкти порядку денного та висновки експертизи.\n"
           "Члени комісії обговорили кожен проєкт; автори, присутні на засіданні, відповіли "
           "на запитання.")


@dataclass
class _Meeting:
    held_on: date
    agenda: str
    present: int
    items: list[tuple[Project, DecisionKind, dict]] = field(default_factory=list)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), KYIV).astimezone(UTC)


def _department(project: Project) -> str:
    title = project.title.lower()
    for words, department in DEPARTMENTS:
        if any(word in title for word in words):
            return department
    return DEFAULT_DEPARTMENT


def _votes(number: int, present: int) -> tuple[int, int, int]:
    against = 1 if number % 3 == 0 else 0
    abstained = 1 if number % 4 == 0 else 0
    return present - against - abstained, against, abstained


def _roster(session: Session, cycle: Cycle) -> list[CommissionSeat]:
    secretary = session.execute(
        select(User).where(User.email == SECRETARY_EMAIL)).scalar_one_or_none()
    seats = []
    for ordering, (name, post, role) in enumerate(COMMISSION, start=1):
        user = secretary if role is SeatRole.SECRETARY else None
        seats.append(CommissionSeat(cycle_id=cycle.id, user_id=user.id if user else None,
                                    name=name, position=post, role=role, ordering=ordering))
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
        if project.number % 5 == 0 and line.position == 1:
            # The department found the first line priced 3 % below the market.
            price = int((Decimal(price) * Decimal("1.03")).quantize(Decimal(1), ROUND_HALF_UP))
        total = int((line.quantity * price).quantize(Decimal(1), ROUND_HALF_UP))
        expertise.items.append(ExpertiseCostItem(
            position=line.position, name=line.name, quantity=line.quantity, unit=line.unit,
            unit_price=price, total=total))
        expertise.adjusted_total += total
    session.add(expertise)
    project_services.record_event(
        session, project=project, kind="expertise", actor=staff, now=_at(day, 11),
        details={"feasible": feasible, "adjusted_total": expertise.adjusted_total})


def _grounds(projects: list[Project]) -> dict[int, tuple[RejectionReason, bool, str]]:
    """The ground (and whether the expertise found it feasible) of each rejected project."""
    rejected = [p for p in projects if p.status is ProjectStatus.REJECTED]
    return {p.id: REJECTIONS[i % len(REJECTIONS)] for i, p in enumerate(rejected)}


def _plan(cycle: Cycle, projects: list[Project]) -> list[_Meeting]:
    """Which project is decided how at which of the six meetings."""
    start = cycle.review_start.astimezone(KYIV).date()
    span = max((cycle.review_end - cycle.review_start).days, 14)
    days = [start + timedelta(days=span * k // 7) for k in range(1, 7)]
    agenda = AGENDA.format(cycle=cycle.name)
    meetings = [_Meeting(days[k], agenda, PRESENT[k]) for k in range(4)]
    meetings.append(_Meeting(days[4], "Повторний розгляд доопрацьованих проєктів.", PRESENT[4]))
    meetings.append(_Meeting(days[5], "Розгляд скарги автора відхиленого проєкту.", PRESENT[5]))
    admitted = [p for p in projects if p.status in ON_BALLOT]
    rejected = [p for p in projects if p.status is ProjectStatus.REJECTED]
    grounds = _grounds(projects)
    revised = {p.id for p in admitted[3:12:7]}  # two projects go through a revision first
    contested = rejected[0].id if rejected else None
    chunk = -(-len(projects) // 4)
    for index, project in enumerate(projects):
        first = meetings[index // chunk]
        if project.id in revised:
            # The authors revise before the fifth meeting considers the projects again.
            deadline = days[4] - timedelta(days=1)
            first.items.append((project, DecisionKind.RETURN_FOR_REVISION, {
                "revision_deadline": deadline,
                "reason_text": "Уточнити кошторис (додати вартість доставки та монтажу) і "
                               "додати фото місця реалізації."}))
            meetings[4].items.append((project, DecisionKind.ADMIT, {}))
        elif project.status in ON_BALLOT:
            first.items.append((project, DecisionKind.ADMIT, {}))
        else:
            reason, _feasible, text = grounds[project.id]
            first.items.append((project, DecisionKind.REJECT,
                                {"reason": reason, "reason_text": text}))
        if project.id == contested:
            meetings[5].items.append((project, DecisionKind.COMPLAINT_DISMISSED, {
                "reason_text": "Доводи скарги не спростовують висновку експертизи; підстави "
                               "для відхилення проєкту підтверджено."}))
    return meetings


def load_review(session: Session) -> int:
    """Add the commission's work on the demo cycle; returns the number of decisions added."""
    cycle = session.execute(select(Cycle).where(Cycle.name == DEMO_CYCLE)).scalar_one_or_none()
    if cycle is None or session.execute(
            select(func.count()).where(Meeting.cycle_id == cycle.id)).scalar_one():
        return 0
    secretary = session.execute(select(User).where(User.email == SECRETARY_EMAIL)).scalar_one()
    staff = session.execute(select(User).where(User.email == STAFF_EMAIL)).scalar_one()
    projects = list(session.execute(
        select(Project).where(Project.cycle_id == cycle.id,
                              Project.status.in_(ON_BALLOT | {ProjectStatus.REJECTED}))
        .order_by(Project.number)).scalars())
    if not projects:
        return 0
    seats = _roster(session, cycle)
    plan = _plan(cycle, projects)
    expertise_day = plan[0].held_on - timedelta(days=2)
    grounds = _grounds(projects)
    for project in projects:
        if project.id in grounds:
            _reason, feasible, text = grounds[project.id]
            _expertise(session, project, staff, expertise_day, feasible, text)
        else:
            _expertise(session, project, staff, expertise_day, True,
                       "Реалізація проєкту можлива. Кошторис перевірено; ціни відповідають "
                       "ринковим.")
    count = 0
    for number, planned in enumerate(plan, start=1):
        meeting = Meeting(
            cycle_id=cycle.id, number=number, held_on=planned.held_on, place=PLACE,
            agenda=planned.agenda, minutes=MINUTES, status=MeetingStatus.CLOSED,
            seats=len(seats), created_at=_at(planned.held_on - timedelta(days=3), 9),
            created_by_id=secretary.id, opened_at=_at(planned.held_on, 14),
            closed_at=_at(planned.held_on, 17))
        # The chair and the secretary always; the other members in turn.
        others = [s for s in seats if s.role not in (SeatRole.CHAIR, SeatRole.SECRETARY)]
        others = others[number:] + others[:number]
        present = [s for s in seats if s.role in (SeatRole.CHAIR, SeatRole.SECRETARY)]
        present += others[:planned.present - len(present)]
        meeting.attendance.extend(MeetingAttendance(seat_id=s.id) for s in present)
        session.add(meeting)
        session.flush()
        for position, (project, kind, fields) in enumerate(planned.items, start=1):
            meeting.agenda_items.append(AgendaItem(project_id=project.id, position=position))
            count += _decide(session, meeting, project, kind, fields, secretary)
    session.flush()
    return count


def _decide(session: Session, meeting: Meeting, project: Project, kind: DecisionKind,
            fields: dict, secretary: User) -> int:
    votes = _votes(project.number or 0, meeting.present)
    if decision_valid(*votes, meeting.present, meeting.seats or 0):
        raise ValueError(f"demo votes {votes} of {meeting.present} present are not valid")
    at = _at(meeting.held_on, 15)
    decision = Decision(
        meeting_id=meeting.id, project_id=project.id, kind=kind, reason=fields.get("reason"),
        reason_text=fields.get("reason_text", ""),
        revision_deadline=fields.get("revision_deadline"), votes_for=votes[0],
        votes_against=votes[1], abstained=votes[2], payload=payload_text({}), created_at=at,
        recorded_by_id=secretary.id)
    session.add(decision)
    session.flush()
    if kind is DecisionKind.COMPLAINT_DISMISSED:
        rejection = session.execute(select(Decision).where(
            Decision.project_id == project.id, Decision.kind == DecisionKind.REJECT)
        ).scalar_one()
        filed = _at(rejection.meeting.held_on + timedelta(days=2), 10)
        session.add(Complaint(
            project_id=project.id, author_id=project.author_id, rejection_id=rejection.id,
            text="Прошу переглянути рішення: проєкт відповідає вимогам Положення.",
            filed_at=filed, ruling_id=decision.id))
        project_services.record_event(session, project=project, kind="complaint_filed",
                                      actor=project.author, now=filed)
        project_services.record_event(session, project=project, kind=kind.value,
                                      actor=secretary, now=at, text=decision.reason_text)
    return 1
