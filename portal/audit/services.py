"""Recording audit events in the community's hash chain (``checkpoints`` checks the chain
and signs it)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from portal.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from portal.audit.rules import (
    canonical_details,
    row_hash,
)
from portal.clock import utcnow
from portal.tenancy import scope


def chain_of(session: Session) -> int:
    """The chain the session's work goes to: its community's (the head's id is the
    community's), or the platform's own, 0, where no community is current."""
    return max(scope.current_community_id(session), 0)


def in_chain(column: Any, chain: int) -> Any:
    """``column`` (an events' or checkpoints' ``community_id``) names ``chain``."""
    return column.is_(None) if chain == 0 else column == chain


def locked_head(session: Session, chain: int) -> AuditHead:
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
    head = locked_head(session, chain)
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
