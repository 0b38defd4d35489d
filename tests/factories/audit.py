"""An audit chain anchored by checkpoints, and the ways of tampering with it that
``audit verify`` must name (issue 10, point 6).

Each tampering is what someone with write access to the database (but not the signing key)
could do in SQL, the chain's head rewritten to match so that the chain alone still checks
out wherever that is possible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from config import TESTING_AUDIT_KEY
from portal import audit
from portal.audit import signing
from portal.audit.models import AuditCheckpoint, AuditEvent
from portal.audit.rules import Statement, digest, row_hash
from portal.audit.signing import private_key

#: The test configuration's signing key.
KEY = private_key(TESTING_AUDIT_KEY)
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Link:
    """An event of the chain as it was appended (its row may be gone or changed later)."""

    id: int
    hash: str


def build_chain(session: Session, *, events: int = 12, checkpoints_at: tuple[int, ...] = (5, 10),
                key: Ed25519PrivateKey = KEY) -> list[Link]:
    """``events`` events appended one a minute, a checkpoint signed after each count of
    ``checkpoints_at``; the events in order."""
    made: list[Link] = []
    for n in range(1, events + 1):
        at = START + timedelta(minutes=n)
        event = audit.record(session, actor=None, action="test.step", object_type="step",
                             object_id=n, details={"step": n}, at=at)
        made.append(Link(event.id, event.hash))
        if n in checkpoints_at:
            audit.take_checkpoint(session, key=key, now=at + timedelta(seconds=30))
    return made


def _set_head(session: Session, *, count: bool = True) -> None:
    """Point the chain's head at the last event, counting the events (unless not
    ``count``): what a careful forger does after changing the log."""
    session.execute(text(
        "UPDATE audit_head SET last_hash = (SELECT hash FROM audit_events WHERE id = "
        "(SELECT max(id) FROM audit_events))"))
    if count:
        session.execute(text("UPDATE audit_head SET count = (SELECT count(*) FROM audit_events)"))
    session.expire_all()


def truncate(session: Session, events: list[Link], *, keep: int, count: bool = True) -> None:
    """Delete every event after the first ``keep``, and rewrite the head to the new last
    (its count too, unless not ``count``)."""
    session.execute(text("DELETE FROM audit_events WHERE id > :id"), {"id": events[keep - 1].id})
    _set_head(session, count=count)


def delete_last_only(session: Session, events: list[Link]) -> None:
    """Delete the last event and leave the head as it was."""
    session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": events[-1].id})
    session.expire_all()


def rewrite_and_rehash(session: Session, events: list[Link], *, index: int,
                       details: str = '{"step":"forged"}') -> None:
    """Change the details of ``events[index]`` and recompute its hash and every later one,
    links included, so that the chain and its head check out."""
    ids = [e.id for e in events]
    rows = {row.id: row for row in session.execute(
        select(AuditEvent.id, AuditEvent.at, AuditEvent.actor_id, AuditEvent.action,
               AuditEvent.object_type, AuditEvent.object_id, AuditEvent.details,
               AuditEvent.prev_hash).where(AuditEvent.id.in_(ids)))}
    prev = rows[ids[index]].prev_hash
    for position, event_id in enumerate(ids[index:], start=index):
        row = rows[event_id]
        content = details if position == index else row.details
        new_hash = row_hash(prev_hash=prev, at=row.at, actor_id=row.actor_id,
                            action=row.action, object_type=row.object_type,
                            object_id=row.object_id, details=content)
        session.execute(text("UPDATE audit_events SET details = :d, prev_hash = :p, hash = :h "
                             "WHERE id = :id"),
                        {"d": content, "p": prev, "h": new_hash, "id": event_id})
        prev = new_hash
    _set_head(session)


def edit_without_rehash(session: Session, event: Link) -> None:
    """Change an event's details and nothing else."""
    session.execute(text("UPDATE audit_events SET details = '{}' WHERE id = :id"),
                    {"id": event.id})
    session.expire_all()


def swap(session: Session, first: Link, second: Link) -> None:
    """Exchange two events' places in the sequence (their ids)."""
    for old, new in ((first.id, -1), (second.id, first.id), (-1, second.id)):
        session.execute(text("UPDATE audit_events SET id = :new WHERE id = :old"),
                        {"new": new, "old": old})
    session.expire_all()


def delete_middle(session: Session, event: Link) -> None:
    """Delete one event from the middle of the chain, the head left as it was."""
    session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": event.id})
    session.expire_all()


def forge_checkpoint(session: Session, *, key: Ed25519PrivateKey, claim_key_id: str | None = None,
                     count: int | None = None) -> AuditCheckpoint:
    """A next checkpoint in good form, linked to the last one, but signed with ``key``
    (naming ``claim_key_id``, by default ``key``'s own id)."""
    last = session.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.number.desc())
                           ).scalars().first()
    event = session.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
    total = session.scalar(select(func.count()).select_from(AuditEvent))
    key_id = claim_key_id or signing.key_id(signing.public_key_text(key))
    statement = Statement(number=last.number + 1, at=event.at + timedelta(minutes=1),
                          count=count or total, last_event_id=event.id, head=event.hash,
                          previous=digest(last.statement), key=key_id)
    forged = AuditCheckpoint(community_id=last.community_id,  # in the same chain
                             number=statement.number, at=statement.at,
                             event_count=statement.count, last_event_id=event.id,
                             head_hash=event.hash, statement=statement.text(),
                             signature=signing.sign(key, statement.text()), key_id=key_id)
    session.add(forged)
    session.flush()
    return forged


def lower_checkpoint_count(session: Session, number: int, count: int) -> None:
    """Edit a signed checkpoint's stored count (not its statement) to hide a truncation."""
    session.execute(text("UPDATE audit_checkpoints SET event_count = :c WHERE number = :n"),
                    {"c": count, "n": number})
    session.expire_all()


def delete_checkpoint(session: Session, number: int) -> None:
    session.execute(text("DELETE FROM audit_checkpoints WHERE number = :n"), {"n": number})
    session.expire_all()

