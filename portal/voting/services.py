"""Casting ballots, online and on paper, and finding a voter's own ballot (what a cast
reads before it, the voter and the cycle's rules and sheet, is in ``portal.voting.context``).

One person, one ballot per cycle (DESIGN rule 1) is kept by the database alone: the
ballot row is written with ``INSERT ... ON CONFLICT (cycle_id, person_key) DO NOTHING
RETURNING id``. When nothing comes back, another request already holds that person's
ballot, committed or about to be (PostgreSQL makes the second insert wait for the first
to finish; SQLite's write transactions are serialised), and the caller is told "already
voted". There is no look-up before the insert that the result could depend on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal import audit
from portal.accounts.models import User
from portal.cycles.models import Cycle
from portal.identity.services import active_verification
from portal.parsing import whole_number
from portal.projects.models import Project
from portal.refusal import Problem, Refused
from portal.tenancy import scope
from portal.voting.context import BallotSheet, Voter
from portal.voting.messages import PROBLEMS, choice_problems
from portal.voting.models import Ballot, BallotChoice, Channel
from portal.voting.receipts import new_ballot_uuid, receipt_code, receipt_hash
from portal.voting.rules import Choice, age_band, check_ballot


class AlreadyVoted(Refused):
    """The person already has a ballot in this cycle; nothing new was stored.

    A refusal that the pages answer in their own way: online, the voter is led to their own
    ballot; at the desk, it is said on the form. ``receipt`` is the existing ballot's code
    for the voter online (their own ballot), and None at the desk: whoever typed a person's
    number must not learn a receipt, which would find that person's choices on the public
    board.
    """

    def __init__(self, problem: Problem, ballot: Ballot, receipt: str | None) -> None:
        super().__init__(problem)
        self.ballot = ballot
        self.receipt = receipt


@dataclass(frozen=True)
class Cast:
    ballot_id: int
    uuid: str
    receipt: str
    cast_at: datetime


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

    Raises ``Refused`` with the rules' problems of the chosen projects (nothing stored) or
    ``AlreadyVoted`` (nothing new stored). The transaction is to be committed right away
    (the audit chain stays locked until it is): the view returns, and the request commits.
    """
    cycle_id = sheet.cycle_id
    problems = check_ballot(sheet.rules, sheet.category_facts, sheet.project_facts, choices,
                            voter.facts, now)
    if problems:
        raise Refused(*choice_problems(problems))
    ballot_uuid = new_ballot_uuid()
    code = receipt_code(secret, ballot_uuid)
    assert voter.facts.birth_date is not None  # check_ballot refuses unverified voters
    row = {
        "uuid": ballot_uuid, "cycle_id": cycle_id, "person_key": voter.person_key,
        "channel": voter.channel.value, "user_id": voter.user_id,
        "entered_by_id": voter.entered_by_id, "cast_at": now, "receipt_hash": receipt_hash(code),
        "district_id": voter.facts.district_id,
        "age_band": age_band(voter.facts.birth_date, sheet.rules.last_day),
        "community_id": scope.writing_community_id(session, "Ballot"),
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
         "project_id": c.project_id, "community_id": row["community_id"]} for c in choices
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
                         receipt_hash, district_id, age_band, community_id)
    VALUES (:uuid, :cycle_id, :person_key, :channel, :user_id, :entered_by_id, :cast_at,
            :receipt_hash, :district_id, :age_band, :community_id)
    ON CONFLICT (cycle_id, person_key) DO NOTHING
    RETURNING id
),
choices AS (
    INSERT INTO ballot_choices (ballot_id, cycle_id, category_id, project_id, community_id)
    SELECT ballot.id, :cycle_id, chosen.category_id, chosen.project_id, :community_id
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
              **audit.append_params(session, actor=actor, action=action, object_type="cycle",
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
    if voter.channel is Channel.ONLINE:
        return AlreadyVoted(PROBLEMS("already_voted"), existing,
                            receipt_code(secret, existing.uuid))
    return AlreadyVoted(PROBLEMS("already_voted_desk"), existing, None)


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
        try:
            choices.append(Choice(whole_number(category), whole_number(project)))
        except ValueError:  # not ASCII digits ("5:²", "5:٤٠"), or no such id can exist
            return None
    return choices
