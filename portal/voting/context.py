"""What a cast needs before the ballot is written: who is casting, the cycle's rules and
its ballot sheet, as plain data.

The rules and the voter's facts are read in one query of plain columns for the busiest
request of the portal (``casting_context``); the sheet (categories, projects) is cached per
process, keyed by the cycle's project counter. The desk and the tests, which hold an ORM
cycle already, build the same sheet from it (``sheet_of``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session, joinedload

from portal.accounts.models import User
from portal.cycles.models import Category, Cycle, PhaseExtension
from portal.cycles.rules import (
    BallotType,
    Calendar,
    Extension,
    Phase,
    VotesScope,
    registration_code,
    window_of,
)
from portal.identity.models import Verification
from portal.identity.rules import PersonNumber, person_key, takes_part_here
from portal.identity.services import active_verification, takes_part
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus
from portal.tenancy.routing import place_of
from portal.tenancy.scope import EVERYWHERE, current_community_id
from portal.voting.models import Channel
from portal.voting.rules import CategoryFacts, CycleRules, ProjectFacts, VoterFacts


@dataclass(frozen=True)
class Voter:
    """Who is casting: the person key and the facts the eligibility rules need."""

    person_key: str
    facts: VoterFacts
    channel: Channel
    user_id: int | None = None
    entered_by_id: int | None = None



@dataclass(frozen=True)
class SheetCategory:
    id: int
    name: str
    budget: int
    district_id: int | None
    district_name: str | None


@dataclass(frozen=True)
class SheetProject:
    id: int
    category_id: int
    number: int
    registration_code: str
    title: str
    total_cost: int
    admitted: bool


@dataclass(frozen=True)
class BallotSheet:
    """Everything the checks and the ballot page need about a cycle's ballot, as plain data."""

    cycle_id: int
    rules: CycleRules
    categories: tuple[SheetCategory, ...]
    projects: tuple[SheetProject, ...]

    @property
    def category_facts(self) -> list[CategoryFacts]:
        return [CategoryFacts(c.id, c.budget, c.district_id) for c in self.categories]

    @property
    def project_facts(self) -> list[ProjectFacts]:
        return [ProjectFacts(p.id, p.category_id, p.total_cost, p.admitted)
                for p in self.projects]

    def on_ballot(self, category: SheetCategory) -> list[SheetProject]:
        return [p for p in self.projects if p.category_id == category.id and p.admitted]


@dataclass(frozen=True)
class ChosenInCategory:
    """What the review shows of one category: the chosen projects and what they cost."""

    category: SheetCategory
    projects: tuple[SheetProject, ...]

    @property
    def spent(self) -> int:
        return sum(p.total_cost for p in self.projects)


def chosen_by_category(sheet: BallotSheet, choices: Iterable) -> list[ChosenInCategory]:
    """The chosen projects by category, in the ballot's order; categories with none left out."""
    ids = {choice.project_id for choice in choices}
    found = []
    for category in sheet.categories:
        projects = tuple(p for p in sheet.on_ballot(category) if p.id in ids)
        if projects:
            found.append(ChosenInCategory(category, projects))
    return found


@dataclass(frozen=True)
class SheetKey:
    """A cycle's ballot sheet as it stands: numbering a new project changes the key."""

    cycle_id: int
    budget_year: int
    registration_series: int
    created_at: datetime
    last_project_number: int


def _rules(calendar: Calendar, extensions: Iterable[Extension], *, suspended: bool,
           min_age: int, votes_per_voter: int, votes_scope: VotesScope,
           ballot_type: BallotType) -> CycleRules:
    window = window_of(calendar, extensions, Phase.VOTING)
    assert window is not None  # every cycle has a voting window (a NOT NULL pair)
    return CycleRules(
        opens=window.start, closes=window.end, suspended=suspended, min_age=min_age,
        votes_per_voter=votes_per_voter, votes_scope=votes_scope, ballot_type=ballot_type,
    )


def cycle_rules(cycle: Cycle) -> CycleRules:
    return _rules(cycle.calendar, cycle.extension_rules, suspended=cycle.suspended,
                  min_age=cycle.min_age_vote, votes_per_voter=cycle.votes_per_voter,
                  votes_scope=cycle.votes_scope, ballot_type=cycle.ballot_type)


#: The projects and categories of a cycle, per process: during voting they do not change
#: (a project is withdrawn before the vote, not during it), and every cast needs them.
#: The key holds the cycle's project counter, so a newly numbered project is seen at once.
_SHEETS: dict[tuple, tuple[float, tuple, tuple]] = {}
SHEET_SECONDS = 10


def ballot_sheet(session: Session, key: SheetKey, rules: CycleRules) -> BallotSheet:
    cache_key = (str(session.get_bind().engine.url), key)
    cached = _SHEETS.get(cache_key)
    if cached is None or time.monotonic() - cached[0] > SHEET_SECONDS:
        categories = tuple(
            SheetCategory(c.id, c.name, c.budget, c.district_id,
                          c.district.name if c.district else None)
            for c in session.execute(
                select(Category).where(Category.cycle_id == key.cycle_id)
                .order_by(Category.position, Category.id)
                .options(joinedload(Category.district))).scalars())
        projects = tuple(
            SheetProject(p.id, p.category_id, p.number,
                         registration_code(key.budget_year, p.number,
                                           key.registration_series), p.title, p.total_cost,
                         p.status is ProjectStatus.ADMITTED)
            for p in session.execute(
                select(Project).where(Project.cycle_id == key.cycle_id,
                                      Project.number.is_not(None))
                .order_by(Project.number)).scalars())
        cached = (time.monotonic(), categories, projects)
        if len(_SHEETS) > 100:
            _SHEETS.clear()
        _SHEETS[cache_key] = cached
    return BallotSheet(key.cycle_id, rules, cached[1], cached[2])


def sheet_of(session: Session, cycle: Cycle) -> BallotSheet:
    """The ballot sheet of a cycle already loaded (the desk, the tests)."""
    key = SheetKey(cycle.id, cycle.budget_year, cycle.registration_series, cycle.created_at,
                   cycle.last_project_number)
    return ballot_sheet(session, key, cycle_rules(cycle))


@dataclass(frozen=True)
class CastingContext:
    """What casting online needs before the ballot itself: the cycle's rules, its sheet's
    key, and the voter behind the account (None while the account is not verified)."""

    rules: CycleRules
    sheet_key: SheetKey
    voter: Voter | None


def _casting_query():
    cycles, verifications = Cycle.__table__, Verification.__table__
    extensions = PhaseExtension.__table__
    return (
        select(*(cycles.c[name] for name in _CALENDAR_FIELDS), cycles.c.suspended_at,
               cycles.c.min_age_vote, cycles.c.votes_per_voter, cycles.c.votes_scope,
               cycles.c.ballot_type, cycles.c.created_at, cycles.c.last_project_number,
               cycles.c.registration_series,
               verifications.c.person_key, verifications.c.birth_date,
               verifications.c.resident, verifications.c.district_id,
               verifications.c.community_id.label("resides_in"),
               verifications.c.displaced_certificate,
               extensions.c.phase, extensions.c.new_end)
        .select_from(
            cycles.outerjoin(verifications, and_(
                verifications.c.user_id == bindparam("user_id"),
                verifications.c.revoked_at.is_(None)))
            .outerjoin(extensions, extensions.c.cycle_id == cycles.c.id))
        # Plain columns, not the ORM's entities: no community narrows this statement but
        # its own condition.
        .where(cycles.c.id == bindparam("cycle_id"),
               cycles.c.community_id == bindparam("community"))
    )


_CALENDAR_FIELDS = tuple(field.name for field in fields(Calendar))
_CASTING_QUERY = _casting_query()


def casting_context(session: Session, cycle_id: int, user_id: int) -> CastingContext | None:
    """The cycle's rules with their phase extensions and the account's active verification,
    in one query of plain columns (a cast is the portal's busiest request); None when there
    is no such cycle in the current community. The voter is a resident only of the community
    of their verified residence (``identity.services.takes_part``)."""
    community = current_community_id(session)
    if community == EVERYWHERE:  # no community entered: the cycle's own
        community = session.scalar(select(Cycle.community_id).where(Cycle.id == cycle_id)) or 0
    rows = session.execute(_CASTING_QUERY, {"cycle_id": cycle_id, "user_id": user_id,
                                            "community": community}).all()
    if not rows:
        return None
    cycle = rows[0]._mapping
    calendar = Calendar(**{name: cycle[name] for name in _CALENDAR_FIELDS})
    rules = _rules(calendar, [Extension(row.phase, row.new_end) for row in rows if row.phase],
                   suspended=cycle["suspended_at"] is not None, min_age=cycle["min_age_vote"],
                   votes_per_voter=cycle["votes_per_voter"], votes_scope=cycle["votes_scope"],
                   ballot_type=cycle["ballot_type"])
    voter = None
    if cycle["person_key"] is not None:
        here = place_of(community, session)
        takes = takes_part_here(
            resident=cycle["resident"], displaced=cycle["displaced_certificate"] is not None,
            of_this_community=cycle["resides_in"] == community,
            admits_displaced=here is not None and here.admits_displaced)
        facts = VoterFacts(True, takes, cycle["birth_date"], cycle["district_id"])
        voter = Voter(cycle["person_key"], facts, Channel.ONLINE, user_id=user_id)
    key = SheetKey(cycle_id, cycle["budget_year"], cycle["registration_series"],
                   cycle["created_at"],
                   cycle["last_project_number"])
    return CastingContext(rules, key, voter)


def voter_facts(session: Session, verification: Verification | None) -> VoterFacts:
    if verification is None:
        return VoterFacts(verified=False, resident=False, birth_date=None, district_id=None)
    return VoterFacts(True, takes_part(verification), verification.birth_date,
                      verification.district_id)


def online_voter(session: Session, user: User) -> Voter | None:
    """The voter behind a signed-in account, or None while it is not verified."""
    verification = active_verification(session, user)
    if verification is None:
        return None
    return Voter(verification.person_key, voter_facts(session, verification), Channel.ONLINE,
                 user_id=user.id)


def paper_voter(
    *, number: PersonNumber, birth_date: date, resident: bool, district_id: int | None,
    verifier: User, secret: str,
) -> Voter:
    """A person at the desk: the verifier has seen the document and typed these."""
    facts = VoterFacts(True, resident, birth_date, district_id)
    return Voter(person_key(number, secret), facts, Channel.PAPER, entered_by_id=verifier.id)
