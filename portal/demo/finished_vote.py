"""The 2019 cycle's vote: 16,500 ballots of September 2018, drawn with a fixed seed chosen
so that the published rule gives 14 winners; the count stored and approved by the
commission at its seventh meeting. The voters come from five districts of different sizes
and turnout, more of them from a chosen project's district, and vote online (younger, e-ID
accounts) or on paper at the ЦНАП (older, working days) in shares that differ by district."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.clock import KYIV
from portal.community.models import District
from portal.cycles.models import Cycle
from portal.demo.ballots import (
    COMMISSION_EMAIL,
    DISTRICT_SHARES,
    VERIFIER_EMAIL,
    VOTERS_SEED,
    ballot_rows,
    count_and_approve,
    kyiv,
    store_ballots,
    voter_accounts,
)
from portal.identity.rules import NumberKind, PersonNumber, make_rnokpp, person_key
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus
from portal.results import rules
from portal.voting.models import Ballot, Channel
from portal.voting.rules import band_of_age

FINISHED = "Бюджет участі-2019"
FINISHED_VOTERS = 16_500
WINNERS_WANTED = 14
FINISHED_SEED = 5


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
    rows = ballot_rows(cycle, people, secret, times.__getitem__)
    store_ballots(session, cycle, rows, ballots)
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
    user_ids = voter_accounts(session, accounts, email="voter2018-{n:05d}@demo-voters.bakhmut.ua",
                              community="Бахмутська міська територіальна громада")
    for (n, *_rest), user_id in zip(accounts, user_ids, strict=True):
        people[n][1]["user_id"] = user_id
    return people, times


def _approve(session: Session, cycle: Cycle, audit_key: Ed25519PrivateKey) -> int:
    """Count at once, then approve at the commission's seventh meeting (25 September 2018);
    the approval signs a checkpoint of the audit log."""
    secretary = session.execute(select(User).where(User.email == COMMISSION_EMAIL)).scalar_one()
    tally = count_and_approve(
        session, cycle, secretary=secretary, counted_at=kyiv(date(2018, 9, 24), 10),
        held_on=date(2018, 9, 25),
        place="м. Бахмут, вул. Миру, 44, приміщення міської ради, мала зала",
        audit_key=audit_key)
    return len(tally.data["winners"])
