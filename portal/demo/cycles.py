"""Demo cycles: "Бюджет участі-2019", finished, and the next budget year's cycle, open now.

The finished cycle is played through the real services with the dates of 2018 passed as
``now``: 29 verified authors submit 34 projects in March and April, two are withdrawn, the
commission receives the rest in May and decides in May and June (one project goes through
the revision loop). The review part adds its expertise and meetings on top of these
statuses. The open cycle's calendar is placed around today: a few drafts, and submitted
projects collecting their 15 supporters. Running it twice changes nothing: a cycle that
exists by name is left as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts import passwords
from portal.accounts.models import Role, User, UserRole
from portal.clock import KYIV
from portal.cycles import services as cycles
from portal.cycles.models import Cycle
from portal.cycles.rules import CategoryKind
from portal.demo.accounts import DEMO_PASSWORD, load_districts
from portal.identity import services as identity
from portal.identity.models import VerificationMethod
from portal.identity.rules import NumberKind, PersonNumber, make_rnokpp
from portal.projects import participation
from portal.projects import services as projects
from portal.projects.rules import Event

DATA = json.loads((Path(__file__).with_name("cycles.json")).read_text(encoding="utf-8"))
KOPECKS = 100


def kyiv(day: str | date, hour: int = 0) -> datetime:
    """Midnight (or ``hour``) of a Kyiv calendar day, in UTC like every moment we store."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime.combine(day, time(hour), tzinfo=KYIV).astimezone(UTC)


@dataclass(frozen=True)
class Cast:
    admin: User
    commission: User
    verifier: User | None
    authors: list[User]


def _user(session: Session, email: str) -> User | None:
    return session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def load_authors(session: Session, *, secret: str, verified_on: datetime) -> list[User]:
    """The 29 authors of the finished cycle, verified (in person) before it opened."""
    districts = load_districts(session)
    verifier = _user(session, "verifier@demo.bakhmut.ua")
    password_hash = None
    authors = []
    for n, person in enumerate(DATA["authors"], start=1):
        email = f"author{n:02d}@demo.bakhmut.ua"
        user = _user(session, email)
        if user is None:
            password_hash = password_hash or passwords.hash_password(DEMO_PASSWORD)
            user = User(email=email, display_name=person["name"], password_hash=password_hash,
                        locale="uk", created_at=verified_on, email_confirmed_at=verified_on)
            user.role_grants.append(UserRole(role=Role.RESIDENT, granted_at=verified_on))
            session.add(user)
            session.flush()
        if identity.active_verification(session, user) is None:
            claim = identity.IdentityClaim(
                number=PersonNumber(NumberKind.RNOKPP, make_rnokpp(f"3300000{n:02d}")),
                birth_date=date.fromisoformat(person["birth_date"]),
                community="Бахмутська міська територіальна громада", resident=True,
                district_id=districts[person["district"]].id)
            identity.verify_person(session, user=user, claim=claim,
                                   method=VerificationMethod.IN_PERSON, actor=verifier,
                                   secret=secret, now=verified_on)
        authors.append(user)
    return authors


def _text(item: dict, districts: dict) -> projects.ProjectText:
    return projects.ProjectText(
        title=item["title"], summary=item["summary"], problem=item["problem"],
        solution=item["solution"], beneficiaries=item["beneficiaries"], address=item["address"],
        latitude=Decimal(item["latitude"]), longitude=Decimal(item["longitude"]),
        district_id=districts[item["district"]].id)


def _lines(item: dict) -> list[projects.CostLine]:
    return [projects.CostLine(name=line["name"], quantity=Decimal(line["quantity"]),
                              unit=line["unit"], unit_price=line["unit_price"] * KOPECKS)
            for line in item["lines"]]


def _add_categories(session: Session, cycle: Cycle, admin: User, now: datetime,
                    pots: list[tuple[str, str, int, int, int]]) -> dict[str, int]:
    for position, (name, description, budget, low, high) in enumerate(pots, start=1):
        cycles.add_category(session, cycle=cycle, actor=admin, now=now, data=cycles.CategoryData(
            name=name, description=description, kind=CategoryKind.CITYWIDE, district_id=None,
            budget=budget * KOPECKS, min_cost=low * KOPECKS, max_cost=high * KOPECKS,
            position=position))
    return {c.name: c.id for c in cycle.categories}


def load_finished_cycle(session: Session, cast: Cast, districts: dict) -> Cycle | None:
    """"Бюджет участі-2019": submitted in 2018, reviewed, ready for its vote's results."""
    name = DATA["finished"]["name"]
    if session.execute(select(Cycle).where(Cycle.name == name)).scalar_one_or_none():
        return None
    created = kyiv("2018-02-15", 10)
    cycle = cycles.create_cycle(session, actor=cast.admin, now=created, data=cycles.CycleData(
        name=name, budget_year=2019, total_budget=500_000 * KOPECKS,
        # The figures agree with the page's counters: every project submitted (the
        # withdrawn ones among them), their authors, and those admitted to the vote.
        description="Перший конкурс громадських проєктів міста. 29 авторів подали 34 "
                    "проєкти; 2 проєкти їхні автори згодом відкликали. Комісія допустила до "
                    "голосування 28 проєктів; проголосували 16,5 тисячі мешканців.",
        submission_start=kyiv("2018-03-01"), submission_end=kyiv("2018-05-01"),
        support_start=None, support_end=None,
        review_start=kyiv("2018-05-01"), review_end=kyiv("2018-07-01"),
        voting_start=kyiv("2018-09-01"), voting_end=kyiv("2018-09-22"),
        results_date=kyiv("2018-10-01"), min_age_submit=16, min_age_vote=16,
        projects_per_author=2, votes_per_voter=3, complaint_days=5))
    category_ids = _add_categories(session, cycle, cast.admin, created, [
        ("Малі проєкти", "Проєкти вартістю до 30 тисяч гривень.", 200_000, 10_000, 30_000),
        ("Великі проєкти", "Проєкти вартістю від 30 до 50 тисяч гривень.", 300_000, 30_000,
         50_000),
    ])
    played = []
    for n, item in enumerate(DATA["finished"]["projects"]):
        author = cast.authors[item["author"] - 1]
        moment = kyiv("2018-03-05", 9) + timedelta(hours=n * 40)
        project = projects.create_draft(
            session, cycle=cycle, category_id=category_ids[item["category"]],
            text=_text(item, districts), lines=_lines(item), actor=author,
            now=moment - timedelta(days=2))
        projects.submit_project(session, project=project, actor=author, now=moment)
        played.append((project, item, author))
    for project, item, author in played:
        if item["outcome"] == "withdraw":
            projects.withdraw_project(session, project=project, actor=author,
                                      reason=item["reason"], now=kyiv("2018-04-28", 12))
    projects.begin_review(session, cycle=cycle, actor=cast.admin, now=kyiv("2018-05-03", 9))
    meetings = [kyiv(day, 15) for day in ("2018-05-15", "2018-05-29", "2018-06-12", "2018-06-26")]
    for n, (project, item, author) in enumerate(played):
        outcome = item["outcome"]
        day = meetings[n % len(meetings)]
        if outcome == "admit":
            projects.change_status(session, project=project, event=Event.ADMIT,
                                   actor=cast.commission, now=day,
                                   text="Проєкт відповідає умовам конкурсу.")
        elif outcome == "reject":
            projects.change_status(session, project=project, event=Event.REJECT,
                                   actor=cast.commission, now=day, text=item["reason"])
        elif outcome == "revise":
            _revision_loop(session, project, item, author, cast, districts, meetings)
    return cycle


def _revision_loop(session, project, item, author, cast, districts, meetings) -> None:
    """Returned at the first meeting, revised by the author, admitted at the third."""
    projects.change_status(
        session, project=project, event=Event.RETURN_FOR_REVISION, actor=cast.commission,
        now=meetings[0], revision_deadline=kyiv("2018-06-05"),
        text="Уточніть розміри альтанки і додайте погодження балансоутримувача парку.")
    revised = _text(item, districts)
    revised = projects.ProjectText(**{**revised.__dict__, "solution": revised.solution +
                                      " Розміри альтанки 4 × 4 м; розміщення погоджено з "
                                      "КП «Бахмутське паркове господарство»."})
    projects.update_draft(session, project=project, category_id=project.category_id,
                          text=revised, lines=_lines(item), actor=author,
                          now=kyiv("2018-05-25", 18))
    projects.resubmit_project(session, project=project, actor=author, now=kyiv("2018-05-26", 9))
    projects.change_status(session, project=project, event=Event.ADMIT, actor=cast.commission,
                           now=meetings[2], text="Доопрацьований проєкт відповідає умовам.")


def open_cycle_name(now: datetime) -> str:
    """The open cycle is the next budget year's."""
    return f"Бюджет участі-{now.astimezone(KYIV).year + 1}"


def load_open_cycle(session: Session, cast: Cast, districts: dict, now: datetime) -> Cycle | None:
    """The next budget year's cycle, accepting projects today, with a few of them."""
    today = now.astimezone(KYIV).date()
    year = today.year + 1
    name = open_cycle_name(now)
    if session.execute(select(Cycle).where(Cycle.name == name)).scalar_one_or_none():
        return None
    start = kyiv(today - timedelta(days=20))
    submission_end = kyiv(today + timedelta(days=30))
    support_end = submission_end + timedelta(days=14)
    review_start = support_end + timedelta(days=3)
    review_end = review_start + timedelta(days=42)
    voting_start = review_end + timedelta(days=14)
    voting_end = voting_start + timedelta(days=21)
    cycle = cycles.create_cycle(session, actor=cast.admin, now=start, data=cycles.CycleData(
        name=name, budget_year=year, total_budget=1_000_000 * KOPECKS,
        description="Прийом проєктів відкрито. Цього року кожен проєкт має зібрати 15 "
                    "підписів підтримки мешканців.",
        submission_start=start, submission_end=submission_end,
        support_start=submission_end, support_end=support_end,
        review_start=review_start, review_end=review_end, voting_start=voting_start,
        voting_end=voting_end, results_date=voting_end + timedelta(days=7),
        min_age_submit=16, min_age_vote=16, support_needed=15, projects_per_author=2,
        votes_per_voter=3, complaint_days=7))
    category_ids = _add_categories(session, cycle, cast.admin, start, [
        ("Малі проєкти", "Проєкти вартістю від 20 до 100 тисяч гривень.", 400_000, 20_000,
         100_000),
        ("Великі проєкти", "Проєкти вартістю від 100 до 300 тисяч гривень.", 600_000, 100_000,
         300_000),
    ])
    submitted = []
    for n, item in enumerate(DATA["open"]["projects"]):
        author = (_user(session, item["author"]) if isinstance(item["author"], str)
                  else cast.authors[item["author"] - 1])
        drafted = now - timedelta(days=12 - n)
        project = projects.create_draft(
            session, cycle=cycle, category_id=category_ids[item["category"]],
            text=_text(item, districts), lines=_lines(item), actor=author, now=drafted)
        if n == 0:
            token = participation.invite_coauthor(session, project=project,
                                                  email=cast.authors[6].email, actor=author,
                                                  now=drafted)
            participation.confirm_coauthor(session, token=token, user=cast.authors[6],
                                           now=drafted + timedelta(hours=5))
        if item["submit"]:
            projects.submit_project(session, project=project, actor=author,
                                    now=drafted + timedelta(days=1))
            submitted.append(project)
    for project, count in zip(submitted, DATA["open"]["support"], strict=True):
        supporters = [a for a in cast.authors if a.id != project.author_id][:count]
        for k, supporter in enumerate(supporters):
            participation.support_project(session, project=project, user=supporter,
                                          now=now - timedelta(days=5, hours=-k))
    return cycle


def load_cycles(session: Session, *, secret: str, now: datetime) -> list[Cycle]:
    """Both demo cycles (each only if missing); the accounts must be loaded first."""
    cast = Cast(
        admin=_user(session, "admin@demo.bakhmut.ua"),
        commission=_user(session, "commission@demo.bakhmut.ua"),
        verifier=_user(session, "verifier@demo.bakhmut.ua"),
        authors=load_authors(session, secret=secret, verified_on=kyiv("2018-02-01", 10)),
    )
    districts = load_districts(session)
    loaded = [load_finished_cycle(session, cast, districts),
              load_open_cycle(session, cast, districts, now)]
    session.flush()
    return [c for c in loaded if c is not None]
