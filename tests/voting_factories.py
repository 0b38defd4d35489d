"""Builders of the voting tests' data: a cycle whose voting is open now, admitted projects.

Rows are built directly (the cycles and projects parts test their own services), in the
state the vote starts from.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import count

from portal.clock import utcnow
from portal.cycles.models import Category, Cycle
from portal.cycles.rules import BallotType, CategoryKind, VotesScope
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus

_names = count(1)


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
