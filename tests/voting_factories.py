"""Builders of the voting tests' data: a cycle whose voting is open now, admitted projects.

Rows are built directly (the cycles and projects parts test their own services), in the
state the vote starts from.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from portal.clock import utcnow
from portal.cycles.models import Category, Cycle
from portal.cycles.rules import BallotType, CategoryKind, VotesScope
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus

_names = count(1)
SECRET = "testing-person-key-secret-not-for-production"


def make_voting_cycle(db, *, open_now: bool = True, votes_per_voter: int = 2,
                      ballot_type: BallotType = BallotType.APPROVAL,
                      votes_scope: VotesScope = VotesScope.PER_CATEGORY,
                      district_id: int | None = None, min_age: int = 16, **rules) -> Cycle:
    """A cycle with a citywide category (1 000 000 грн) and, given a district, a district one.

    Voting opened a day ago and closes in a week (``open_now``), or closed an hour ago.
    """
    now = utcnow()
    voting_end = now + timedelta(days=7) if open_now else now - timedelta(hours=1)
    voting_start = voting_end - timedelta(days=8)
    cycle = Cycle(
        name=f"Бюджет участі-голосування-{next(_names)}-{now.timestamp()}", budget_year=2027,
        total_budget=150_000_000,
        submission_start=voting_start - timedelta(days=90),
        submission_end=voting_start - timedelta(days=60),
        review_start=voting_start - timedelta(days=59), review_end=voting_start,
        voting_start=voting_start, voting_end=voting_end,
        results_date=voting_end + timedelta(days=10), votes_per_voter=votes_per_voter,
        ballot_type=ballot_type, votes_scope=votes_scope, min_age_vote=min_age,
        created_at=now, **rules,
    )
    cycle.categories.append(Category(name="Загальноміські", kind=CategoryKind.CITYWIDE,
                                     budget=100_000_000, min_cost=0, max_cost=100_000_000,
                                     position=1))
    if district_id is not None:
        cycle.categories.append(Category(name="Районні", kind=CategoryKind.DISTRICT,
                                         district_id=district_id, budget=50_000_000,
                                         min_cost=0, max_cost=50_000_000, position=2))
    db.add(cycle)
    db.flush()
    return cycle


def make_admitted(db, cycle: Cycle, author, *, category: Category | None = None,
                  cost: int = 30_000_000, status: ProjectStatus = ProjectStatus.ADMITTED,
                  title: str | None = None) -> Project:
    now = utcnow()
    cycle.last_project_number += 1
    number = cycle.last_project_number
    project = Project(
        cycle_id=cycle.id, category_id=(category or cycle.categories[0]).id,
        author_id=author.id, number=number, status=status,
        title=title or f"Проєкт № {number}", summary="Опис проєкту.", created_at=now,
        updated_at=now, submitted_at=now, status_changed_at=now, total_cost=cost,
    )
    db.add(project)
    db.flush()
    return project


def close_voting(db, cycle: Cycle) -> None:
    """Move the whole calendar so that voting ended an hour ago."""
    shift = cycle.voting_end - (utcnow() - timedelta(hours=1))
    for name in ("submission_start", "submission_end", "review_start", "review_end",
                 "voting_start", "voting_end", "results_date"):
        setattr(cycle, name, getattr(cycle, name) - shift)
    db.flush()


def make_vote(db, make_user):
    """A closed vote: projects costing 600 000, 500 000 and 400 000 грн of a 1 000 000 грн
    pot, five ballots (3, 3 and 2 votes), and a held meeting of a five-seat commission."""
    from portal.accounts.models import Role
    from portal.voting import context, services
    from portal.voting.rules import Choice
    from tests.review_factories import held_meeting, seat_commission

    author = make_user()
    cycle = make_voting_cycle(db, votes_per_voter=2)
    a, b, c = (make_admitted(db, cycle, author, cost=cost)
               for cost in (60_000_000, 50_000_000, 40_000_000))
    cast = [(a,), (a, b), (b, c), (a, c), (b,)]  # votes: a 3, b 3, c 2
    voters = []
    for chosen in cast:
        voter = make_user(verified=True)
        voters.append(voter)
        services.cast_ballot(db, sheet=context.sheet_of(db, cycle),
                             voter=context.online_voter(db, voter),
                             choices=[Choice(p.category_id, p.id) for p in chosen],
                             secret=SECRET, now=utcnow())
    close_voting(db, cycle)
    commission = make_user(Role.COMMISSION)
    seat_commission(db, cycle, commission, size=5)
    meeting = held_meeting(db, cycle, commission, present=3, held_on=date.today())
    return cycle, (a, b, c), commission, meeting, voters
