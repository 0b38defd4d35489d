"""Vote counts and participation of a cycle, cached for a few seconds per process.

Counting a million choices takes the database a good fraction of a second; the results
page must answer in milliseconds. So each process keeps the counts of a cycle for
``CACHE_SECONDS``: a page is at most that stale, and one request in that time pays for
the count (the others wait for it rather than counting again). The counts leave annulled
ballots out. Groups of fewer than ``MIN_GROUP`` voters are not shown, so participation
figures cannot single anyone out.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.community.models import District
from portal.cycles.models import Category, Cycle
from portal.projects.models import Project
from portal.projects.rules import ON_BALLOT
from portal.voting.models import Ballot, BallotChoice, Channel, Tally

CACHE_SECONDS = 5
MIN_GROUP = 10


@dataclass(frozen=True)
class Counts:
    """Plain numbers about a cycle's ballots, safe to share between requests."""

    votes: dict[int, int]
    voters: int
    annulled: int
    by_channel: dict[str, int]
    by_district: dict[int | None, int]
    by_age_band: dict[str, int]
    counted_at: float


_cache: dict[tuple[str, int], Counts] = {}
_locks: dict[tuple[str, int], threading.Lock] = {}
_guard = threading.Lock()


def _key(session: Session, cycle_id: int) -> tuple[str, int]:
    return (str(session.get_bind().engine.url), cycle_id)


def forget(session: Session, cycle_id: int) -> None:
    """Drop the cached counts of a cycle (after an annulment, say) in this process."""
    _cache.pop(_key(session, cycle_id), None)


def count_now(session: Session, cycle_id: int) -> Counts:
    """Count from the database, ignoring the cache."""
    votes = dict(session.execute(
        select(BallotChoice.project_id, func.count()).where(BallotChoice.cycle_id == cycle_id)
        .group_by(BallotChoice.project_id)
    ).all())
    for project_id, annulled in session.execute(
        select(BallotChoice.project_id, func.count())
        .join(Ballot, Ballot.id == BallotChoice.ballot_id)
        .where(Ballot.cycle_id == cycle_id, Ballot.annulled_at.is_not(None))
        .group_by(BallotChoice.project_id)
    ).all():
        votes[project_id] -= annulled
    valid = (Ballot.cycle_id == cycle_id, Ballot.annulled_at.is_(None))

    def grouped(column) -> dict:
        return dict(session.execute(
            select(column, func.count()).where(*valid).group_by(column)).all())

    by_channel = {str(Channel(k).value): v for k, v in grouped(Ballot.channel).items()}
    annulled_total = session.scalar(select(func.count()).select_from(Ballot).where(
        Ballot.cycle_id == cycle_id, Ballot.annulled_at.is_not(None))) or 0
    return Counts(votes, sum(by_channel.values()), annulled_total, by_channel,
                  grouped(Ballot.district_id), grouped(Ballot.age_band), time.monotonic())


def cached_counts(session: Session, cycle_id: int) -> Counts:
    key = _key(session, cycle_id)
    found = _cache.get(key)
    if found and time.monotonic() - found.counted_at < CACHE_SECONDS:
        return found
    with _guard:
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        found = _cache.get(key)
        if found and time.monotonic() - found.counted_at < CACHE_SECONDS:
            return found
        counts = count_now(session, cycle_id)
        _cache[key] = counts
        return counts


@dataclass
class ProjectLine:
    project: Project
    votes: int
    selected: bool | None  # None: no count of the winners yet


@dataclass
class CategoryLine:
    category: Category
    lines: list[ProjectLine] = field(default_factory=list)


@dataclass
class Group:
    label: str
    ballots: int


@dataclass
class Summary:
    categories: list[CategoryLine]
    counts: Counts
    tally: Tally | None
    approved: bool
    districts: list[Group]
    age_bands: list[Group]
    hidden_groups: int
    age_seconds: float


def latest_tally(session: Session, cycle: Cycle) -> Tally | None:
    """The approved tally, else the newest one."""
    return session.execute(
        select(Tally).where(Tally.cycle_id == cycle.id)
        .order_by(Tally.approved_at.is_(None), Tally.id.desc()).limit(1)
    ).scalar_one_or_none()


def results_summary(session: Session, cycle: Cycle, *, now: datetime) -> Summary:
    counts = cached_counts(session, cycle.id)
    tally = latest_tally(session, cycle)
    winners = set(tally.data["winners"]) if tally else None
    projects = session.execute(
        select(Project).where(Project.cycle_id == cycle.id, Project.status.in_(ON_BALLOT))
    ).scalars().all()
    lines: dict[int, CategoryLine] = {c.id: CategoryLine(c) for c in cycle.categories}
    for project in projects:
        selected = (str(project.id) in winners) if winners is not None else None
        lines[project.category_id].lines.append(
            ProjectLine(project, counts.votes.get(project.id, 0), selected))
    for line in lines.values():
        line.lines.sort(key=lambda p: (-p.votes, p.project.number or 0))
    names = dict(session.execute(select(District.id, District.name)).all())
    districts = [Group(names.get(k, "—") if k else "—", v)
                 for k, v in sorted(counts.by_district.items(), key=lambda kv: -kv[1])]
    bands = [Group(k or "—", v) for k, v in sorted(counts.by_age_band.items(),
                                                    key=lambda kv: kv[0] or "")]
    hidden = sum(1 for g in districts + bands if g.ballots < MIN_GROUP)
    return Summary(
        list(lines.values()), counts, tally, bool(tally and tally.approved_at),
        [g for g in districts if g.ballots >= MIN_GROUP],
        [g for g in bands if g.ballots >= MIN_GROUP], hidden,
        time.monotonic() - counts.counted_at,
    )
