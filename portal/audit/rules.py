"""The hash chain of the audit log, as pure functions over plain values."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


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
