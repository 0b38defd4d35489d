"""Vote counts and participation of a cycle, cached for a few seconds per process.

Counting a million choices takes the database a good fraction of a second; the results
page must answer in milliseconds. So each process keeps the results of a cycle (counts,
projects, the tally in force, participation) as plain data for ``CACHE_SECONDS``: a page
is at most that stale, and one request in that time pays for the count (the others wait
for it rather than counting again). The counts leave annulled
ballots out. Groups of fewer than ``MIN_GROUP`` voters are not shown, so participation
figures cannot single anyone out.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.community.models import District
from portal.cycles.models import Cycle
from portal.cycles.rules import TieRule, WinnerRule
from portal.identity.models import CensusEntry
from portal.projects.models import Project
from portal.projects.rules import ON_BALLOT
from portal.results.models import Tally
from portal.tenancy import scope
from portal.voting.context import cycle_rules
from portal.voting.models import Ballot, BallotChoice, Channel

CACHE_SECONDS = 5
REFRESH_AFTER = 3
MIN_GROUP = 10

log = logging.getLogger("portal.voting")


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


_cache: dict[tuple, Summary] = {}
_locks: dict[tuple, threading.Lock] = {}
_guard = threading.Lock()


def _key(session: Session, cycle: Cycle) -> tuple:
    return (str(session.get_bind().engine.url), cycle.id, cycle.created_at)


def forget(session: Session, cycle: Cycle) -> None:
    """Drop the cached results of a cycle (after an annulment, say) in this process."""
    _cache.pop(_key(session, cycle), None)


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
    # One pass over the cycle's ballots gives every participation figure.
    by_channel: Counter[str] = Counter()
    by_district: Counter[int | None] = Counter()
    by_age_band: Counter[str | None] = Counter()
    annulled_total = 0
    for channel, district, band, annulled, n in session.execute(
        select(Ballot.channel, Ballot.district_id, Ballot.age_band,
               Ballot.annulled_at.is_not(None), func.count())
        .where(Ballot.cycle_id == cycle_id)
        .group_by(Ballot.channel, Ballot.district_id, Ballot.age_band,
                  Ballot.annulled_at.is_not(None))
    ).all():
        if annulled:
            annulled_total += n
            continue
        by_channel[Channel(channel).value] += n
        by_district[district] += n
        by_age_band[band] += n
    return Counts(votes, sum(by_channel.values()), annulled_total, dict(by_channel),
                  dict(by_district), dict(by_age_band), time.monotonic())


@dataclass(frozen=True)
class ProjectInfo:
    id: int
    number: int | None
    registration_code: str | None
    title: str
    total_cost: int


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    name: str
    budget: int


@dataclass(frozen=True)
class TallyInfo:
    id: int
    rule: WinnerRule
    tie_rule: TieRule
    seed: int | None
    inputs_digest: str
    computed_at: datetime
    approved_at: datetime | None
    approved_by_decision_id: int | None


@dataclass(frozen=True)
class ProjectLine:
    project: ProjectInfo
    votes: int
    selected: bool | None  # None: no count of the winners yet
    reason: str | None = None  # why it was not selected (``rules.Reason``), by the count


@dataclass(frozen=True)
class Money:
    """A category's money by the count, in kopecks: its own budget, what it received from
    another category's leftover, what the winners cost and what is left."""

    budget: int
    received: int
    spent: int
    left: int

    @property
    def available(self) -> int:
        return self.budget + self.received


@dataclass(frozen=True)
class CategoryLine:
    category: CategoryInfo
    lines: tuple[ProjectLine, ...]
    money: Money | None = None  # None: no count of the winners yet


@dataclass(frozen=True)
class Group:
    label: str
    ballots: int
    eligible: int | None = None  # residents of voting age in the register, when uploaded


@dataclass(frozen=True)
class Summary:
    """Plain data about a cycle's results, safe to share between requests and threads."""

    categories: tuple[CategoryLine, ...]
    counts: Counts
    tally: TallyInfo | None
    approved: bool
    districts: tuple[Group, ...]
    age_bands: tuple[Group, ...]
    hidden_groups: int
    eligible: int | None = None  # residents of voting age in the register, when uploaded

    @property
    def age_seconds(self) -> float:
        return time.monotonic() - self.counts.counted_at


def latest_tally(session: Session, cycle: Cycle) -> Tally | None:
    """The approved tally, else the newest one."""
    return session.execute(
        select(Tally).where(Tally.cycle_id == cycle.id)
        .order_by(Tally.approved_at.is_(None), Tally.id.desc()).limit(1)
    ).scalar_one_or_none()


def summarise(session: Session, cycle: Cycle) -> Summary:
    """Count now and put the results together (what the cache holds)."""
    counts = count_now(session, cycle.id)
    tally = latest_tally(session, cycle)
    document = tally.data if tally else None
    winners = set(document["winners"]) if document else None
    counted = _counted_categories(document)
    projects = session.execute(
        select(Project).where(Project.cycle_id == cycle.id, Project.status.in_(ON_BALLOT))
        .order_by(Project.number)
    ).scalars().all()
    lines: dict[int, list[ProjectLine]] = {c.id: [] for c in cycle.categories}
    for project in projects:
        info = ProjectInfo(project.id, project.number,
                           cycle.registration_code(project.number) if project.number else None,
                           project.title, project.total_cost)
        selected = (str(project.id) in winners) if winners is not None else None
        reason = counted.get(project.category_id, ({}, None))[0].get(str(project.id))
        lines[project.category_id].append(
            ProjectLine(info, counts.votes.get(project.id, 0), selected, reason))
    categories = tuple(
        CategoryLine(CategoryInfo(c.id, c.name, c.budget),
                     tuple(sorted(lines[c.id], key=lambda p: (-p.votes, p.project.number or 0))),
                     counted.get(c.id, ({}, None))[1])
        for c in cycle.categories)
    names = dict(session.execute(select(District.id, District.name)).all())
    register = eligible_residents(session, cycle)
    districts = [Group(names.get(k, "—") if k else "—", v,
                       register.get(k) if register and k is not None else None)
                 for k, v in sorted(counts.by_district.items(), key=lambda kv: -kv[1])]
    bands = [Group(k or "—", v) for k, v in sorted(counts.by_age_band.items(),
                                                    key=lambda kv: kv[0] or "")]
    hidden = sum(1 for g in districts + bands if g.ballots < MIN_GROUP)
    info = None if tally is None else TallyInfo(
        tally.id, tally.rule, tally.tie_rule, tally.seed, tally.inputs_digest,
        tally.computed_at, tally.approved_at, tally.approved_by_decision_id)
    return Summary(
        categories, counts, info, bool(tally and tally.approved_at),
        tuple(g for g in districts if g.ballots >= MIN_GROUP),
        tuple(g for g in bands if g.ballots >= MIN_GROUP), hidden,
        sum(register.values()) if register else None,
    )


def _counted_categories(document: dict | None) -> dict[int, tuple[dict[str, str], Money]]:
    """Per category id, from a tally's outcome: why each project lost, and the money."""
    if document is None:
        return {}
    unit = document["money_unit"]
    found = {}
    for category in document["categories"]:
        reasons = {row["project_id"]: row["reason"] for row in category["projects"]
                   if row["reason"]}
        found[int(category["key"])] = (reasons, Money(
            category["budget"] * unit, category["received"] * unit,
            category["spent"] * unit, category["left"] * unit))
    return found


def eligible_residents(session: Session, cycle: Cycle) -> dict[int | None, int] | None:
    """Residents old enough to vote on the vote's last day, per district, from the register
    of residents; None without a register (turnout then has nothing to be a share of)."""
    day = cycle_rules(cycle).last_day
    try:
        cutoff = day.replace(year=day.year - cycle.min_age_vote)
    except ValueError:  # 29 February of a year that has none: born on the 28th is of age
        cutoff = day.replace(year=day.year - cycle.min_age_vote, day=28)
    rows = session.execute(
        select(CensusEntry.district_id, func.count()).where(CensusEntry.birth_date <= cutoff)
        .group_by(CensusEntry.district_id)).all()
    return dict(rows) if rows else None


def results_summary(session: Session, cycle: Cycle,
                    fresh_session: Callable[[], Session] | None = None) -> Summary:
    """The cycle's results, at most ``CACHE_SECONDS`` old.

    Past ``REFRESH_AFTER`` seconds the cached copy is still served while one background
    thread counts again with a session of its own from ``fresh_session`` (when given), so
    under steady traffic no request waits for a count. Without a fresh copy in time, the
    request counts itself, and other requests of this process wait for that one count.
    """
    key = _key(session, cycle)
    found = _cache.get(key)
    if found and found.age_seconds < REFRESH_AFTER:
        return found
    if found and found.age_seconds < CACHE_SECONDS and fresh_session is not None:
        _refresh_in_background(key, cycle.id, fresh_session)
        return found
    with _guard:
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        found = _cache.get(key)
        if found and found.age_seconds < CACHE_SECONDS:
            return found
        return _store(key, summarise(session, cycle))


def _store(key: tuple, summary: Summary) -> Summary:
    if len(_cache) > 1000:
        _cache.clear()
    _cache[key] = summary
    return summary


_refreshing: set[tuple] = set()


def _refresh_in_background(key: tuple, cycle_id: int,
                           fresh_session: Callable[[], Session]) -> None:
    with _guard:
        if key in _refreshing:
            return
        _refreshing.add(key)

    # A thread starts with no community entered: it counts in the request's (else its
    # reads would be narrowed to the default community, and another's cycle not found).
    community = scope.entered()

    def work() -> None:
        try:
            with (scope.inside(community) if community is not None else nullcontext(),
                  fresh_session() as session):
                cycle = session.get(Cycle, cycle_id)
                if cycle is not None:
                    _store(key, summarise(session, cycle))
        except Exception:  # noqa: BLE001 - the next request counts itself; log and go on
            log.exception("Background count of cycle %s failed", cycle_id)
        finally:
            with _guard:
                _refreshing.discard(key)

    threading.Thread(target=work, name=f"count-{cycle_id}", daemon=True).start()
