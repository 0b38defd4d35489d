"""Casting ballots, online and on paper, and finding a voter's own ballot.

One person, one ballot per cycle (DESIGN rule 1) is kept by the database alone: the
ballot row is written with ``INSERT ... ON CONFLICT (cycle_id, person_key) DO NOTHING
RETURNING id``. When nothing comes back, another request already holds that person's
ballot, committed or about to be (PostgreSQL makes the second insert wait for the first
to finish; SQLite's write transactions are serialised), and the caller is told "already
voted". There is no look-up before the insert that the result could depend on.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import and_, bindparam, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload

from portal import audit
from portal.accounts.models import User
from portal.cycles.models import Category, Cycle, PhaseExtension
from portal.cycles.rules import BallotType, Calendar, Extension, Phase, VotesScope, window_of
from portal.identity.models import Verification
from portal.identity.rules import PersonNumber, person_key
from portal.identity.services import active_verification
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus, registration_code
from portal.voting.ballot_rules import (
    BallotProblem,
    CategoryFacts,
    Choice,
    CycleRules,
    ProjectFacts,
    VoterFacts,
    age_band,
    check_ballot,
)
from portal.voting.models import Ballot, BallotChoice, Channel
from portal.voting.receipts import new_ballot_uuid, receipt_code, receipt_hash


class BallotRefused(Exception):
    """The ballot breaks the rules; ``problems`` say how. Nothing was stored."""

    def __init__(self, problems: Sequence[BallotProblem]) -> None:
        super().__init__(", ".join(p.code.value for p in problems))
        self.problems = list(problems)


class AlreadyVoted(Exception):
    """The person already has a ballot in this cycle; nothing new was stored.

    ``receipt`` is the existing ballot's code for the voter online (their own ballot), and
    None at the desk: whoever typed a person's number must not learn a receipt, which would
    find that person's choices on the public board.
    """

    def __init__(self, ballot: Ballot, receipt: str | None) -> None:
        super().__init__("already_voted")
        self.ballot = ballot
        self.receipt = receipt


@dataclass(frozen=True)
class Voter:
    """Who is casting: the person key and the facts the eligibility rules need."""

    person_key: str
    facts: VoterFacts
    channel: Channel
    user_id: int | None = None
    entered_by_id: int | None = None


@dataclass(frozen=True)
class Cast:
    ballot_id: int
    uuid: str
    receipt: str
    cast_at: datetime


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
class SheetKey:
    """A cycle's ballot sheet as it stands: numbering a new project changes the key."""

    cycle_id: int
    budget_year: int
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
                         registration_code(key.budget_year, p.number), p.title, p.total_cost,
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
    key = SheetKey(cycle.id, cycle.budget_year, cycle.created_at, cycle.last_project_number)
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
               verifications.c.person_key, verifications.c.birth_date,
               verifications.c.resident, verifications.c.district_id,
               extensions.c.phase, extensions.c.new_end)
        .select_from(
            cycles.outerjoin(verifications, and_(
                verifications.c.user_id == bindparam("user_id"),
                verifications.c.revoked_at.is_(None)))
            .outerjoin(extensions, extensions.c.cycle_id == cycles.c.id))
        .where(cycles.c.id == bindparam("cycle_id"))
    )


_CALENDAR_FIELDS = tuple(field.name for field in fields(Calendar))
_CASTING_QUERY = _casting_query()


def casting_context(session: Session, cycle_id: int, user_id: int) -> CastingContext | None:
    """The cycle's rules with their phase extensions and the account's active verification,
    in one query of plain columns (a cast is the portal's busiest request); None when there
    is no such cycle."""
    rows = session.execute(_CASTING_QUERY, {"cycle_id": cycle_id, "user_id": user_id}).all()
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
        facts = VoterFacts(True, cycle["resident"], cycle["birth_date"], cycle["district_id"])
        voter = Voter(cycle["person_key"], facts, Channel.ONLINE, user_id=user_id)
    key = SheetKey(cycle_id, cycle["budget_year"], cycle["created_at"],
                   cycle["last_project_number"])
    return CastingContext(rules, key, voter)


def voter_facts(verification: Verification | None) -> VoterFacts:
    if verification is None:
        return VoterFacts(verified=False, resident=False, birth_date=None, district_id=None)
    return VoterFacts(True, verification.resident, verification.birth_date,
                      verification.district_id)


def online_voter(session: Session, user: User) -> Voter | None:
    """The voter behind a signed-in account, or None while it is not verified."""
    verification = active_verification(session, user)
    if verification is None:
        return None
    return Voter(verification.person_key, voter_facts(verification), Channel.ONLINE,
                 user_id=user.id)


def paper_voter(
    *, number: PersonNumber, birth_date: date, resident: bool, district_id: int | None,
    verifier: User, secret: str,
) -> Voter:
    """A person at the desk: the verifier has seen the document and typed these."""
    facts = VoterFacts(True, resident, birth_date, district_id)
    return Voter(person_key(number, secret), facts, Channel.PAPER, entered_by_id=verifier.id)


#: The two INSERTs of a cast, built once per dialect with bound parameters (not literal
#: values), so SQLAlchemy compiles each once and every cast only binds its row.
_CAST_STATEMENTS: dict[str, tuple] = {}


def _cast_statements(session: Session) -> tuple:
    dialect = session.get_bind().dialect.name
    if dialect not in _CAST_STATEMENTS:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        ballots = Ballot.__table__
        _CAST_STATEMENTS[dialect] = (
            insert(ballots).on_conflict_do_nothing(index_elements=["cycle_id", "person_key"])
            .returning(ballots.c.id),
            BallotChoice.__table__.insert(),
        )
    return _CAST_STATEMENTS[dialect]


def cast_ballot(
    session: Session, *, sheet: BallotSheet, voter: Voter, choices: Sequence[Choice],
    secret: str, now: datetime,
) -> Cast:
    """Store the ballot with its choices and audit event, in the caller's transaction.

    Raises ``BallotRefused`` (nothing stored) or ``AlreadyVoted`` (nothing new stored).
    The caller commits right away (the audit chain stays locked until it does).
    """
    cycle_id = sheet.cycle_id
    problems = check_ballot(sheet.rules, sheet.category_facts, sheet.project_facts, choices,
                            voter.facts, now)
    if problems:
        raise BallotRefused(problems)
    ballot_uuid = new_ballot_uuid()
    code = receipt_code(secret, ballot_uuid)
    assert voter.facts.birth_date is not None  # check_ballot refuses unverified voters
    row = {
        "uuid": ballot_uuid, "cycle_id": cycle_id, "person_key": voter.person_key,
        "channel": voter.channel.value, "user_id": voter.user_id,
        "entered_by_id": voter.entered_by_id, "cast_at": now, "receipt_hash": receipt_hash(code),
        "district_id": voter.facts.district_id,
        "age_band": age_band(voter.facts.birth_date, sheet.rules.last_day),
    }
    actor = voter.user_id or voter.entered_by_id
    action = f"ballot.cast_{voter.channel.value}"
    if session.get_bind().dialect.name == "postgresql":
        ballot_id = _cast_in_one_statement(session, row, choices, actor, action)
        if ballot_id is None:
            raise _already_voted(session, cycle_id, voter, secret)
        return Cast(ballot_id, ballot_uuid, code, now)
    insert_ballot, insert_choices = _cast_statements(session)
    connection = session.connection()
    ballot_id = connection.execute(insert_ballot, row).scalar_one_or_none()
    if ballot_id is None:
        raise _already_voted(session, cycle_id, voter, secret)
    # Every choice in one executemany (psycopg sends them in one pipeline).
    connection.execute(insert_choices, [
        {"ballot_id": ballot_id, "cycle_id": cycle_id, "category_id": c.category_id,
         "project_id": c.project_id} for c in choices
    ])
    # The audit event names the cycle and the channel, never the ballot or its choices:
    # the log must not become a screen that shows how a named person voted. It is the
    # last statement, so the audit chain's lock is held only from here to the COMMIT.
    audit.record_last(session, actor=actor, action=action, object_type="cycle",
                      object_id=cycle_id, at=now)
    return Cast(ballot_id, ballot_uuid, code, now)


#: A cast on PostgreSQL as one statement, one round trip: the ballot row (ON CONFLICT DO
#: NOTHING against the UNIQUE (cycle_id, person_key), the one-ballot guard), its choices,
#: and the audit event appended to the chain (``audit.append_sql``). Every later part reads
#: the ballot CTE's RETURNING, so when the person already has a ballot nothing at all is
#: written and no row comes back. The audit chain's head is locked inside this statement,
#: the transaction's last, and released by the COMMIT that follows.
_CAST_SQL = text(f"""
WITH ballot AS (
    INSERT INTO ballots (uuid, cycle_id, person_key, channel, user_id, entered_by_id, cast_at,
                         receipt_hash, district_id, age_band)
    VALUES (:uuid, :cycle_id, :person_key, :channel, :user_id, :entered_by_id, :cast_at,
            :receipt_hash, :district_id, :age_band)
    ON CONFLICT (cycle_id, person_key) DO NOTHING
    RETURNING id
),
choices AS (
    INSERT INTO ballot_choices (ballot_id, cycle_id, category_id, project_id)
    SELECT ballot.id, :cycle_id, chosen.category_id, chosen.project_id
    FROM ballot, unnest(CAST(:categories AS integer[]), CAST(:projects AS integer[]))
         AS chosen(category_id, project_id)
),
{audit.append_sql("SELECT 1 FROM ballot")}
SELECT ballot.id, (SELECT id FROM appended) AS event_id FROM ballot
""")  # noqa: S608 (constant SQL, values are bound)


def _cast_in_one_statement(session: Session, row_values: dict, choices: Sequence[Choice],
                           actor: int | None, action: str) -> int | None:
    """The ballot's id, or None when the person already has a ballot in the cycle."""
    params = {**row_values, "categories": [c.category_id for c in choices],
              "projects": [c.project_id for c in choices],
              **audit.append_params(actor=actor, action=action, object_type="cycle",
                                    object_id=row_values["cycle_id"],
                                    at=row_values["cast_at"])}
    row = session.execute(_CAST_SQL, params).first()
    if row is None:
        return None
    if row.event_id is None:  # no audit head yet: the portal's very first event
        audit.record(session, actor=actor, action=action, object_type="cycle",
                     object_id=row_values["cycle_id"], at=row_values["cast_at"])
    return row.id


def _already_voted(session: Session, cycle_id: int, voter: Voter, secret: str) -> AlreadyVoted:
    existing = session.execute(
        select(Ballot).where(Ballot.cycle_id == cycle_id, Ballot.person_key == voter.person_key)
    ).scalar_one()
    shown = voter.channel is Channel.ONLINE
    return AlreadyVoted(existing, receipt_code(secret, existing.uuid) if shown else None)


def own_ballot(session: Session, *, cycle: Cycle, user: User) -> Ballot | None:
    """The ballot of the person behind ``user`` in ``cycle``, whichever channel it came by."""
    verification = active_verification(session, user)
    if verification is None:
        return None
    return ballot_of(session, cycle.id, verification.person_key)


def ballot_of(session: Session, cycle_id: int, person_key: str) -> Ballot | None:
    return session.execute(
        select(Ballot).where(Ballot.cycle_id == cycle_id, Ballot.person_key == person_key)
    ).scalar_one_or_none()


def ballot_projects(session: Session, ballot: Ballot) -> list[Project]:
    return list(session.execute(
        select(Project).join(BallotChoice, BallotChoice.project_id == Project.id)
        .where(BallotChoice.ballot_id == ballot.id).order_by(Project.number)
    ).scalars())


MAX_CHOICES = 500


def parse_choices(values: Sequence[str]) -> list[Choice] | None:
    """Choices posted as ``"<category id>:<project id>"``; None when one is malformed or
    there are more than any ballot could hold (a tampered form, not a voter's mistake)."""
    if len(values) > MAX_CHOICES:
        return None
    choices = []
    for value in values:
        category, _, project = value.partition(":")
        if not (category.isdigit() and project.isdigit()) or len(value) > 40:
            return None
        choices.append(Choice(int(category), int(project)))
    return choices
