"""Zvenyhorodka's demo: a youth budget whose ballots are knapsacks, counted by Equal Shares.

* "Молодіжний громадський бюджет-2024" is the projects, costs and ballots of a real vote,
  Assen's "Top Idee" of 2024 (pabulib's ``Netherlands_Assen_2024.pb``, kept beside this
  module; https://pabulib.org, Stolicki, Szufa and Talmon, "Pabulib: A Participatory
  Budgeting Library", arXiv:2012.06539), its projects translated and set in the community
  (``zvenyhorodka.json``), the amounts taken as hryvnias and each project numbered by its
  ``project_id``. A knapsack ballot holds projects whose costs fit the budget, so the 72 of
  the file's 84 ballots that do are cast here (the other 12 chose more than its 100 000).
  Counted by Equal Shares (``equalshares/add1``) they give the nine projects the file
  marks selected. Played through the services with the dates of 2024: the authors submit
  in January, the commission admits the projects in March, voting from 31 March to
  15 April, the count approved on 18 April.
* "Молодіжний громадський бюджет-2027" accepts projects today, under the same rules.

Running it again changes nothing: a cycle that exists by name is left as it is.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.clock import KYIV
from portal.community.models import District
from portal.cycles import services as cycles
from portal.cycles.models import Cycle
from portal.cycles.rules import BallotType, CategoryKind, WinnerRule
from portal.demo.accounts import (
    Person,
    load_districts,
    load_people,
    near,
    office_guide,
    verified_residents,
)
from portal.demo.ballots import (
    ballot_rows,
    count_and_approve,
    kyiv,
    store_ballots,
    voter_accounts,
)
from portal.demo.communities import keep_rules
from portal.demo.cycles import kyiv as midnight
from portal.demo.implementation import load_winners_history
from portal.i18n import _l
from portal.identity.rules import NumberKind, PersonNumber, make_rnokpp, person_key
from portal.pabulib import format as pabulib
from portal.programs import services as programs
from portal.programs.models import Program
from portal.programs.winners import link_cycle
from portal.projects import services as projects
from portal.projects.rules import Event
from portal.review import services as review
from portal.review.models import SeatRole
from portal.voting.models import Channel
from portal.voting.rules import band_of_age

FINISHED = "Молодіжний громадський бюджет-2024"
SOURCE = Path(__file__).with_name("Netherlands_Assen_2024.pb")
TEXTS = json.loads(Path(__file__).with_name("zvenyhorodka.json").read_text(encoding="utf-8"))
COMMUNITY = "Звенигородська міська територіальна громада"
DISTRICTS = ("Звенигородка", "Моринці")
PLACE = "м. Звенигородка, приміщення міської ради, мала зала"
POT = "Молодіжні ініціативи"
#: Roughly the middle of each settlement: the projects' points lie around it (the Assen
#: file has no places; ``portal.demo.accounts.near`` spreads them the same way every load).
CENTRES = {"Звенигородка": (Decimal("49.0788"), Decimal("30.9686")),
           "Моринці": (Decimal("49.1233"), Decimal("31.0962"))}
#: The youth program whose measure 1.1 funds the 2024 winners.
PROGRAM_CODE = "zvenyhorodka-youth"
PROGRAM = ("Програма підтримки молодіжних ініціатив Звенигородської міської територіальної "
           "громади на 2024–2026 роки")
DEPARTMENT = "Відділ молоді та спорту Звенигородської міської ради"
STAFF = "staff@demo.zvenyhorodka.ua"

PEOPLE = (
    Person("admin@demo.zvenyhorodka.ua", "Тетяна Адміністраторка", (Role.ADMIN,)),
    Person("verifier@demo.zvenyhorodka.ua", "Богдан ЦНАП", (Role.VERIFIER,)),
    Person("commission@demo.zvenyhorodka.ua", "Олег Комісійний", (Role.COMMISSION,),
           "340000001"),
    Person("staff@demo.zvenyhorodka.ua", "Ірина Програмна", (Role.STAFF,)),
    Person("resident@demo.zvenyhorodka.ua", "Софія Молода", (Role.RESIDENT,), "340000002",
           born=date(2007, 3, 12)),
)
#: What the guide says of each account.
GUIDE = (
    ("resident@demo.zvenyhorodka.ua", _l("a verified resident, 19 years old: can submit a "
                                         "project to the youth budget")),
    *office_guide("demo.zvenyhorodka.ua"),
)
#: The youth who wrote the 2024 projects: (name, born).
AUTHORS = (("Максим Кравець", date(2005, 2, 14)), ("Анна Шевчук", date(2007, 9, 3)),
           ("Дмитро Ткач", date(2003, 11, 21)), ("Юлія Мельник", date(2008, 1, 30)),
           ("Артем Гончар", date(1999, 6, 8)), ("Вероніка Лисенко", date(2006, 4, 17)))
COMMISSION = (("Наталія Гончаренко", "заступниця міського голови", SeatRole.CHAIR),
              ("Олег Комісійний", "начальник відділу молоді та спорту", SeatRole.SECRETARY),
              ("Ярослав Бойко", "голова молодіжної ради", SeatRole.MEMBER),
              ("Вікторія Лисенко", "депутатка міської ради", SeatRole.MEMBER),
              ("Дмитро Савчук", "представник молодіжної громадської організації",
               SeatRole.MEMBER))
RULES = {"min_age_submit": 14, "min_age_vote": 14, "projects_per_author": 3,
         "votes_per_voter": 0, "ballot_type": BallotType.KNAPSACK,
         "winner_rule": WinnerRule.EQUAL_SHARES, "complaint_days": 3}


@cache
def assen() -> pabulib.PbFile:
    return pabulib.parse(SOURCE.read_text(encoding="utf-8-sig"))


def knapsack_ballots(data: pabulib.PbFile) -> list[tuple[str, ...]]:
    """The file's ballots that fit its budget, as its project ids: the knapsacks."""
    costs = {row["project_id"]: Decimal(row["cost"]) for row in data.projects}
    budget = Decimal(data.meta["budget"])
    chosen = [tuple(c.strip() for c in row["vote"].split(",") if c.strip()) for row in data.votes]
    return [ballot for ballot in chosen if sum(costs[c] for c in ballot) <= budget]


def _by_email(session: Session, email: str) -> User:
    return session.execute(select(User).where(User.email == email)).scalar_one()


def load_zvenyhorodka(session: Session, *, secret: str, audit_key: Ed25519PrivateKey,
                      now: datetime) -> list[tuple[User, tuple[Role, ...]]]:
    """Zvenyhorodka's districts, accounts and both youth budgets (in its scope)."""
    districts = load_districts(session, DISTRICTS, boundaries_file=None)
    accounts = load_people(session, PEOPLE, districts=districts, community=COMMUNITY,
                           secret=secret, now=now)
    authors = _authors(session, districts, secret=secret)
    _load_finished(session, districts, authors, secret=secret, audit_key=audit_key)
    _fund_and_follow(session, now=now)
    upcoming = _load_open(session, districts, authors, now=now)
    if upcoming is not None:
        keep_rules(session, upcoming, actor=_by_email(session, "admin@demo.zvenyhorodka.ua"),
                   now=upcoming.created_at)
    session.flush()
    return accounts


def _authors(session: Session, districts: dict[str, District], *, secret: str) -> list[User]:
    """The youth who wrote the 2024 projects, verified at the desk before they did."""
    people = [Person(f"author{n:02d}@demo.zvenyhorodka.ua", name, (Role.RESIDENT,),
                     f"3410000{n:02d}", born=born,
                     district="Моринці" if n % 3 == 0 else "Звенигородка")
              for n, (name, born) in enumerate(AUTHORS, start=1)]
    return verified_residents(session, people, community=COMMUNITY, districts=districts,
                              verifier=_by_email(session, "verifier@demo.zvenyhorodka.ua"),
                              verified_on=kyiv(date(2024, 1, 10), 11), secret=secret)


def _text(item: dict, districts: dict[str, District], number: int) -> projects.ProjectText:
    latitude, longitude = near(CENTRES[item["district"]], number)
    return projects.ProjectText(
        title=item["title"], summary=item["summary"], problem=item["problem"],
        solution=item["solution"], beneficiaries=item["beneficiaries"],
        address=item["address"], latitude=latitude, longitude=longitude,
        district_id=districts[item["district"]].id)


def _fund_and_follow(session: Session, *, now: datetime) -> None:
    """The 2024 winners funded under the youth program's measure 1.1 and followed through
    2024 by the community's program staff, as Bakhmut's 2019 winners are
    (``portal.demo.implementation``): the program approved in December 2023, published."""
    cycle = session.scalar(select(Cycle).where(Cycle.name == FINISHED))
    if cycle is None:
        return
    program = session.scalar(select(Program).where(Program.code == PROGRAM_CODE))
    if program is None:
        staff = _by_email(session, STAFF)
        at = kyiv(date(2023, 12, 22), 10)
        program = programs.create_program(session, actor=staff, now=at, data=programs.ProgramData(
            code=PROGRAM_CODE, title=PROGRAM, start_year=2024, end_year=2026,
            approved_by="Звенигородської міської ради", approved_on=date(2023, 12, 21),
            approval_number="43/12", responsible_executor=DEPARTMENT,
            budgets="бюджет Звенигородської міської територіальної громади"))
        department = (programs.department_by_name(session, DEPARTMENT)
                      or programs.save_department(session, actor=staff, name=DEPARTMENT, now=at))
        task = programs.save_task(session, actor=staff, program=program, number=1,
                                  title="Залучення молоді до ухвалення рішень громади", now=at)
        programs.save_measure(session, actor=staff, task=task, now=at, data=programs.MeasureData(
            seq=1, content="Молодіжний громадський бюджет: реалізація проєктів-переможців",
            term="2024–2026 роки", department_ids=[department.id]))
        programs.set_published(session, actor=staff, program=program, published=True, now=at)
    if cycle.measure_id is None:
        link_cycle(session, actor=None, cycle=cycle,
                   measure=programs.find_measure(session, program, "1.1"),
                   now=kyiv(date(2024, 4, 19), 10))
    load_winners_history(session, cycle_name=FINISHED, now=now, staff_email=STAFF)


def _line(hryvnias: int) -> list[projects.CostLine]:
    return [projects.CostLine(name="Реалізація проєкту згідно з кошторисом", quantity=Decimal(1),
                              unit="компл.", unit_price=hryvnias * 100)]


def _pot(session: Session, cycle: Cycle, admin: User, budget: int, now: datetime) -> int:
    category = cycles.add_category(session, cycle=cycle, actor=admin, now=now,
                                   data=cycles.CategoryData(
        name=POT, description="Проєкти молоді громади вартістю від 1 до 50 тисяч гривень.",
        kind=CategoryKind.CITYWIDE, district_id=None, budget=budget * 100,
        min_cost=1_000_00, max_cost=50_000_00, position=1))
    return category.id


def _load_finished(session: Session, districts: dict[str, District], authors: list[User], *,
                   secret: str, audit_key: Ed25519PrivateKey) -> Cycle | None:
    if session.execute(select(Cycle).where(Cycle.name == FINISHED)).scalar_one_or_none():
        return None
    data = assen()
    admin = _by_email(session, "admin@demo.zvenyhorodka.ua")
    secretary = _by_email(session, "commission@demo.zvenyhorodka.ua")
    created = kyiv(date(2024, 1, 5), 10)
    budget = int(data.meta["budget"])
    ballots = knapsack_ballots(data)
    cycle = cycles.create_cycle(session, actor=admin, now=created, data=cycles.CycleData(
        name=FINISHED, budget_year=2024, total_budget=budget * 100,
        description="Молодь від 14 років пропонує проєкти для громади й обирає їх у межах "
                    "бюджету: у бюлетені можна відзначити будь-які проєкти, якщо їхня "
                    "сукупна вартість не перевищує 100 000 грн. Переможців визначає метод "
                    "рівних часток (Equal Shares): кожен виборець отримує рівну частку "
                    "бюджету, і проєкт перемагає, коли його прихильники можуть разом його "
                    "оплатити. У демо проєкти, кошториси й бюлетені взято з реального "
                    "голосування «Top Idee» в Ассені (Нідерланди, 2024; відкритий набір "
                    f"даних pabulib), проєкти перекладено; враховано {len(ballots)} з "
                    f"{len(data.votes)} бюлетенів — ті, що вміщуються в бюджет.",
        submission_start=midnight("2024-01-15"), submission_end=midnight("2024-02-16"),
        support_start=None, support_end=None,
        review_start=midnight("2024-02-16"), review_end=midnight("2024-03-31"),
        voting_start=midnight("2024-03-31"), voting_end=midnight("2024-04-16"),
        results_date=midnight("2024-04-25"), **RULES))
    category_id = _pot(session, cycle, admin, budget, created)
    for name, post, role in COMMISSION:
        review.add_seat(session, actor=admin, cycle=cycle, name=name, position=post, role=role,
                        user=secretary if role is SeatRole.SECRETARY else None, now=created)
    played = {}
    for row in sorted(data.projects, key=lambda row: int(row["project_id"])):
        number = int(row["project_id"])
        author = authors[(number - 1) % len(authors)]
        moment = kyiv(date(2024, 1, 20), 9) + timedelta(hours=20 * number)
        project = projects.create_draft(
            session, cycle=cycle, category_id=category_id,
            text=_text(TEXTS["projects"][row["project_id"]], districts, number),
            lines=_line(int(row["cost"])), actor=author, now=moment - timedelta(days=3))
        projects.submit_project(session, project=project, actor=author, now=moment)
        played[row["project_id"]] = project
    projects.begin_review(session, cycle=cycle, actor=admin, now=kyiv(date(2024, 2, 19), 9))
    for project in played.values():
        projects.change_status(session, project=project, event=Event.ADMIT, actor=secretary,
                               now=kyiv(date(2024, 3, 12), 15),
                               text="Проєкт відповідає умовам молодіжного бюджету.")
    _ballots(session, cycle, districts, ballots, played, category_id, secret=secret)
    count_and_approve(session, cycle, secretary=secretary, counted_at=kyiv(date(2024, 4, 16), 10),
                      held_on=date(2024, 4, 18), place=PLACE, audit_key=audit_key)
    return cycle


def _ballots(session: Session, cycle: Cycle, districts: dict[str, District],
             ballots: list[tuple[str, ...]], played: dict, category_id: int, *,
             secret: str) -> None:
    """The knapsacks, cast by young people of 14 to 27: online by accounts verified by e-ID
    (that cannot log in), every ninth on paper at the ЦНАП; those who chose the track in
    Моринці, and every fourth of the others, live there."""
    verifier = _by_email(session, "verifier@demo.zvenyhorodka.ua")
    village = districts["Моринці"].id
    track = next(key for key, item in TEXTS["projects"].items() if item["district"] == "Моринці")
    people, online, times = [], [], []
    for n, ballot in enumerate(ballots):
        age = 14 + (n * 5) % 14
        born = date(2023 - age, 5 + n % 7, 1 + n % 28)  # ``age`` throughout the vote
        home = village if track in ballot or n % 4 == 1 else districts["Звенигородка"].id
        key = person_key(PersonNumber(NumberKind.RNOKPP, make_rnokpp(f"{360000000 + n:09d}")),
                         secret)
        paper = n % 9 == 8
        cast = cycle.voting_start + timedelta(hours=9 + 5 * n)
        people.append((key, {"channel": (Channel.PAPER if paper else Channel.ONLINE).value,
                             "entered_by_id": verifier.id if paper else None,
                             "district_id": home, "age_band": band_of_age(age)}))
        if not paper:
            online.append((n, key, born, home, cast - timedelta(days=1 + n % 20)))
        times.append(cast)
    user_ids = voter_accounts(session, online, community=COMMUNITY,
                              email="voter2024-{n:02d}@demo-voters.zvenyhorodka.ua")
    for (n, *_rest), user_id in zip(online, user_ids, strict=True):
        people[n][1]["user_id"] = user_id
    rows = ballot_rows(cycle, people, secret, times.__getitem__)
    store_ballots(session, cycle, rows,
                  [[(category_id, played[c].id) for c in ballot] for ballot in ballots])


def open_cycle_name(now: datetime) -> str:
    return f"Молодіжний громадський бюджет-{now.astimezone(KYIV).year + 1}"


def _load_open(session: Session, districts: dict[str, District], authors: list[User], *,
               now: datetime) -> Cycle | None:
    """Next year's youth budget, accepting projects today: two submitted, one a draft."""
    name = open_cycle_name(now)
    if session.execute(select(Cycle).where(Cycle.name == name)).scalar_one_or_none():
        return None
    today = now.astimezone(KYIV).date()
    admin = _by_email(session, "admin@demo.zvenyhorodka.ua")
    start = midnight(today - timedelta(days=10))
    submission_end = midnight(today + timedelta(days=40))
    voting_start = submission_end + timedelta(days=45)
    cycle = cycles.create_cycle(session, actor=admin, now=start, data=cycles.CycleData(
        name=name, budget_year=today.year + 1, total_budget=150_000_00,
        description="Прийом проєктів відкрито. Молодь від 14 років подає проєкти до 50 тисяч "
                    "гривень; голосування кошиком у межах бюджету, переможців визначає "
                    "метод рівних часток.",
        submission_start=start, submission_end=submission_end, support_start=None,
        support_end=None, review_start=submission_end,
        review_end=voting_start - timedelta(days=5), voting_start=voting_start,
        voting_end=voting_start + timedelta(days=16),
        results_date=voting_start + timedelta(days=25), **RULES))
    category_id = _pot(session, cycle, admin, 150_000, start)
    resident = _by_email(session, "resident@demo.zvenyhorodka.ua")
    for n, item in enumerate(TEXTS["open"]):
        author = resident if item["author"] == "resident" else authors[1]
        drafted = now - timedelta(days=8 - 2 * n, hours=3)
        project = projects.create_draft(
            session, cycle=cycle, category_id=category_id, text=_text(item, districts, 40 + n),
            lines=_line(item["hryvnias"]), actor=author, now=drafted)
        if item["submit"]:
            projects.submit_project(session, project=project, actor=author,
                                    now=drafted + timedelta(hours=20))
    return cycle
