"""Recording audit events, signing checkpoints of the chain, and verifying both."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from portal.audit import signing
from portal.audit.messages import PROBLEMS
from portal.audit.models import GENESIS_HASH, AuditCheckpoint, AuditEvent, AuditHead
from portal.audit.rules import (
    ChainRow,
    Finding,
    Statement,
    StoredCheckpoint,
    Tampering,
    canonical_details,
    checkpoint_findings,
    digest,
    first_broken_link,
    row_hash,
    signed_statements,
)
from portal.clock import utcnow
from portal.parsing import page_within
from portal.refusal import Refused
from portal.tenancy import scope


def chain_of(session: Session) -> int:
    """The chain the session's work goes to: its community's (the head's id is the
    community's), or the platform's own, 0, where no community is current."""
    return max(scope.current_community_id(session), 0)


def in_chain(column: Any, chain: int) -> Any:
    """``column`` (an events' or checkpoints' ``community_id``) names ``chain``."""
    return column.is_(None) if chain == 0 else column == chain


def _locked_head(session: Session, chain: int) -> AuditHead:
    """The chain's head row, locked for this transaction; created on its very first event.

    Two first events at once would both find no head: the insert skips a row that another
    transaction created meanwhile (ON CONFLICT DO NOTHING), so neither fails, and the lock
    taken afterwards orders them.
    """
    # populate_existing: the head may have moved in SQL (record_last) since the session
    # last loaded it.
    query = (select(AuditHead).where(AuditHead.id == chain).with_for_update()
             .execution_options(populate_existing=True))
    head = session.execute(query).scalar_one_or_none()
    if head is None:
        dialect = session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        session.execute(
            insert(AuditHead).values(id=chain, last_hash=GENESIS_HASH, count=0)
            .on_conflict_do_nothing(index_elements=["id"])
        )
        head = session.execute(query).scalar_one()
    return head


def record(
    session: Session,
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: Any = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event to the chain of the current community (the platform's own where
    none is). Call it inside the transaction of the change it records.

    The head row is locked FOR UPDATE (SQLite's write transactions are serialised anyway), so
    two concurrent appends cannot both link to the same predecessor; the unique constraint on
    ``prev_hash`` within a chain refuses a fork should anything slip past the lock. Each
    community's chain has its own head: appends in different communities do not wait for
    each other.
    """
    chain = chain_of(session)
    head = _locked_head(session, chain)
    # The hash covers the moment as stored (UTC): a moment given in another zone would be
    # hashed as "+02:00" and read back as "+00:00", breaking the chain.
    at = (at or utcnow()).astimezone(UTC)
    actor_id = getattr(actor, "id", actor)
    detail_text = canonical_details(details or {})
    object_key = None if object_id is None else str(object_id)
    event = AuditEvent(
        at=at,
        community_id=chain or None,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_key,
        details=detail_text,
        prev_hash=head.last_hash,
    )
    event.hash = row_hash(
        prev_hash=head.last_hash,
        at=at,
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=object_key,
        details=detail_text,
    )
    head.last_hash = event.hash
    head.count += 1
    session.add(event)
    session.flush()
    return event


def append_sql(when: str = "SELECT 1") -> str:
    """CTEs that append one event to the chain on PostgreSQL, named ``appended`` (its id).

    They lock the head, hash, insert the event and move the head, all in the statement that
    includes them, with the values of ``append_params``. The hash is SHA-256 of ``prev_hash``
    followed by the rest of the material, which Python lays out exactly as ``row_hash`` does
    (the ``suffix`` parameter), so the two agree byte for byte and ``verify_chain`` checks
    it. Nothing is appended when the query ``when`` finds no row (a statement that turned out
    to change nothing), nor before the first event made the head.
    """
    return f"""head AS (
    SELECT last_hash FROM audit_head WHERE id = :audit_chain AND EXISTS ({when}) FOR UPDATE
),
event AS (
    INSERT INTO audit_events (at, community_id, actor_id, action, object_type, object_id,
                              details, prev_hash, hash)
    SELECT :audit_at, CAST(:audit_community AS integer), :audit_actor_id, :audit_action,
           :audit_object_type, :audit_object_id, :audit_details, head.last_hash,
           encode(sha256(convert_to(head.last_hash || :audit_suffix, 'UTF8')), 'hex')
    FROM head
    RETURNING id, hash
),
appended AS (
    UPDATE audit_head SET last_hash = event.hash, count = audit_head.count + 1
    FROM event WHERE audit_head.id = :audit_chain
    RETURNING event.id
)"""  # noqa: S608 (constant SQL, values are bound)


def append_params(
    session: Session, *, actor: Any, action: str, object_type: str, object_id: Any = None,
    details: dict[str, Any] | None = None, at: datetime | None = None,
) -> dict[str, Any]:
    """The parameters of ``append_sql`` for one event (the arguments of ``record``)."""
    chain = chain_of(session)
    at = (at or utcnow()).astimezone(UTC)
    actor_id = getattr(actor, "id", actor)
    detail_text = canonical_details(details or {})
    object_key = None if object_id is None else str(object_id)
    # row_hash's material after prev_hash (see portal.audit.rules.row_hash).
    suffix = "\x1f" + "\x1f".join([
        at.isoformat(timespec="microseconds"), "" if actor_id is None else str(actor_id),
        action, object_type, object_key or "", detail_text])
    return {"audit_at": at, "audit_actor_id": actor_id, "audit_action": action,
            "audit_object_type": object_type, "audit_object_id": object_key,
            "audit_details": detail_text, "audit_suffix": suffix,
            "audit_chain": chain, "audit_community": chain or None}


_APPEND = text(f"WITH {append_sql()} SELECT id FROM appended")  # noqa: S608 (constant SQL, values are bound)


def record_last(
    session: Session,
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: Any = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """``record``, for a transaction that commits right after: the chain's lock is held as
    briefly as possible.

    Appends to the chain serialise on the head row's lock until COMMIT, so on PostgreSQL the
    lock, the hash, the event and the head's move are one statement (``append_sql``: one
    round trip, no Python in between). Call it as the last statement before the commit;
    elsewhere (SQLite, or before the first event made the head) it is ``record``.
    """
    if session.get_bind().dialect.name == "postgresql":
        params = append_params(session, actor=actor, action=action, object_type=object_type,
                               object_id=object_id, details=details, at=at)
        if session.execute(_APPEND, params).first() is not None:
            return
    record(session, actor=actor, action=action, object_type=object_type,
           object_id=object_id, details=details, at=at)


def _chain_rows(session: Session, *, after_id: int = 0,
                batch: int = 5000) -> Iterator[list[ChainRow]]:
    """The events of the current chain after ``after_id`` in its order (by id), a batch at
    a time."""
    chain = chain_of(session)
    columns = (AuditEvent.id, AuditEvent.at, AuditEvent.actor_id, AuditEvent.action,
               AuditEvent.object_type, AuditEvent.object_id, AuditEvent.details,
               AuditEvent.prev_hash, AuditEvent.hash)
    session.flush()
    connection = session.connection()
    while True:
        # Plain Core rows, not the ORM's: a long log neither piles up in the session nor
        # pays for the ORM's loading (several times the cost of hashing).
        rows = [ChainRow(*row) for row in connection.execute(
            select(*columns).where(in_chain(AuditEvent.community_id, chain),
                                   AuditEvent.id > after_id).order_by(AuditEvent.id)
            .limit(batch))]
        if not rows:
            return
        yield rows
        after_id = rows[-1].id


def verify_chain(session: Session, *, batch: int = 5000) -> tuple[int, str] | None:
    """The first broken link of the whole chain as (event id, reason), or None if intact;
    without the checkpoints (``verify_log`` checks them too)."""
    expected_prev = GENESIS_HASH
    last_id = 0
    for rows in _chain_rows(session, batch=batch):
        broken = first_broken_link(rows, expected_prev)
        if broken:
            return broken
        expected_prev = rows[-1].hash
        last_id = rows[-1].id
    head = session.get(AuditHead, chain_of(session))
    if head is not None and head.last_hash != expected_prev:
        return last_id, "head"
    return None


def _event_with_hash(session: Session, value: str) -> int | None:
    return session.scalar(select(AuditEvent.id).where(
        in_chain(AuditEvent.community_id, chain_of(session)), AuditEvent.hash == value))


def _link_finding(session: Session, row: ChainRow, previous_id: int) -> Finding:
    """Why ``row`` does not follow the event before it: its own content changed (rewrite),
    it belongs elsewhere in the chain (reordering), or what it follows is gone (deletion)."""
    recomputed = row_hash(prev_hash=row.prev_hash, at=row.at, actor_id=row.actor_id,
                          action=row.action, object_type=row.object_type,
                          object_id=row.object_id, details=row.details)
    if recomputed != row.hash:
        return Finding(Tampering.REWRITE, "hash", {"event": row.id})
    follows = _event_with_hash(session, row.prev_hash)
    if follows is not None:
        return Finding(Tampering.REORDERING, "reordered",
                       {"event": row.id, "follows": follows, "previous": previous_id})
    return Finding(Tampering.DELETION, "deleted", {"event": row.id})


@dataclass(frozen=True)
class Verification:
    """What ``verify_log`` found: nothing wrong when ``findings`` is empty."""

    findings: list[Finding]
    total: int  # events in the log
    statements: list[Statement]  # the checkpoints whose signatures verify, in order


def stored_checkpoints(session: Session) -> list[AuditCheckpoint]:
    return list(session.execute(
        select(AuditCheckpoint).where(in_chain(AuditCheckpoint.community_id, chain_of(session)))
        .order_by(AuditCheckpoint.number)).scalars())


def _stored(checkpoint: AuditCheckpoint) -> StoredCheckpoint:
    return StoredCheckpoint(checkpoint.number, checkpoint.statement, checkpoint.signature,
                            checkpoint.key_id, checkpoint.event_count,
                            checkpoint.last_event_id, checkpoint.head_hash)


def verify_log(session: Session, *, public_keys: dict[str, str],
               batch: int = 5000) -> Verification:
    """Check every link of the chain, its head, and the chain against the checkpoints that
    the trusted keys (id -> base64 public key) signed; every finding, in that order.

    Only the first broken link is named (after it, every later link is suspect anyway);
    the walk goes on to the end to find the events at the checkpoints' positions.
    """
    statements, checkpoint_problems = signed_statements(
        map(_stored, stored_checkpoints(session)), public_keys)
    positions = {statement.count for statement in statements}
    anchored: dict[int, tuple[int, str]] = {}
    findings: list[Finding] = []
    expected_prev, last_id, total = GENESIS_HASH, 0, 0
    for rows in _chain_rows(session, batch=batch):
        if not findings:
            broken = first_broken_link(rows, expected_prev)
            if broken is not None:
                index = next(i for i, row in enumerate(rows) if row.id == broken[0])
                previous_id = rows[index - 1].id if index else last_id
                findings.append(_link_finding(session, rows[index], previous_id))
        for row in rows:
            total += 1
            if total in positions:
                anchored[total] = (row.id, row.hash)
        expected_prev, last_id = rows[-1].hash, rows[-1].id
    # The head as stored now, not as this session last saw it.
    head = session.execute(select(AuditHead).where(AuditHead.id == chain_of(session))
                           .execution_options(populate_existing=True)).scalar_one_or_none()
    if head is not None and head.last_hash != expected_prev:
        found = _event_with_hash(session, head.last_hash)
        findings.append(
            Finding(Tampering.TRUNCATION, "head_missing", {"event": last_id}) if found is None
            else Finding(Tampering.REWRITE, "head_behind", {"event": last_id, "found": found}))
    elif head is not None and head.count > total and not findings:
        # Every link checks out from the first event, yet fewer than the head counted: the
        # end was cut and the head's hash (not its count) rewritten.
        findings.append(Finding(Tampering.TRUNCATION, "head_count",
                                {"count": head.count, "have": total}))
    findings += checkpoint_findings(statements, anchored, total)
    return Verification(findings + checkpoint_problems, total, statements)


def latest_checkpoint(session: Session) -> AuditCheckpoint | None:
    """The newest checkpoint of the current chain, whatever its signature."""
    return session.execute(
        select(AuditCheckpoint).where(in_chain(AuditCheckpoint.community_id, chain_of(session)))
        .order_by(AuditCheckpoint.number.desc()).limit(1)
    ).scalar_one_or_none()


def take_checkpoint(session: Session, *, key: Ed25519PrivateKey,
                    now: datetime) -> AuditCheckpoint | None:
    """Sign the chain's present state: count, last event, its hash; None if nothing was
    appended since the last checkpoint.

    The chain's head stays locked until the transaction ends, so no event slips in between
    what is read and what is signed. Only what checks out is signed: the last checkpoint's
    own signature, its event still bearing its hash, and every link since (so each
    checkpoint costs the events since the one before, not the whole log); otherwise
    ``Refused`` (``broken_...``), since a signature over a tampered log would vouch for it.
    """
    chain = chain_of(session)
    head = _locked_head(session, chain)
    public = signing.public_key_text(key)
    key_id = signing.key_id(public)
    last = latest_checkpoint(session)
    genesis, after_id, count, previous, number = GENESIS_HASH, 0, 0, None, 1
    if last is not None:
        if not signing.signature_valid(public, last.statement, last.signature):
            raise Refused(PROBLEMS("broken_checkpoint", number=last.number))
        signed = Statement.parse(last.statement)  # what was signed, whatever the columns say
        anchor = session.get(AuditEvent, signed.last_event_id)
        if anchor is None or anchor.hash != signed.head:
            raise Refused(PROBLEMS("broken_event", event=signed.last_event_id))
        genesis, after_id, count = signed.head, signed.last_event_id, signed.count
        previous, number = digest(last.statement), signed.number + 1
    last_row = None
    for rows in _chain_rows(session, after_id=after_id):
        broken = first_broken_link(rows, genesis)
        if broken is not None:
            raise Refused(PROBLEMS("broken_event", event=broken[0]))
        genesis, last_row, count = rows[-1].hash, rows[-1], count + len(rows)
    if head.last_hash != genesis:
        raise Refused(PROBLEMS("broken_head"))
    if last_row is None:
        return None
    at = now.astimezone(UTC)
    statement = Statement(number=number, at=at, count=count,
                          last_event_id=last_row.id, head=last_row.hash, previous=previous,
                          key=key_id)
    text = statement.text()
    checkpoint = AuditCheckpoint(
        community_id=chain or None, number=statement.number, at=at, event_count=count,
        last_event_id=last_row.id,
        head_hash=last_row.hash, statement=text, signature=signing.sign(key, text),
        key_id=key_id)
    session.add(checkpoint)
    session.flush()
    return checkpoint


def published_checkpoint(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    """A checkpoint as the API and the page publish it: what anyone needs to check it."""
    return {"number": checkpoint.number, "at": checkpoint.at.astimezone(UTC).isoformat(),
            "count": checkpoint.event_count, "last_event_id": checkpoint.last_event_id,
            "head": checkpoint.head_hash, "key_id": checkpoint.key_id,
            "statement": checkpoint.statement, "signature": checkpoint.signature}


@dataclass(frozen=True)
class CheckpointPage:
    checkpoints: list[AuditCheckpoint]  # newest first
    page: int
    pages: int
    total: int


def checkpoint_page(session: Session, *, page: int, size: int = 50) -> CheckpointPage:
    """One page of the checkpoints, newest first; a page beyond the last is the last."""
    mine = in_chain(AuditCheckpoint.community_id, chain_of(session))
    total = session.scalar(select(func.count()).select_from(AuditCheckpoint).where(mine)) or 0
    page, pages = page_within(page, total=total, size=size)
    rows = session.execute(
        select(AuditCheckpoint).where(mine).order_by(AuditCheckpoint.number.desc())
        .offset((page - 1) * size).limit(size)).scalars().all()
    return CheckpointPage(list(rows), page, pages, total)
