"""The public bulletin board: every ballot of a closed vote as (receipt hash, choices).

Ballots are listed by receipt hash, which is random and says nothing about who voted or
when. A voter finds their own ballot by its receipt code (hashed here, never sent to the
database as typed), and anyone can recount from the board alone. Annulled ballots stay
listed, marked, and are left out of every count.

The board is public only once the vote is over, when no ballot can be cast any more: the
number of a closed vote's ballots is counted once per process (``total``), keyed by the
cycle and the moment its vote closed, so an extension that reopens the vote starts a new
count. Annulments mark ballots but never remove one, so they leave the total as it is.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.cycles.models import Category, Cycle
from portal.parsing import page_within
from portal.projects.models import Project
from portal.voting.context import cycle_rules
from portal.voting.models import Ballot, BallotChoice
from portal.voting.permissions import vote_over
from portal.voting.receipts import normalise, receipt_hash

PAGE_SIZE = 100


@dataclass(frozen=True)
class BoardEntry:
    receipt_hash: str
    annulled: bool
    annul_reason: str | None
    choices: tuple[tuple[str, tuple[str, ...]], ...]  # (category name, registration codes)

    def as_json(self) -> dict:
        return {
            "receipt_hash": self.receipt_hash, "annulled": self.annulled,
            "annul_reason": self.annul_reason,
            "choices": [{"category": name, "projects": list(codes)}
                        for name, codes in self.choices],
        }


@dataclass(frozen=True)
class BoardPage:
    entries: list[BoardEntry]
    page: int
    pages: int
    total: int


BOARD_COLUMNS = (Ballot.id, Ballot.receipt_hash, Ballot.annulled_at, Ballot.annul_reason)


def _entries(session: Session, cycle: Cycle, ballots: Select) -> list[BoardEntry]:
    """The entries of ``ballots`` (a select of ``BOARD_COLUMNS`` in board order), in that
    order: one statement for the ballots, one for their choices, one for the numbers of the
    cycle's projects and the names of their categories.

    The choices are read alone, by the ballots' ids as listed: joined to their projects
    and categories (and to the page's query again, as a subquery) they were planned on a
    platform of many communities, where row-level security makes the planner take a
    community's rows for a few, as a loop over the community's projects probing every
    ballot for each (15,000 buffers instead of 500)."""
    listed = session.execute(ballots).all()
    if not listed:
        return []
    chosen = session.execute(
        select(BallotChoice.ballot_id, BallotChoice.category_id, BallotChoice.project_id)
        .where(BallotChoice.ballot_id.in_([row.id for row in listed]))).all()
    names, numbers = {}, {}
    for project_id, number, category_id, name in session.execute(
            select(Project.id, Project.number, Category.id, Category.name)
            .join(Category, Category.id == Project.category_id)
            .where(Project.cycle_id == cycle.id)):
        numbers[project_id], names[category_id] = number, name
    rows = sorted((ballot_id, category_id, numbers[project_id])
                  for ballot_id, category_id, project_id in chosen)
    rows = [(ballot_id, names[category_id], number) for ballot_id, category_id, number in rows]
    grouped: dict[int, dict[str, list[str]]] = {}
    for ballot_id, category, number in rows:
        grouped.setdefault(ballot_id, {}).setdefault(category, []).append(
            cycle.registration_code(number))
    return [
        BoardEntry(receipt, annulled_at is not None, reason,
                   tuple((name, tuple(codes)) for name, codes in grouped.get(id_, {}).items()))
        for id_, receipt, annulled_at, reason in listed
    ]


_totals: dict[tuple, int] = {}
_totals_guard = threading.Lock()


def count_ballots(session: Session, cycle: Cycle) -> int:
    """How many ballots the cycle has, annulled ones included, counted now."""
    return session.scalar(
        select(func.count()).select_from(Ballot).where(Ballot.cycle_id == cycle.id)) or 0


def total(session: Session, cycle: Cycle, now: datetime | None = None) -> int:
    """The number of the cycle's ballots; a closed vote's is counted once per process."""
    if not vote_over(cycle, now or utcnow()):
        return count_ballots(session, cycle)
    key = (str(session.get_bind().engine.url), cycle.id, cycle.created_at,
           cycle_rules(cycle).closes)
    found = _totals.get(key)
    if found is None:
        found = count_ballots(session, cycle)
        with _totals_guard:
            if len(_totals) > 1000:
                _totals.clear()
            _totals[key] = found
    return found


def page_of(session: Session, cycle: Cycle, *, page: int, size: int = PAGE_SIZE) -> BoardPage:
    total_ = total(session, cycle)
    page, pages = page_within(page, total=total_, size=size)
    ballots = (select(*BOARD_COLUMNS).where(Ballot.cycle_id == cycle.id)
               .order_by(Ballot.receipt_hash).offset((page - 1) * size).limit(size))
    return BoardPage(_entries(session, cycle, ballots), page, pages, total_)


def find_by_receipt(session: Session, cycle: Cycle, code: str) -> Ballot | None:
    if not 8 <= len(normalise(code)) <= 32:
        return None
    return session.execute(
        select(Ballot).where(Ballot.cycle_id == cycle.id,
                             Ballot.receipt_hash == receipt_hash(code))
    ).scalar_one_or_none()


def entry_of(session: Session, ballot: Ballot) -> BoardEntry:
    cycle = session.get(Cycle, ballot.cycle_id)
    assert cycle is not None
    return _entries(session, cycle, select(*BOARD_COLUMNS).where(Ballot.id == ballot.id))[0]
