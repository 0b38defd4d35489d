"""Talne's demo: a community whose cycles are school budgets, loaded by the machinery of
Bakhmut's school vote (``portal.demo.school_vote``): pupils propose small projects for
their schools and vote for them from the age of 10, one vote each across the pots (the
town's and the village gymnasium's in Гордашівка, for its residents), and a project wins
only with at least 30 votes (``greedy-threshold``).

* "Шкільний громадський бюджет-2026": voted on in October 2025 by 700 pupils, counted and
  approved by the commission;
* "Шкільний громадський бюджет-2027": voting today, 520 pupils have voted; the demo pupil
  has not yet, so the ballot can be tried.

Running it again changes nothing: a cycle that exists by name is left as it is.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.clock import KYIV
from portal.cycles.rules import VotesScope, WinnerRule
from portal.demo.accounts import (
    Person,
    load_districts,
    load_people,
    near,
    office_guide,
    verified_residents,
)
from portal.demo.ballots import count_and_approve, kyiv
from portal.demo.communities import keep_rules
from portal.demo.cycles import kyiv as midnight
from portal.demo.school_vote import Pot, SchoolBudget, SchoolProject, Voters, load_school_budget
from portal.i18n import _l
from portal.projects.models import Project
from portal.review import services as review
from portal.review.models import SeatRole

COMMUNITY = "Тальнівська міська територіальна громада"
DISTRICTS = ("Тальне", "Гордашівка", "Соколівочка", "Здобуток")
TEXTS = json.loads(Path(__file__).with_name("talne.json").read_text(encoding="utf-8"))
PLACE = "м. Тальне, приміщення міської ради, зала засідань"
FINISHED = "Шкільний громадський бюджет-2026"
#: Roughly the middle of the settlements whose schools have projects: their points lie
#: around it (``portal.demo.accounts.near``).
CENTRES = {"Тальне": (Decimal("48.8831"), Decimal("30.6927")),
           "Гордашівка": (Decimal("48.8457"), Decimal("30.5813"))}

PEOPLE = (
    Person("admin@demo.talne.ua", "Людмила Адміністраторка", (Role.ADMIN,)),
    Person("verifier@demo.talne.ua", "Василь ЦНАП", (Role.VERIFIER,)),
    Person("commission@demo.talne.ua", "Оксана Комісійна", (Role.COMMISSION,), "370000001"),
    Person("staff@demo.talne.ua", "Микола Освітній", (Role.STAFF,)),
    Person("pupil@demo.talne.ua", "Марко Учень", (Role.RESIDENT,), "370000002",
           born=date(2011, 5, 20)),
)
GUIDE = (
    ("pupil@demo.talne.ua", _l("a pupil verified here, 15 years old: can vote in the "
                               "school budget now (one vote)")),
    *office_guide("demo.talne.ua"),
)
#: The pupils who wrote the projects: (name, born, where they live).
AUTHORS = (("Дарина Коваль", date(2010, 3, 2), "Тальне"),
           ("Назар Бондар", date(2009, 8, 19), "Тальне"),
           ("Соломія Руденко", date(2012, 1, 25), "Гордашівка"),
           ("Тимофій Олійник", date(2011, 10, 7), "Тальне"),
           ("Вікторія Павленко", date(2013, 6, 11), "Соколівочка"),
           ("Богдан Кравчук", date(2010, 12, 30), "Гордашівка"))
COMMISSION = (("Галина Петрук", "начальниця відділу освіти", SeatRole.CHAIR),
              ("Оксана Комісійна", "методистка відділу освіти", SeatRole.SECRETARY),
              ("Іван Мазур", "депутат міської ради", SeatRole.MEMBER),
              ("Олена Савчук", "представниця батьківського комітету", SeatRole.MEMBER),
              ("Дарина Коваль", "голова учнівського парламенту", SeatRole.MEMBER))
POTS = (Pot("Загальні проєкти", 60_000, 5_000, 25_000),
        Pot("Гордашівка", 20_000, 3_000, 10_000, district="Гордашівка"))
RULES = {"min_age_submit": 10, "min_age_vote": 10, "projects_per_author": 2,
         "votes_per_voter": 1, "votes_scope": VotesScope.TOTAL,
         "winner_rule": WinnerRule.GREEDY_THRESHOLD, "min_votes": 30, "complaint_days": 3}
DESCRIPTION = ("Учні шкіл громади від 10 років пропонують невеликі проєкти для своїх шкіл і "
               "голосують за них: один голос на учня, за проєкт міста або гімназії в "
               "Гордашівці (її проєкти обирають ті, хто живе в селі). Проєкт перемагає, якщо "
               "набрав щонайменше 30 голосів і вміщується в бюджет.")


def _one_vote(draw: random.Random, town: list[Project], village: list[Project],
              lives_there: bool) -> list[Project]:
    """One project: most of the village's pupils choose one of its gymnasium's."""
    if lives_there and draw.random() < 0.7:
        return [draw.choice(village)]
    return draw.choices(town, [3 + (7 * n) % 5 for n in range(len(town))])


def school_budget(name: str, year: int, projects: list[dict], *, voters: int, online: int,
                  last_day: date, number_base: int, seed: int) -> SchoolBudget:
    """A Talne school budget whose last day of voting is ``last_day``: pupils of 11 to 17
    (each exactly that age on the last day), a fifth of them from Гордашівка."""

    def age(n: int) -> int:
        return 11 + n % 7

    def born(n: int) -> date:
        return date(last_day.year - age(n), last_day.month, 1) - timedelta(days=n % 300)

    return SchoolBudget(
        name=name, budget_year=year, total_budget=80_000, description=DESCRIPTION, pots=POTS,
        projects=tuple(_placed(item, (seed - 2000) * 20 + n) for n, item in enumerate(projects)),
        voters=Voters(count=voters, online=online,
                      email=f"voter{year}-{{n:04d}}@demo-voters.talne.ua",
                      number_base=number_base, community=COMMUNITY,
                      shares={"Тальне": 85, "Соколівочка": 9, "Здобуток": 6}, local_every=5,
                      homes_seed=seed, choices_seed=seed + 1, born=born, age=age,
                      choose=_one_vote),
        admission="Проєкт відповідає умовам шкільного громадського бюджету.", rules=RULES)


def _placed(item: dict, n: int) -> SchoolProject:
    """The project at a point near the middle of its school's settlement: the village's
    pot is Гордашівка's gymnasium, the others are the town's schools."""
    settlement = next((pot.district for pot in POTS if pot.name == item["pot"]), None)
    latitude, longitude = near(CENTRES[settlement or "Тальне"], n)
    return SchoolProject(**item, latitude=latitude, longitude=longitude)


def _by_email(session: Session, email: str) -> User:
    return session.execute(select(User).where(User.email == email)).scalar_one()


def open_cycle_name(now: datetime) -> str:
    return f"Шкільний громадський бюджет-{now.astimezone(KYIV).year + 1}"


def load_talne(session: Session, *, secret: str, audit_key: Ed25519PrivateKey,
               now: datetime) -> list[tuple[User, tuple[Role, ...]]]:
    """Talne's districts (its settlements), accounts and both school budgets (in its
    scope)."""
    districts = load_districts(session, DISTRICTS, boundaries_file=None)
    accounts = load_people(session, PEOPLE, districts=districts, community=COMMUNITY,
                           secret=secret, now=now)
    admin = _by_email(session, "admin@demo.talne.ua")
    commission = _by_email(session, "commission@demo.talne.ua")
    verifier = _by_email(session, "verifier@demo.talne.ua")
    authors = verified_residents(
        session, [Person(f"author{n:02d}@demo.talne.ua", name, (Role.RESIDENT,),
                         f"3710000{n:02d}", born=born, district=district)
                  for n, (name, born, district) in enumerate(AUTHORS, start=1)],
        community=COMMUNITY, districts=districts, verifier=verifier,
        verified_on=kyiv(date(2025, 9, 8), 11), secret=secret)
    voting_start, voting_end = midnight("2025-10-13"), midnight("2025-10-25")
    finished = load_school_budget(
        session, school_budget(FINISHED, 2026, TEXTS["finished"], voters=700, online=560,
                               last_day=date(2025, 10, 24), number_base=380_000_000,
                               seed=2025),
        voting_start=voting_start, voting_end=voting_end, admin=admin, commission=commission,
        verifier=verifier, authors=authors, secret=secret,
        registered=voting_start - timedelta(days=20), now=now)
    if finished is not None:
        for name, post, role in COMMISSION:
            review.add_seat(session, actor=admin, cycle=finished, name=name, position=post,
                            role=role, user=commission if role is SeatRole.SECRETARY else None,
                            now=finished.created_at)
        count_and_approve(session, finished, secretary=commission,
                          counted_at=kyiv(date(2025, 10, 25), 10), held_on=date(2025, 10, 28),
                          place=PLACE, audit_key=audit_key)
    today = now.astimezone(KYIV).date()
    opens, closes = midnight(today - timedelta(days=6)), midnight(today + timedelta(days=10))
    voting = load_school_budget(
        session, school_budget(open_cycle_name(now), today.year + 1, TEXTS["open"],
                               voters=520, online=440, last_day=today + timedelta(days=9),
                               number_base=381_000_000, seed=2026),
        voting_start=opens, voting_end=closes, admin=admin, commission=commission,
        verifier=verifier, authors=authors, secret=secret,
        registered=opens - timedelta(days=10), now=now)
    if voting is not None:
        keep_rules(session, voting, actor=admin, now=voting.created_at)
    session.flush()
    return accounts
