"""What the front pages read: who the visitor is in each cycle, the headline figures, the
latest implementation updates, and a project's way from the vote to its implementation.

Each function is a fixed, small number of SQL statements, whatever the size of the data:
the home page and the project page answer within the budget the issue sets (p95 < 100 ms).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from portal.cycles.models import Cycle, PhaseExtension
from portal.cycles.rules import Calendar, Extension, Phase, current_phase, effective_windows
from portal.identity.models import Verification
from portal.identity.services import takes_part
from portal.implementation.models import Implementation, ImplementationUpdate
from portal.implementation.rules import ImplementationStatus
from portal.main.phase import Step, Visitor, front_step
from portal.programs.models import Financing, FundingLine, Measure, Program, Task
from portal.projects.models import Project
from portal.projects.rules import PUBLIC
from portal.results.models import APPROVED, Tally
from portal.voting.models import Ballot


def visitors(session: Session, user: Any,
             cycles: Sequence[Cycle | Glance]) -> dict[int, Visitor]:
    """Who ``user`` is in each cycle, in one statement: their live verification, joined to
    their ballots among the cycles. A person verified for another community (and not
    admitted here as displaced) is offered nothing this community's ballot would refuse."""
    if not getattr(user, "is_authenticated", False):
        return {cycle.id: Visitor.ANONYMOUS for cycle in cycles}
    rows = session.execute(
        select(Verification, Ballot.cycle_id)
        .outerjoin(Ballot, and_(Ballot.person_key == Verification.person_key,
                                Ballot.cycle_id.in_([c.id for c in cycles])))
        .where(Verification.user_id == user.id, Verification.revoked_at.is_(None))
    ).all()
    if not rows:
        return {cycle.id: Visitor.UNVERIFIED for cycle in cycles}
    voted = {row.cycle_id for row in rows}
    taking_part = Visitor.VERIFIED if takes_part(rows[0].Verification) else Visitor.ELSEWHERE
    return {cycle.id: Visitor.VOTED if cycle.id in voted else taking_part for cycle in cycles}


def step_of(cycle: Cycle | Glance, visitor: Visitor, now: datetime) -> Step:
    """The cycle's phase, deadline and action for ``visitor`` (``portal.main.phase``)."""
    return front_step(cycle.phase(now), effective_windows(cycle.calendar, cycle.extension_rules),
                      cycle.results_date, visitor, now)


def steps(session: Session, user: Any, cycles: Sequence[Cycle | Glance],
          now: datetime) -> list[tuple[Cycle | Glance, Step]]:
    found = visitors(session, user, cycles)
    return [(cycle, step_of(cycle, found[cycle.id], now)) for cycle in cycles]


@dataclass(frozen=True)
class Glance:
    """What the home page and a cycle's page show of a cycle outside their kept parts and
    need for its phase, as plain data: kept a few seconds for every visitor
    (``portal.pagecache.recent``), so those pages read no cycle at all in that time."""

    id: int
    name: str
    budget_year: int
    calendar: Calendar
    extension_rules: tuple[Extension, ...]
    suspended_at: datetime | None
    suspension_reason: str | None
    results_date: datetime

    @property
    def suspended(self) -> bool:
        return self.suspended_at is not None

    def phase(self, now: datetime) -> Phase:
        return current_phase(self.calendar, self.extension_rules, self.suspended_at, now)


def glances(cycles: Sequence[Cycle]) -> list[Glance]:
    return [Glance(c.id, c.name, c.budget_year, c.calendar, tuple(c.extension_rules),
                   c.suspended_at, c.suspension_reason, c.results_date) for c in cycles]


#: Phases in which a cycle asks something of residents: they come first on the home page.
ACTIVE = (Phase.VOTING, Phase.SUBMISSION, Phase.SUPPORT)
HOME_CYCLES = 4


def home_cycles(cycles: Sequence[Glance], now: datetime) -> list[Glance]:
    """The cycles the home page shows: those asking something of residents first, then the
    newest; a finished cycle whose budget year is long past is left to the cycles page."""
    current = [c for c in cycles
               if c.phase(now) is not Phase.IMPLEMENTATION or c.budget_year >= now.year - 1]
    current.sort(key=lambda c: (c.phase(now) not in ACTIVE, -c.budget_year, -c.id))
    return current[:HOME_CYCLES]


@dataclass(frozen=True)
class Figures:
    projects: int  # submitted to any cycle (a draft is not)
    ballots: int  # cast and not annulled, online and on paper, in votes counted in public
    funded: int  # kopecks paid on the winners' funding lines
    implemented: int  # winners whose implementation is complete


def _public_winner_lines():
    """Funding lines of winners in a published program (what the public pages show)."""
    return (select(FundingLine.id).join(Measure).join(Task).join(Program)
            .where(Program.published.is_(True), FundingLine.project_id.is_not(None)))


def _counts_public(now: datetime) -> ColumnElement[bool]:
    """A cycle whose ballots may be counted in public (``voting.permissions.counts_public``
    by the calendar): its vote is over, no extension of the vote runs on, or it publishes
    its counts while voting. An open vote's ballots are secret until it closes (DESIGN
    rule 8), even as one figure."""
    extended = (select(PhaseExtension.id)
                .where(PhaseExtension.cycle_id == Cycle.id,
                       PhaseExtension.phase == Phase.VOTING, PhaseExtension.new_end > now)
                .exists())
    return or_(Cycle.live_counts_during_voting.is_(True),
               and_(Cycle.voting_end <= now, ~extended))


def figures(session: Session, now: datetime) -> Figures:
    """The headline figures, computed from the records in one statement."""
    lines = _public_winner_lines()
    row = session.execute(select(
        select(func.count(Project.id)).where(Project.status.in_(PUBLIC)).scalar_subquery(),
        select(func.count(Ballot.id)).where(
            Ballot.annulled_at.is_(None),
            Ballot.cycle_id.in_(select(Cycle.id).where(_counts_public(now)))).scalar_subquery(),
        select(func.coalesce(func.sum(Financing.amount), 0))
        .where(Financing.line_id.in_(lines)).scalar_subquery(),
        select(func.count(Implementation.id))
        .where(Implementation.line_id.in_(lines),
               Implementation.status == ImplementationStatus.IMPLEMENTED).scalar_subquery(),
    )).one()
    return Figures(projects=row[0], ballots=row[1], funded=int(row[2]), implemented=row[3])


def latest_updates(session: Session, limit: int = 3) -> list[ImplementationUpdate]:
    """The newest public implementation updates of winners, with their photos and project:
    three statements.

    The winners' lines in published programs are read first and named by id: joined with
    the updates in one statement, on a platform of many communities (where row-level
    security makes the planner take a community's rows for a few) it was planned as loops
    over every measure of every program for each update (5,100 buffers instead of 170)."""
    lines = list(session.scalars(_public_winner_lines()))
    if not lines:
        return []
    return list(session.execute(
        select(ImplementationUpdate)
        .join(ImplementationUpdate.implementation).join(Implementation.line)
        .join(FundingLine.project)
        .where(Implementation.line_id.in_(lines))
        .options(contains_eager(ImplementationUpdate.implementation)
                 .contains_eager(Implementation.line).contains_eager(FundingLine.project),
                 selectinload(ImplementationUpdate.photos))
        .order_by(ImplementationUpdate.posted_on.desc(), ImplementationUpdate.id.desc())
        .limit(limit)
    ).unique().scalars())


@dataclass(frozen=True)
class VoteResult:
    votes: int
    selected: bool


@dataclass(frozen=True)
class Afterwards:
    """What became of a project after the vote: its count in the approved tally, its
    funding line (planned, paid) and its implementation with the updates."""

    result: VoteResult | None
    line: FundingLine | None
    paid: int
    implementation: Implementation | None

    @property
    def empty(self) -> bool:
        return self.result is None and self.line is None


def vote_result(session: Session, project: Project) -> VoteResult | None:
    """The project's votes in its cycle's approved tally, if there is one."""
    tally = session.execute(
        select(Tally).where(Tally.cycle_id == project.cycle_id, APPROVED)
    ).scalar_one_or_none()
    if tally is None:
        return None
    for category in tally.data.get("categories", []):
        for row in category.get("projects", []):
            if str(row.get("project_id")) == str(project.id):
                return VoteResult(votes=int(row["votes"]), selected=bool(row["selected"]))
    return None


def afterwards(session: Session, project: Project) -> Afterwards:
    """Everything after the vote for the project page, in at most six statements; a line
    of a program not yet published is not shown (as on the implementation pages)."""
    result = vote_result(session, project)
    line = session.execute(
        select(FundingLine).where(FundingLine.id.in_(_public_winner_lines()),
                                  FundingLine.project_id == project.id)
        .options(selectinload(FundingLine.financings))
    ).scalar_one_or_none() if result is None or result.selected else None
    record = None
    if line is not None:
        record = session.execute(
            select(Implementation).where(Implementation.line_id == line.id)
            .options(selectinload(Implementation.updates)
                     .selectinload(ImplementationUpdate.photos))
        ).scalar_one_or_none()
    return Afterwards(
        result=result, line=line, paid=sum(f.amount for f in line.financings) if line else 0,
        implementation=record)


@dataclass(frozen=True)
class CommunityGlance:
    """A community as the platform's front page lists it: where it is, and what is open."""

    id: int
    code: str
    name: str
    name_en: str
    url: str
    #: Each cycle open now: its glance, its phase, and its page's address.
    open_cycles: tuple[tuple[Glance, Phase, str], ...]

    def display_name(self, locale: str) -> str:
        return (self.name_en or self.name) if locale == "en" else self.name


#: Communities on one page of the platform's front page.
COMMUNITIES_PER_PAGE = 24
#: The longest search the front page reads (a name or a КАТОТТГ code).
SEARCH_MOST = 100


@dataclass(frozen=True)
class CommunityPage:
    """One page of the platform's communities, those with something open first."""

    items: tuple[CommunityGlance, ...]
    total: int
    page: int
    pages: int
    query: str


def communities(session: Session, now: datetime, *, page: int = 1,
                query: str = "") -> CommunityPage:
    """The active communities matching ``query`` (a part of the name in either language, or
    the start of the КАТОТТГ code), those with a cycle asking something of residents now
    first, then by name; ``page`` of them with their open cycles and addresses.

    Its cost grows with the page, not the platform: the communities are read as plain rows,
    which have something open is asked of the database by the cycles' dates, and only the
    page's cycles are read and phased and only its addresses made.
    """
    from portal.links import external_url
    from portal.tenancy import scope
    from portal.tenancy.models import Community

    needle = query.strip()[:SEARCH_MOST].casefold()
    extended = Cycle.extensions.any()
    with scope.everywhere():
        rows = session.execute(select(Community.id, Community.code, Community.name,
                                      Community.name_en).where(Community.active)).all()
        if needle:
            rows = [row for row in rows if needle in row.name.casefold()
                    or needle in (row.name_en or "").casefold()
                    or row.code.casefold().startswith(needle)]
        # Which communities have something open: by the dates alone in SQL, and by the
        # phase for the few cycles an extension moved.
        open_ids = set(session.scalars(
            select(Cycle.community_id).where(~extended, _open_by_dates(now)).distinct()))
        open_ids |= {community_id for community_id, _glance, _phase
                     in _open_cycles(session, now, extended)}
        rows = sorted(rows, key=lambda row: (row.id not in open_ids, row.name.casefold()))
        pages = max(1, -(-len(rows) // COMMUNITIES_PER_PAGE))
        page = min(max(page, 1), pages)
        shown = rows[(page - 1) * COMMUNITIES_PER_PAGE:page * COMMUNITIES_PER_PAGE]
        by_community: dict[int, list[tuple[Glance, Phase]]] = {}
        for community_id, glance, phase in _open_cycles(
                session, now, Cycle.community_id.in_([row.id for row in shown])):
            by_community.setdefault(community_id, []).append((glance, phase))
    found = []
    for row in shown:
        with scope.inside(row.id):
            url = external_url("main.index")
            open_cycles = tuple(
                (glance, phase, external_url("main.cycle", cycle_id=glance.id))
                for glance, phase in by_community.get(row.id, ()))
        found.append(CommunityGlance(row.id, row.code, row.name, row.name_en, url, open_cycles))
    return CommunityPage(tuple(found), len(rows), page, pages, query.strip()[:SEARCH_MOST])


def _open_by_dates(now: datetime) -> ColumnElement[bool]:
    """A cycle that asks something of residents now by its calendar (as
    ``cycles.rules.current_phase`` reads it when no extension moved a window): taking
    projects, collecting support or voting, and not suspended."""
    return and_(
        or_(Cycle.suspended_at.is_(None), Cycle.suspended_at > now),
        or_(and_(Cycle.submission_start <= now, now < Cycle.submission_end),
            and_(Cycle.support_start <= now, now < Cycle.support_end),
            and_(Cycle.voting_start <= now, now < Cycle.voting_end)))


def _open_cycles(session: Session, now: datetime,
                 which: ColumnElement[bool]) -> list[tuple[int, Glance, Phase]]:
    """The cycles matching ``which`` that ask something of residents now, by their phase:
    (community, glance, phase)."""
    cycles = session.scalars(
        select(Cycle).options(selectinload(Cycle.extensions))
        .where(which, Cycle.submission_start <= now,
               or_(Cycle.voting_end >= now, Cycle.extensions.any()))
        .order_by(Cycle.id)).all()
    return [(cycle.community_id, glance, phase)
            for glance, cycle in zip(glances(cycles), cycles, strict=True)
            if (phase := glance.phase(now)) in ACTIVE]
