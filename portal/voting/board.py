"""The public bulletin board: every ballot of a closed vote as (receipt hash, choices).

Ballots are listed by receipt hash, which is random and says nothing about who voted or
when. A voter finds their own ballot by its receipt code (hashed here, never sent to the
database as typed), and anyone can recount from the board alone. Annulled ballots stay
listed, marked, and are left out of every count.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.cycles.models import Cycle
from portal.parsing import page_within
from portal.projects.models import Project
from portal.voting.models import Ballot, BallotChoice
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


def _entries(session: Session, cycle: Cycle, ballots: list[Ballot]) -> list[BoardEntry]:
    if not ballots:
        return []
    categories = {c.id: c.name for c in cycle.categories}
    rows = session.execute(
        select(BallotChoice.ballot_id, BallotChoice.category_id, Project.number)
        .join(Project, Project.id == BallotChoice.project_id)
        .where(BallotChoice.ballot_id.in_([b.id for b in ballots]))
        .order_by(BallotChoice.ballot_id, BallotChoice.category_id, Project.number)
    ).all()
    grouped: dict[int, dict[int, list[str]]] = {}
    for ballot_id, category_id, number in rows:
        grouped.setdefault(ballot_id, {}).setdefault(category_id, []).append(
            cycle.registration_code(number))
    return [
        BoardEntry(
            b.receipt_hash, b.annulled, b.annul_reason,
            tuple((categories[c], tuple(codes)) for c, codes in grouped.get(b.id, {}).items()),
        )
        for b in ballots
    ]


def page_of(session: Session, cycle: Cycle, *, page: int, size: int = PAGE_SIZE) -> BoardPage:
    total = session.scalar(
        select(func.count()).select_from(Ballot).where(Ballot.cycle_id == cycle.id)) or 0
    page, pages = page_within(page, total=total, size=size)
    ballots = session.execute(
        select(Ballot).where(Ballot.cycle_id == cycle.id).order_by(Ballot.receipt_hash)
        .offset((page - 1) * size).limit(size)
    ).scalars().all()
    return BoardPage(_entries(session, cycle, list(ballots)), page, pages, total)


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
    return _entries(session, cycle, [ballot])[0]
