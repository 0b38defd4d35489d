"""Checking the audit chain and signing its checkpoints.

``verify_chain`` walks the links; ``verify_log`` also checks the chain against the
checkpoints the trusted keys signed; ``take_checkpoint`` signs the chain's present state
(the worker does, hourly); the rest reads the checkpoints for the CLI, the API and the
public page. Recording events is ``services``'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select
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
    checkpoint_findings,
    digest,
    first_broken_link,
    row_hash,
    signed_statements,
)
from portal.audit.services import chain_of, in_chain, locked_head
from portal.parsing import page_within
from portal.refusal import Refused


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
    head = locked_head(session, chain)
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
