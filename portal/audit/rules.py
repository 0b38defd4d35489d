"""The hash chain of the audit log and its signed checkpoints, as pure functions over plain
values.

A checkpoint is a signed statement "the chain had ``count`` events, the last of them
``last_event_id`` with hash ``head``", numbered and linked to the checkpoint before it.
Whoever can write to the database can recompute a chain; only the key's holder can sign
a statement, so the chain is checked against the statements (``checkpoint_findings``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from portal.audit import signing

STATEMENT_TYPE = "portal-audit-checkpoint/1"


def canonical_details(details: dict[str, Any]) -> str:
    return json.dumps(details, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=str)


@dataclass(frozen=True)
class ChainRow:
    id: int
    at: datetime
    actor_id: int | None
    action: str
    object_type: str
    object_id: str | None
    details: str
    prev_hash: str
    hash: str


def row_hash(
    *,
    prev_hash: str,
    at: datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str | None,
    details: str,
) -> str:
    """SHA-256 over the previous hash and every field of the row, in a fixed layout."""
    material = "\x1f".join(
        [
            prev_hash,
            at.isoformat(timespec="microseconds"),
            "" if actor_id is None else str(actor_id),
            action,
            object_type,
            object_id or "",
            details,
        ]
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def first_broken_link(rows: Iterable[ChainRow], genesis: str) -> tuple[int, str] | None:
    """The id of the first row whose link or content does not check out, with the reason."""
    expected_prev = genesis
    for row in rows:
        if row.prev_hash != expected_prev:
            return row.id, "prev_hash"
        recomputed = row_hash(
            prev_hash=row.prev_hash,
            at=row.at,
            actor_id=row.actor_id,
            action=row.action,
            object_type=row.object_type,
            object_id=row.object_id,
            details=row.details,
        )
        if recomputed != row.hash:
            return row.id, "hash"
        expected_prev = row.hash
    return None


class Tampering(StrEnum):
    """What a check of the log found, each with its own exit code of ``audit verify``."""

    TRUNCATION = "truncation"  # events deleted from the end
    REWRITE = "rewrite"  # an event's content changed (its hash, or a signed hash, differs)
    REORDERING = "reordering"  # events out of their order in the chain
    DELETION = "deletion"  # events deleted from the middle
    FORGED_CHECKPOINT = "forged_checkpoint"  # a checkpoint the key did not sign as stored
    MISSING_CHECKPOINT = "missing_checkpoint"  # a checkpoint deleted between two others


@dataclass(frozen=True)
class Finding:
    """One thing wrong, as a message code of ``messages.FINDINGS`` and its values."""

    kind: Tampering
    code: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Statement:
    """What a checkpoint says; ``text()`` is exactly what is signed."""

    number: int
    at: datetime
    count: int
    last_event_id: int
    head: str
    previous: str | None  # ``digest`` of the previous checkpoint's statement
    key: str  # the signing key's id

    def text(self) -> str:
        return json.dumps({
            "type": STATEMENT_TYPE, "number": self.number,
            "at": self.at.isoformat(timespec="microseconds"), "count": self.count,
            "last_event_id": self.last_event_id, "head": self.head,
            "previous": self.previous, "key": self.key,
        }, sort_keys=True, separators=(",", ":"))

    @classmethod
    def parse(cls, text: str) -> Statement:
        """The statement in ``text``; ValueError if it is not one in canonical form."""
        try:
            data = json.loads(text)
            statement = cls(
                number=int(data["number"]), at=datetime.fromisoformat(data["at"]),
                count=int(data["count"]), last_event_id=int(data["last_event_id"]),
                head=str(data["head"]), previous=data["previous"], key=str(data["key"]))
        except (ValueError, TypeError, KeyError) as error:
            raise ValueError(f"not a checkpoint statement: {error}") from None
        if data.get("type") != STATEMENT_TYPE or statement.text() != text:
            raise ValueError("not a checkpoint statement in canonical form")
        return statement


def digest(text: str) -> str:
    """SHA-256 of a statement's text: what the next checkpoint names as ``previous``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoredCheckpoint:
    """A checkpoint as stored: the signed text, its signature, and the columns beside it."""

    number: int
    statement: str
    signature: str
    key_id: str
    count: int
    last_event_id: int
    head: str


def signed_statements(
    stored: Iterable[StoredCheckpoint], public_keys: dict[str, str],
) -> tuple[list[Statement], list[Finding]]:
    """The statements that the trusted keys (id -> public key) really signed, in order, and
    what is wrong with the others and with their sequence.

    A checkpoint counts only if its signature verifies with a trusted key; columns that say
    otherwise than its statement are named, and the statement counts. Each must follow
    the one before it (``previous``), so that one deleted from the middle is named.
    """
    good: list[Statement] = []
    findings: list[Finding] = []
    for row in sorted(stored, key=lambda r: r.number):
        public = public_keys.get(row.key_id)
        try:
            statement = Statement.parse(row.statement)
        except ValueError:
            statement = None
        if (public is None or statement is None or statement.key != row.key_id
                or not signing.signature_valid(public, row.statement, row.signature)):
            findings.append(Finding(Tampering.FORGED_CHECKPOINT, "forged_signature",
                                    {"number": row.number, "key": row.key_id}))
            continue
        if (statement.number, statement.count, statement.last_event_id, statement.head) != (
                row.number, row.count, row.last_event_id, row.head):
            # The columns were edited; what was signed still holds and is checked.
            findings.append(Finding(Tampering.FORGED_CHECKPOINT, "forged_columns",
                                    {"number": row.number}))
        good.append(statement)
    previous: Statement | None = None
    for statement in good:
        expected = None if previous is None else digest(previous.text())
        expected_number = 1 if previous is None else previous.number + 1
        if statement.number != expected_number or statement.previous != expected:
            findings.append(
                Finding(Tampering.MISSING_CHECKPOINT, "first_missing",
                        {"number": statement.number}) if previous is None
                else Finding(Tampering.MISSING_CHECKPOINT, "missing_checkpoint",
                             {"number": statement.number, "previous": previous.number}))
        previous = statement
    return good, findings


def checkpoint_findings(
    statements: Iterable[Statement], anchored: dict[int, tuple[int, str]], total: int,
) -> list[Finding]:
    """What the log contradicts of the signed statements.

    ``anchored`` maps a position in the chain (1 = the first event) to the (id, hash) of
    the event found there, for the positions the statements count; ``total`` is how many
    events the log has. Fewer events than a statement counted is truncation; another event
    or hash at its position is a rewrite (of that event or of one before it, the later
    hashes recomputed).
    """
    findings: list[Finding] = []
    for statement in statements:
        values = {"number": statement.number, "at": statement.at, "count": statement.count,
                  "event": statement.last_event_id, "signed": statement.head[:16]}
        if total < statement.count:
            findings.append(Finding(Tampering.TRUNCATION, "truncated", {**values, "have": total}))
            continue
        found_id, found_hash = anchored[statement.count]
        if (found_id, found_hash) != (statement.last_event_id, statement.head):
            findings.append(Finding(Tampering.REWRITE, "rewritten", {
                **values, "found": found_id, "hash": found_hash[:16]}))
    return findings
