"""Recording and verifying audit events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from portal.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from portal.audit.rules import ChainRow, canonical_details, first_broken_link, row_hash
from portal.clock import utcnow


def _locked_head(session: Session) -> AuditHead:
    """The chain's head row, locked for this transaction; created on the very first event.

    Two first events at once would both find no head: the insert skips a row that another
    transaction created meanwhile (ON CONFLICT DO NOTHING), so neither fails, and the lock
    taken afterwards orders them.
    """
    # populate_existing: the head may have moved in SQL (record_last) since the session
    # last loaded it.
    query = (select(AuditHead).where(AuditHead.id == 1).with_for_update()
             .execution_options(populate_existing=True))
    head = session.execute(query).scalar_one_or_none()
    if head is None:
        dialect = session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        session.execute(
            insert(AuditHead).values(id=1, last_hash=GENESIS_HASH, count=0)
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
    """Append one event to the chain. Call it inside the transaction of the change it records.

    The head row is locked FOR UPDATE (SQLite's write transactions are serialised anyway), so
    two concurrent appends cannot both link to the same predecessor; the unique constraint on
    ``prev_hash`` refuses a fork should anything slip past the lock.
    """
    head = _locked_head(session)
    # The hash covers the moment as stored (UTC): a moment given in another zone would be
    # hashed as "+02:00" and read back as "+00:00", breaking the chain.
    at = (at or utcnow()).astimezone(UTC)
    actor_id = getattr(actor, "id", actor)
    detail_text = canonical_details(details or {})
    object_key = None if object_id is None else str(object_id)
    event = AuditEvent(
        at=at,
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
    SELECT last_hash FROM audit_head WHERE id = 1 AND EXISTS ({when}) FOR UPDATE
),
event AS (
    INSERT INTO audit_events (at, actor_id, action, object_type, object_id, details,
                              prev_hash, hash)
    SELECT :audit_at, :audit_actor_id, :audit_action, :audit_object_type, :audit_object_id,
           :audit_details, head.last_hash,
           encode(sha256(convert_to(head.last_hash || :audit_suffix, 'UTF8')), 'hex')
    FROM head
    RETURNING id, hash
),
appended AS (
    UPDATE audit_head SET last_hash = event.hash, count = audit_head.count + 1
    FROM event WHERE audit_head.id = 1
    RETURNING event.id
)"""  # noqa: S608 (constant SQL, values are bound)


def append_params(
    *, actor: Any, action: str, object_type: str, object_id: Any = None,
    details: dict[str, Any] | None = None, at: datetime | None = None,
) -> dict[str, Any]:
    """The parameters of ``append_sql`` for one event (the arguments of ``record``)."""
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
            "audit_details": detail_text, "audit_suffix": suffix}


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
        params = append_params(actor=actor, action=action, object_type=object_type,
                               object_id=object_id, details=details, at=at)
        if session.execute(_APPEND, params).first() is not None:
            return
    record(session, actor=actor, action=action, object_type=object_type,
           object_id=object_id, details=details, at=at)


def verify_chain(session: Session, *, batch: int = 5000) -> tuple[int, str] | None:
    """The first broken link of the whole chain as (event id, reason), or None if intact."""
    expected_prev = GENESIS_HASH
    last_id = 0
    while True:
        events = session.execute(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).scalars().all()
        if not events:
            break
        rows = [
            ChainRow(
                e.id, e.at, e.actor_id, e.action, e.object_type, e.object_id, e.details,
                e.prev_hash, e.hash,
            )
            for e in events
        ]
        broken = first_broken_link(rows, expected_prev)
        if broken:
            return broken
        expected_prev = rows[-1].hash
        last_id = rows[-1].id
    head = session.get(AuditHead, 1)
    if head is not None and head.last_hash != expected_prev:
        return last_id, "head"
    return None
