"""The school budget voting today: eight admitted projects in two pots, each with its own
texts and history, and ballots from 3,000 demo voters (online, plus paper ballots entered
at the ЦНАП). The demo resident has not voted yet, so the ballot can be tried."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select
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
#: The districts' shares of the 2018 vote (bigger and more active districts vote more) and
#: how many of each district's voters voted online, the rest on paper at the ЦНАП.


def load_school_vote(session: Session, *, secret: str, now: datetime) -> Cycle | None:
    """A cycle voting today, with admitted projects and 3,000 demo voters' ballots."""
    if session.execute(select(Cycle).where(Cycle.name == SCHOOL)).scalar_one_or_none():
        return None
    today = now.astimezone(KYIV).date()
    voting_start = kyiv(today - timedelta(days=7), 0)
    voting_end = kyiv(today + timedelta(days=14), 0)
    admin = session.execute(select(User).join(UserRole, UserRole.user_id == User.id)
                            .where(UserRole.role == Role.ADMIN)
                            .order_by(User.id).limit(1)).scalar_one()
    stupky = session.execute(select(District).where(District.name == "Ступки")).scalar_one()
    cycle = Cycle(
        name=SCHOOL, budget_year=2027, total_budget=300_000_00,
        description="Учні шкіл міста пропонують і обирають проєкти для своїх шкіл. Голосують "
                    "мешканці від 14 років.",
        submission_start=voting_start - timedelta(days=90),
        submission_end=voting_start - timedelta(days=60),
        review_start=voting_start - timedelta(days=59), review_end=voting_start,
        voting_start=voting_start, voting_end=voting_end,
        results_date=voting_end + timedelta(days=7), min_age_vote=14, votes_per_voter=2,
        created_at=voting_start - timedelta(days=100), created_by_id=admin.id,
        registration_series=series_for(session, 2027),
    )
    cycle.categories.append(Category(name="Загальноміські", kind=CategoryKind.CITYWIDE,
                                     budget=150_000_00, min_cost=5_000_00,
                                     max_cost=100_000_00, position=1))
    cycle.categories.append(Category(name="Районні", kind=CategoryKind.DISTRICT,
                                     district_id=stupky.id, budget=50_000_00,
                                     min_cost=5_000_00, max_cost=50_000_00, position=2))
    session.add(cycle)
    session.flush()
    pots = {c.name: c for c in cycle.categories}
    authors = list(session.execute(
        select(User).join(Verification, Verification.user_id == User.id)
        .order_by(User.id).limit(8)).scalars())
    projects = []
    submitted = voting_start - timedelta(days=70)
    for n, (pot, title, hryvnias, summary) in enumerate(SCHOOL_PROJECTS, start=1):
        project = Project(
            cycle_id=cycle.id, category_id=pots[pot].id, author_id=authors[n % len(authors)].id,
            number=n, status=ProjectStatus.ADMITTED, title=title,
            summary=summary, total_cost=hryvnias * 100,
            **dict(zip(("problem", "solution", "beneficiaries", "address"),
                       SCHOOL_TEXTS[title], strict=True)),
            district_id=stupky.id if pot == "Районні" else None,
            created_at=submitted + timedelta(days=n, hours=10),
            updated_at=submitted + timedelta(days=n, hours=10),
            submitted_at=submitted + timedelta(days=n, hours=10, minutes=7 * n),
            status_changed_at=voting_start - timedelta(days=2) + timedelta(hours=15))
        project.cost_items.append(CostItem(position=1, name=title, quantity=1, unit="компл.",
                                           unit_price=hryvnias * 100, total=hryvnias * 100))
        projects.append(project)
    session.add_all(projects)
    cycle.last_project_number = len(projects)
    session.flush()
    _school_history(session, cycle, projects, session.execute(
        select(User).where(User.email == COMMISSION_EMAIL)).scalar_one())
    _school_ballots(session, cycle, projects, stupky.id, secret=secret, now=now)
    return cycle


def _school_history(session: Session, cycle: Cycle, projects: list[Project],
                    commission: User) -> None:
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
                         to_status=ProjectStatus.ADMITTED,
                         text="Проєкт відповідає умовам шкільного бюджету участі."),
        ])
    session.flush()


def _school_ballots(session: Session, cycle: Cycle, projects: list[Project], district: int,
                    *, secret: str, now: datetime) -> None:
    """2,500 online voters (accounts that cannot log in) and 500 paper ballots."""
    online = SCHOOL_VOTERS * 5 // 6
    stamp = "0" * 32
    user_ids = session.execute(insert(User).returning(User.id, sort_by_parameter_order=True), [
        {"email": f"voter{n:04d}@demo-voters.bakhmut.ua", "display_name": f"Виборець {n}",
         "password_hash": "!", "created_at": now, "email_confirmed_at": now, "active": True,
         "locale": "uk", "security_stamp": stamp}
        for n in range(online)]).scalars().all()
    session.execute(insert(UserRole), [
        {"user_id": uid, "role": Role.RESIDENT.value, "granted_at": now} for uid in user_ids])
    keys = [person_key(PersonNumber(NumberKind.RNOKPP, make_rnokpp(f"{800000000 + n:09d}")),
                       secret) for n in range(SCHOOL_VOTERS)]
    # A third of the voters live in Ступки (whose pot this vote has), the others elsewhere,
    # by the districts' shares.
    elsewhere = [d for d in session.execute(select(District).order_by(District.position))
                 .scalars() if d.id != district and d.name in DISTRICT_SHARES]
    spread = random.Random(VOTERS_SEED + 9)  # noqa: S311 - demo data, reproducible on purpose
    homes = [district if n % 3 == 0 else spread.choices(
        elsewhere, [DISTRICT_SHARES[d.name][0] for d in elsewhere])[0].id
        for n in range(SCHOOL_VOTERS)]
    session.execute(insert(Verification), [
        {"user_id": uid, "person_key": keys[n], "method": VerificationMethod.CENSUS.value,
         "birth_date": date(1950 + n % 60, 1 + n % 12, 1 + n % 28),
         "community": "Бахмутська міська територіальна громада", "resident": True,
         "district_id": homes[n], "verified_at": now}
        for n, uid in enumerate(user_ids)])
    verifier = session.execute(select(User).where(User.email == VERIFIER_EMAIL)).scalar_one()
    people = [(keys[n], {
        "channel": Channel.ONLINE.value if n < online else Channel.PAPER.value,
        "user_id": user_ids[n] if n < online else None,
        "entered_by_id": None if n < online else verifier.id,
        "district_id": homes[n],
        "age_band": band_of_age(14 + (n * 11) % 70)}) for n in range(SCHOOL_VOTERS)]
    draw = random.Random(2027)  # noqa: S311 - demo data, reproducible on purpose
    citywide = [p for p in projects if p.district_id is None]
    local = [p for p in projects if p.district_id is not None]
    choices = []
    for _key, extra in people:
        chosen = draw.sample(citywide, draw.randint(1, 2))
        if extra["district_id"] == district:
            chosen += draw.sample(local, draw.randint(1, 2))
        choices.append([(p.category_id, p.id) for p in chosen])
    rows = ballot_rows(cycle, people, secret,
                        lambda n: cycle.voting_start + timedelta(seconds=(n * 197) % 600000))
    store_ballots(session, cycle, rows, choices)
