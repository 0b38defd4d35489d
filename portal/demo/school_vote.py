"""School budgets: a cycle whose admitted projects (pupils' ideas, small amounts) are voted
on by pupils, with each project's texts and history, and the ballots of many demo voters
(online, plus paper ballots entered at the ЦНАП).

``load_school_budget`` loads one from a ``SchoolBudget`` (its pots, projects, rules and
voters); Bakhmut's "Шкільний бюджет участі-2027" is voting today (``load_school_vote``: the
demo resident has not voted yet, so the ballot can be tried), and Talne's school budgets
(``portal.demo.talne``) are loaded by the same machinery.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User, UserRole
from portal.clock import KYIV
from portal.community.models import District
from portal.cycles.models import Category, Cycle
from portal.cycles.rules import CategoryKind
from portal.cycles.services import series_for
from portal.demo.ballots import (
    COMMISSION_EMAIL,
    DISTRICT_SHARES,
    VERIFIER_EMAIL,
    VOTERS_SEED,
    ballot_rows,
    kyiv,
    store_ballots,
    voter_accounts,
)
from portal.identity.models import Verification, VerificationMethod
from portal.identity.rules import NumberKind, PersonNumber, make_rnokpp, person_key
from portal.projects.models import CostItem, Project, ProjectEvent
from portal.projects.rules import ProjectStatus
from portal.voting.models import Channel
from portal.voting.rules import band_of_age

SCHOOL = "Шкільний бюджет участі-2027"
SCHOOL_VOTERS = 3_000
SCHOOL_PROJECTS = (
    ("Загальноміські", "Шкільна радіостудія в ліцеї № 5", 48_000,
     "Мікрофони, мікшерний пульт і звукоізоляція невеликої кімнати, щоб учні щотижня "
     "випускали радіопередачі про життя ліцею й міста."),
    ("Загальноміські", "Мобільний планетарій для шкіл міста", 75_000,
     "Надувний купол із проєктором, який по черзі приїздить до кожної школи: уроки "
     "астрономії та природознавства під зоряним небом."),
    ("Загальноміські", "Велопарковки з навісом біля шкіл", 36_000,
     "Шість накритих велопарковок біля шкіл, куди учні найчастіше їздять велосипедом: "
     "велосипеди не мокнуть і не стоять біля парканів."),
    ("Загальноміські", "Шкільний фестиваль вуличної музики", 30_000,
     "Сцена, звук і призи для травневого фестивалю, на якому шкільні гурти грають у "
     "центрі міста для мешканців."),
    ("Районні", "Зона тихого читання в бібліотеці школи № 12", 22_000,
     "М'які крісла, лампи й стелажі з новими книжками, щоб у бібліотеці можна було "
     "читати й готуватися до уроків на перервах."),
    ("Районні", "Теплиця для уроків біології", 28_000,
     "Полікарбонатна теплиця на шкільному подвір'ї, де учні вирощують розсаду для "
     "клумб мікрорайону і спостерігають за рослинами."),
    ("Районні", "Настільний теніс у рекреації", 12_000,
     "Два тенісні столи з сітками й ракетками в рекреації другого поверху: рух на "
     "перервах замість телефонів."),
    ("Районні", "Фотостудія для шкільної газети", 19_000,
     "Фотоапарат, світло і фон для шкільної газети: учні знімають події школи та "
     "вчаться фотожурналістики."),
)
#: What each school project's page tells beyond its summary: (problem, solution, who
#: benefits, place), by title.
SCHOOL_TEXTS = {
    "Шкільна радіостудія в ліцеї № 5": (
        "Новини ліцею учні дізнаються з чатів, а оголошення на перервах ніхто не чує.",
        "Облаштувати кімнату на другому поверсі звукоізоляцією, купити два мікрофони, "
        "мікшерний пульт і гучномовці в коридорах.",
        "Учні ліцею № 5 і вчителі, близько 600 осіб.", "вул. Миру, 22, ліцей № 5"),
    "Мобільний планетарій для шкіл міста": (
        "У місті немає планетарію, найближчий за сотні кілометрів.",
        "Придбати надувний купол на 25 місць і проєктор; графік виїздів до шкіл складає "
        "управління освіти.", "Учні 1–11 класів усіх шкіл міста.",
        "Управління освіти, вул. Миру, 44 (зберігання)"),
    "Велопарковки з навісом біля шкіл": (
        "Велосипеди учнів мокнуть під дощем і стоять прикуті до парканів.",
        "Встановити шість велопарковок на 10 місць із полікарбонатним навісом.",
        "Учні шкіл № 4, 11, 12 і ліцею № 5, які їздять велосипедом.",
        "Подвір'я шкіл № 4, 11, 12 і ліцею № 5"),
    "Шкільний фестиваль вуличної музики": (
        "Шкільним гуртам ніде виступити перед містом.",
        "Орендувати сцену й звук на один травневий день, придбати дипломи й призи.",
        "Шкільні гурти, їхні родини й мешканці центру.", "Площа Свободи"),
    "Зона тихого читання в бібліотеці школи № 12": (
        "У бібліотеці лише столи для видачі книжок, посидіти з книжкою ніде.",
        "Купити шість м'яких крісел, чотири настільні лампи й два стелажі з книжками.",
        "Учні школи № 12, близько 450 осіб.", "вул. Ступки, 14, школа № 12"),
    "Теплиця для уроків біології": (
        "Уроки біології проходять лише за підручником, без живих рослин.",
        "Поставити полікарбонатну теплицю 3 × 6 м із крапельним поливом.",
        "Учні 5–9 класів школи № 12 і мешканці мікрорайону.",
        "вул. Ступки, 14, подвір'я школи № 12"),
    "Настільний теніс у рекреації": (
        "На перервах учні сидять у телефонах: у рекреації порожньо.",
        "Купити два тенісні столи для приміщень, сітки, ракетки й м'ячі.",
        "Учні школи № 12.", "вул. Ступки, 14, школа № 12, другий поверх"),
    "Фотостудія для шкільної газети": (
        "Шкільна газета виходить із фото з телефонів, знятими як доведеться.",
        "Придбати фотоапарат, два світлові прилади й фон для портретів.",
        "Редакція шкільної газети й учні, які вчаться фотографувати.",
        "вул. Ступки, 14, школа № 12"),
}


@dataclass(frozen=True)
class Pot:
    """A category of a school budget; amounts in hryvnias. A pot with a ``district`` is
    chosen from only by that district's residents."""

    name: str
    budget: int
    min_cost: int
    max_cost: int
    district: str | None = None


@dataclass(frozen=True)
class SchoolProject:
    pot: str
    title: str
    hryvnias: int
    summary: str
    problem: str
    solution: str
    beneficiaries: str
    address: str
    #: Where the school is (a project may have no point).
    latitude: Decimal | None = None
    longitude: Decimal | None = None


Choose = Callable[[random.Random, list[Project], list[Project], bool], list[Project]]


@dataclass(frozen=True)
class Voters:
    """Who votes in a school budget: ``count`` people, the first ``online`` of them online
    (accounts that cannot log in), the rest on paper at the ЦНАП; every ``local_every``-th
    lives in the district pot's district, the others in the other districts by ``shares``."""

    count: int
    online: int
    email: str  # with {n}: the n-th online voter's address
    number_base: int  # tax-number stems: number_base + n
    community: str  # the verifications' community, as the register names it
    shares: Mapping[str, int]
    local_every: int
    homes_seed: int
    choices_seed: int
    born: Callable[[int], date]
    age: Callable[[int], int]  # for the ballot's age band
    choose: Choose  # (draw, citywide projects, the district pot's, lives there) -> chosen


@dataclass(frozen=True)
class SchoolBudget:
    name: str
    budget_year: int
    total_budget: int  # hryvnias
    description: str
    pots: tuple[Pot, ...]
    projects: tuple[SchoolProject, ...]
    voters: Voters
    #: What the commission wrote when it admitted each project.
    admission: str = "Проєкт відповідає умовам шкільного бюджету участі."
    #: The cycle's rules beyond the defaults (min_age_vote, votes_per_voter, ...).
    rules: Mapping[str, Any] = field(default_factory=dict)


def _bakhmut_choice(draw: random.Random, citywide: list[Project], local: list[Project],
                    lives_there: bool) -> list[Project]:
    """One or two citywide projects, and one or two of Ступки's for its residents."""
    chosen = draw.sample(citywide, draw.randint(1, 2))
    if lives_there:
        chosen += draw.sample(local, draw.randint(1, 2))
    return chosen


BAKHMUT_SCHOOL = SchoolBudget(
    name=SCHOOL, budget_year=2027, total_budget=300_000,
    description="Учні шкіл міста пропонують і обирають проєкти для своїх шкіл. Голосують "
                "мешканці від 14 років.",
    pots=(Pot("Загальноміські", 150_000, 5_000, 100_000),
          Pot("Районні", 50_000, 5_000, 50_000, district="Ступки")),
    projects=tuple(SchoolProject(pot, title, hryvnias, summary, *SCHOOL_TEXTS[title])
                   for pot, title, hryvnias, summary in SCHOOL_PROJECTS),
    voters=Voters(
        count=SCHOOL_VOTERS, online=SCHOOL_VOTERS * 5 // 6,
        email="voter{n:04d}@demo-voters.bakhmut.ua", number_base=800_000_000,
        community="Бахмутська міська територіальна громада",
        # A third of the voters live in Ступки (whose pot this vote has), the others
        # elsewhere, by the districts' shares of the 2018 vote.
        shares={name: share for name, (share, _online) in DISTRICT_SHARES.items()},
        local_every=3, homes_seed=VOTERS_SEED + 9, choices_seed=2027,
        born=lambda n: date(1950 + n % 60, 1 + n % 12, 1 + n % 28),
        age=lambda n: 14 + (n * 11) % 70, choose=_bakhmut_choice),
    rules={"min_age_vote": 14, "votes_per_voter": 2},
)


def load_school_vote(session: Session, *, secret: str, now: datetime) -> Cycle | None:
    """Bakhmut's school budget, voting today, with 3,000 demo voters' ballots."""
    if session.execute(select(Cycle).where(Cycle.name == SCHOOL)).scalar_one_or_none():
        return None
    today = now.astimezone(KYIV).date()
    admin = session.execute(select(User).join(UserRole, UserRole.user_id == User.id)
                            .where(UserRole.role == Role.ADMIN)
                            .order_by(User.id).limit(1)).scalar_one()
    authors = list(session.execute(
        select(User).join(Verification, Verification.user_id == User.id)
        .order_by(User.id).limit(8)).scalars())
    return load_school_budget(
        session, BAKHMUT_SCHOOL, voting_start=kyiv(today - timedelta(days=7), 0),
        voting_end=kyiv(today + timedelta(days=14), 0), admin=admin,
        commission=_by_email(session, COMMISSION_EMAIL),
        verifier=_by_email(session, VERIFIER_EMAIL), authors=authors, secret=secret,
        registered=now, now=now)


def _by_email(session: Session, email: str) -> User:
    return session.execute(select(User).where(User.email == email)).scalar_one()


def load_school_budget(session: Session, spec: SchoolBudget, *, voting_start: datetime,
                       voting_end: datetime, admin: User, commission: User, verifier: User,
                       authors: list[User], secret: str, registered: datetime,
                       now: datetime) -> Cycle | None:
    """The school budget ``spec`` voting from ``voting_start`` to ``voting_end``: its
    admitted projects (by ``authors`` in turn), their history, and the ballots cast up to
    ``now`` by voters registered and verified at ``registered``. Nothing when it exists."""
    if session.execute(select(Cycle).where(Cycle.name == spec.name)).scalar_one_or_none():
        return None
    districts = {d.name: d for d in session.execute(select(District)).scalars()}
    cycle = Cycle(
        name=spec.name, budget_year=spec.budget_year, total_budget=spec.total_budget * 100,
        description=spec.description,
        submission_start=voting_start - timedelta(days=90),
        submission_end=voting_start - timedelta(days=60),
        review_start=voting_start - timedelta(days=59), review_end=voting_start,
        voting_start=voting_start, voting_end=voting_end,
        results_date=voting_end + timedelta(days=7), **spec.rules,
        created_at=voting_start - timedelta(days=100), created_by_id=admin.id,
        registration_series=series_for(session, spec.budget_year),
    )
    for position, pot in enumerate(spec.pots, start=1):
        district = districts[pot.district] if pot.district else None
        cycle.categories.append(Category(
            name=pot.name, kind=CategoryKind.DISTRICT if district else CategoryKind.CITYWIDE,
            district_id=district.id if district else None, budget=pot.budget * 100,
            min_cost=pot.min_cost * 100, max_cost=pot.max_cost * 100, position=position))
    session.add(cycle)
    session.flush()
    pots = {c.name: c for c in cycle.categories}
    projects = []
    submitted = voting_start - timedelta(days=70)
    for n, item in enumerate(spec.projects, start=1):
        project = Project(
            cycle_id=cycle.id, category_id=pots[item.pot].id,
            author_id=authors[n % len(authors)].id, number=n, status=ProjectStatus.ADMITTED,
            title=item.title, summary=item.summary, total_cost=item.hryvnias * 100,
            problem=item.problem, solution=item.solution, beneficiaries=item.beneficiaries,
            address=item.address, district_id=pots[item.pot].district_id,
            latitude=item.latitude, longitude=item.longitude,
            created_at=submitted + timedelta(days=n, hours=10),
            updated_at=submitted + timedelta(days=n, hours=10),
            submitted_at=submitted + timedelta(days=n, hours=10, minutes=7 * n),
            status_changed_at=voting_start - timedelta(days=2) + timedelta(hours=15))
        project.cost_items.append(CostItem(position=1, name=item.title, quantity=1,
                                           unit="компл.", unit_price=item.hryvnias * 100,
                                           total=item.hryvnias * 100))
        projects.append(project)
    session.add_all(projects)
    cycle.last_project_number = len(projects)
    session.flush()
    _school_history(session, cycle, projects, commission, spec.admission)
    local = next((pot.district for pot in spec.pots if pot.district), None)
    _school_ballots(session, cycle, projects, spec.voters,
                    districts[local].id if local else None, verifier=verifier, secret=secret,
                    registered=registered, now=now)
    return cycle


def _school_history(session: Session, cycle: Cycle, projects: list[Project],
                    commission: User, admission: str) -> None:
    """Each school project's page shows when it was submitted and admitted to the vote."""
    for project in projects:
        code = cycle.registration_code(project.number)
        session.add_all([
            ProjectEvent(project_id=project.id, at=project.submitted_at, kind="submit",
                         actor_id=project.author_id, from_status=ProjectStatus.DRAFT,
                         to_status=ProjectStatus.SUBMITTED, details=json.dumps(
                             {"number": code}, ensure_ascii=False)),
            ProjectEvent(project_id=project.id, at=project.status_changed_at, kind="admit",
                         actor_id=commission.id, from_status=ProjectStatus.SUBMITTED,
                         to_status=ProjectStatus.ADMITTED, text=admission),
        ])
    session.flush()


def _school_ballots(session: Session, cycle: Cycle, projects: list[Project], voters: Voters,
                    district: int | None, *, verifier: User, secret: str,
                    registered: datetime, now: datetime) -> None:
    """The online voters' accounts (that cannot log in), everyone's verification by the
    register of residents, and the ballots: online, and on paper entered by ``verifier``."""
    keys = [person_key(PersonNumber(NumberKind.RNOKPP,
                                    make_rnokpp(f"{voters.number_base + n:09d}")), secret)
            for n in range(voters.count)]
    elsewhere = [d for d in session.execute(select(District).order_by(District.position))
                 .scalars() if d.id != district and d.name in voters.shares]
    spread = random.Random(voters.homes_seed)  # noqa: S311 - demo data, reproducible on purpose
    homes = [district if district is not None and n % voters.local_every == 0
             else spread.choices(elsewhere, [voters.shares[d.name] for d in elsewhere])[0].id
             for n in range(voters.count)]
    user_ids = voter_accounts(
        session, [(n, keys[n], voters.born(n), homes[n], registered)
                  for n in range(voters.online)],
        email=voters.email, community=voters.community, method=VerificationMethod.CENSUS)
    online = voters.online
    people = [(keys[n], {
        "channel": Channel.ONLINE.value if n < online else Channel.PAPER.value,
        "user_id": user_ids[n] if n < online else None,
        "entered_by_id": None if n < online else verifier.id,
        "district_id": homes[n],
        "age_band": band_of_age(voters.age(n))}) for n in range(voters.count)]
    draw = random.Random(voters.choices_seed)  # noqa: S311 - demo data, reproducible on purpose
    citywide = [p for p in projects if p.district_id is None]
    local = [p for p in projects if p.district_id is not None]
    choices = [[(p.category_id, p.id)
                for p in voters.choose(draw, citywide, local, extra["district_id"] == district)]
               for _key, extra in people]
    # Cast over the week after the vote opened (never after ``now``).
    span = int(min(600_000, (min(cycle.voting_end, now) - cycle.voting_start).total_seconds()))
    rows = ballot_rows(cycle, people, secret,
                       lambda n: cycle.voting_start + timedelta(seconds=(n * 197) % span))
    store_ballots(session, cycle, rows, choices)
