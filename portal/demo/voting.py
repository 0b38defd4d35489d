"""Demo voting: the 2019 cycle's vote counted and approved, and a school budget voting now.

* "Бюджет участі-2019" (the cycles part's finished cycle, reviewed by the review part's
  demo) gets 16,500 ballots of September 2018, drawn with a fixed seed chosen so that the
  published rule gives 14 winners; the count is stored, approved by the commission at its
  seventh meeting, and the projects become winners or not selected. The record fixes the
  16,5 thousand voters and the 14 winners, not who they were: the voters come from five
  districts of different sizes and turnout, more of them from a chosen project's district,
  and vote online (younger, e-ID accounts) or on paper at the ЦНАП (older, working days) in
  shares that differ by district.
* "Шкільний бюджет участі-2027" is in its voting phase today: eight admitted projects in
  two pots, each with its own texts and history, and ballots from 3,000 demo voters
  (online, plus paper ballots entered at the ЦНАП). The demo resident has not voted yet, so
  the ballot can be tried.

Rows are inserted in bulk; running it again changes nothing.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User, UserRole
from portal.clock import KYIV
from portal.community.models import District
from portal.cycles.models import Category, Cycle
from portal.cycles.rules import CategoryKind
from portal.cycles.services import series_for
from portal.identity.models import Verification, VerificationMethod
from portal.identity.rules import NumberKind, PersonNumber, make_rnokpp, person_key
from portal.projects.models import CostItem, Project, ProjectEvent
from portal.projects.rules import ProjectStatus
from portal.results import rules, tallies
from portal.review import services as review
from portal.review.models import SeatRole
from portal.voting.models import Ballot, BallotChoice, Channel
from portal.voting.receipts import new_ballot_uuid, receipt_code, receipt_hash
from portal.voting.rules import band_of_age

FINISHED = "Бюджет участі-2019"
SCHOOL = "Шкільний бюджет участі-2027"
FINISHED_VOTERS = 16_500
SCHOOL_VOTERS = 3_000
WINNERS_WANTED = 14
FINISHED_SEED = 5
COMMISSION_EMAIL = "commission@demo.bakhmut.ua"
VERIFIER_EMAIL = "verifier@demo.bakhmut.ua"

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
DISTRICT_SHARES = {"Центральний": (34, 0.62), "Забахмутка": (19, 0.55),
                   "Ступки": (14, 0.41), "Молодіжний": (23, 0.71), "Хромове": (10, 0.38)}
VOTERS_SEED = 2018


def kyiv(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=KYIV)


def _ballot_rows(cycle: Cycle, people: list[tuple[str, dict]], secret: str,
                 cast_at) -> list[dict]:
    rows = []
    for n, (key, extra) in enumerate(people):
        uuid = new_ballot_uuid()
        rows.append({"uuid": uuid, "cycle_id": cycle.id, "person_key": key,
                     "receipt_hash": receipt_hash(receipt_code(secret, uuid)),
                     "cast_at": cast_at(n), "user_id": None, "entered_by_id": None,
                     "district_id": None, "age_band": None, **extra})
    return rows


def _store(session: Session, cycle: Cycle, rows: list[dict], choices: list[list[tuple]]):
    """Ballots and their choices ((category id, project id) per ballot), in bulk."""
    for start in range(0, len(rows), 5000):
        session.execute(Ballot.__table__.insert(), rows[start:start + 5000])
    ids = dict(session.execute(
        select(Ballot.uuid, Ballot.id).where(Ballot.cycle_id == cycle.id)).all())
    choice_rows = [
        {"ballot_id": ids[row["uuid"]], "cycle_id": cycle.id, "category_id": category,
         "project_id": project}
        for row, chosen in zip(rows, choices, strict=True) for category, project in chosen
    ]
    for start in range(0, len(choice_rows), 10000):
        session.execute(BallotChoice.__table__.insert(), choice_rows[start:start + 10000])


def _draw(projects: list[Project], voters: int, seed: int, per_category: int) -> list[list]:
    """Each voter picks up to ``per_category`` projects per pot, by fixed popularity."""
    draw = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    pots: dict[int, list[Project]] = {}
    for project in projects:
        pots.setdefault(project.category_id, []).append(project)
    weights = {p.id: draw.uniform(0.2, 3.0) for p in projects}
    ballots = []
    for _n in range(voters):
        chosen = []
        for category_id, members in pots.items():
            if draw.random() < 0.15:
                continue
            picks = {draw.choices(members, [weights[p.id] for p in members])[0].id
                     for _ in range(draw.randint(1, per_category))}
            chosen += [(category_id, project_id) for project_id in sorted(picks)]
        ballots.append(chosen or [(projects[0].category_id, projects[0].id)])
    return ballots


def _winners(cycle: Cycle, projects: list[Project], ballots: list[list]) -> int:
    categories = [rules.Category(str(c.id), c.name, c.budget) for c in cycle.categories]
    items = [rules.Project(str(p.id), str(p.category_id), p.total_cost, p.number or 0)
             for p in projects]
    counted = rules.count(categories, items,
                          [rules.Ballot(tuple(str(p) for _c, p in b)) for b in ballots],
                          rules.RuleConfig(cycle.winner_rule))
    return len(counted.winners)


def load_finished_vote(session: Session, *, secret: str, audit_key: Ed25519PrivateKey) -> int:
    """Ballots, count and approval of the 2019 cycle; returns the number of winners."""
    cycle = session.execute(select(Cycle).where(Cycle.name == FINISHED)).scalar_one_or_none()
    if cycle is None or session.scalar(
            select(func.count()).select_from(Ballot).where(Ballot.cycle_id == cycle.id)):
        return 0
    projects = list(session.execute(
        select(Project).where(Project.cycle_id == cycle.id,
                              Project.status == ProjectStatus.ADMITTED)
        .order_by(Project.number)).scalars())
    if not projects:
        return 0
    seed, ballots = 0, []
    # The seed the search below found for the demo as shipped, tried first; the search
    # stays for a demo whose projects or rule were changed.
    for seed in (FINISHED_SEED, *range(60)):
        ballots = _draw(projects, FINISHED_VOTERS, seed, cycle.votes_per_voter or 3)
        if _winners(cycle, projects, ballots) == WINNERS_WANTED:
            break
    people, times = _voters_2018(session, cycle, projects, ballots, secret)
    rows = _ballot_rows(cycle, people, secret, times.__getitem__)
    _store(session, cycle, rows, ballots)
    return _approve(session, cycle, audit_key)


def _districts_of_voters(session: Session, projects: list[Project], ballots: list[list],
                         draw: random.Random) -> list[District]:
    """Each ballot's district: by the districts' shares, and more likely the district of a
    project it chose (people vote for what is near them). Only who voted where is drawn
    here: the choices, and so the count, stay as drawn."""
    districts = {d.name: d for d in session.execute(select(District)).scalars()}
    named = [districts[name] for name in DISTRICT_SHARES]
    located = {p.id: p.district_id for p in projects}
    voters = []
    for chosen in ballots:
        near = [located[project] for _c, project in chosen]
        weights = [DISTRICT_SHARES[d.name][0] * (1 + near.count(d.id)) for d in named]
        voters.append(draw.choices(named, weights)[0])
    return voters


def _birth_date(age: int, draw: random.Random) -> date:
    """Born in the last quarter of a year, so exactly ``age`` during the September vote."""
    return date(2018 - age - 1, draw.randint(10, 12), draw.randint(1, 28))


def _voters_2018(session: Session, cycle: Cycle, projects: list[Project], ballots: list[list],
                 secret: str) -> tuple[list[tuple[str, dict]], list[datetime]]:
    """Who cast the 2018 ballots, and when: online (accounts verified by e-ID, younger, at
    any hour) or on paper at the ЦНАП (older, on working days, entered by the verifier);
    districts of different sizes and turnout. The online voters' accounts cannot log in."""
    draw = random.Random(VOTERS_SEED)  # noqa: S311 - demo data, reproducible on purpose
    verifier = session.execute(select(User).where(User.email == VERIFIER_EMAIL)).scalar_one()
    districts = _districts_of_voters(session, projects, ballots, draw)
    first_day = cycle.voting_start.astimezone(KYIV).date()
    days = (cycle.voting_end - cycle.voting_start).days
    working_days = [first_day + timedelta(days=k) for k in range(days)
                    if (first_day + timedelta(days=k)).weekday() < 5]
    people, times, accounts = [], [], []
    for n, district in enumerate(districts):
        key = person_key(PersonNumber(NumberKind.RNOKPP, make_rnokpp(f"{700000000 + n:09d}")),
                         secret)
        online = draw.random() < DISTRICT_SHARES[district.name][1]
        if online:
            age = 16 + int(draw.betavariate(2.2, 3.5) * 64)
            day = first_day + timedelta(days=draw.randrange(days))
            moment = kyiv(day, draw.choice((7, 8, 9, 12, 13, 17, 18, 19, 20, 20, 21, 21, 22)))
        else:
            age = 18 + int(draw.betavariate(3.2, 2.2) * 66)
            moment = kyiv(draw.choice(working_days), draw.randint(8, 16))
        moment += timedelta(minutes=draw.randrange(60), seconds=draw.randrange(60))
        birth = _birth_date(age, draw)
        extra = {"channel": (Channel.ONLINE if online else Channel.PAPER).value,
                 "entered_by_id": None if online else verifier.id,
                 "district_id": district.id, "age_band": band_of_age(age)}
        if online:
            accounts.append((n, key, birth, district.id,
                             moment - timedelta(days=draw.randint(1, 40), hours=2)))
        people.append((key, extra))
        times.append(moment)
    for (n, *_rest), user_id in zip(accounts, _voter_accounts(session, accounts), strict=True):
        people[n][1]["user_id"] = user_id
    return people, times


def _voter_accounts(session: Session, accounts: list[tuple]) -> list[int]:
    """Accounts of the 2018 online voters (no password: nobody logs in with them), verified
    by e-ID when they registered; their ids in the order given."""
    stamp = "0" * 32
    user_ids = session.execute(insert(User).returning(User.id, sort_by_parameter_order=True), [
        {"email": f"voter2018-{n:05d}@demo-voters.bakhmut.ua", "display_name": f"Виборець {n}",
         "password_hash": "!", "created_at": registered, "email_confirmed_at": registered,
         "active": True, "locale": "uk", "security_stamp": stamp}
        for n, _key, _birth, _district, registered in accounts]).scalars().all()
    session.execute(insert(UserRole), [
        {"user_id": uid, "role": Role.RESIDENT.value, "granted_at": registered}
        for uid, (*_rest, registered) in zip(user_ids, accounts, strict=True)])
    session.execute(insert(Verification), [
        {"user_id": uid, "person_key": key, "method": VerificationMethod.EID.value,
         "birth_date": birth, "community": "Бахмутська міська територіальна громада",
         "resident": True, "district_id": district, "verified_at": registered}
        for uid, (_n, key, birth, district, registered) in zip(user_ids, accounts, strict=True)])
    return list(user_ids)


def _approve(session: Session, cycle: Cycle, audit_key: Ed25519PrivateKey) -> int:
    """Count at once, then approve at the commission's seventh meeting (25 September 2018);
    the approval signs a checkpoint of the audit log."""
    secretary = session.execute(select(User).where(User.email == COMMISSION_EMAIL)).scalar_one()
    counted_at = kyiv(date(2018, 9, 24), 10)
    tally = tallies.compute_tally(session, cycle=cycle, actor=secretary, now=counted_at)
    held_on = date(2018, 9, 25)
    meeting = review.create_meeting(
        session, actor=secretary, cycle=cycle, number=review.next_meeting_number(session, cycle),
        held_on=held_on, place="м. Бахмут, вул. Миру, 44, приміщення міської ради, мала зала",
        agenda="Затвердження результатів голосування", now=counted_at)
    seats = review.seats_of(session, cycle)
    present = [s for s in seats if s.role in (SeatRole.CHAIR, SeatRole.SECRETARY)]
    present += [s for s in seats if s not in present][:4]
    review.set_attendance(session, actor=secretary, meeting=meeting,
                          seat_ids={s.id for s in present}, now=counted_at)
    opened = kyiv(held_on, 15)
    review.open_meeting(session, actor=secretary, meeting=meeting, now=opened)
    tallies.approve_tally(session, tally=tally, meeting=meeting, votes=(len(present), 0, 0),
                          actor=secretary, audit_key=audit_key,
                          now=opened + timedelta(minutes=20))
    review.close_meeting(session, actor=secretary, meeting=meeting, now=opened + timedelta(hours=1))
    return len(tally.data["winners"])


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
    rows = _ballot_rows(cycle, people, secret,
                        lambda n: cycle.voting_start + timedelta(seconds=(n * 197) % 600000))
    _store(session, cycle, rows, choices)


def load_voting(session: Session, *, secret: str, audit_key: Ed25519PrivateKey,
                now: datetime) -> None:
    load_finished_vote(session, secret=secret, audit_key=audit_key)
    load_school_vote(session, secret=secret, now=now)
