"""The audit log: append-only, each row carrying the hash of the one before it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, unique_per_community

GENESIS_HASH = "0" * 64


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    #: Whose chain the event is in: a community's, or the platform's (None).
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="RESTRICT"))
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    __table_args__ = (
        # One successor per row of a chain: a fork cannot be stored even by a bug.
        *unique_per_community("audit_events", "prev_hash"),
        Index("ix_audit_events_chain", "community_id", "id"),
        Index("ix_audit_events_object", "object_type", "object_id"),
        CheckConstraint("length(hash) = 64", name="hash_length"),
    )


class AuditHead(Base):
    """One row per chain holding its newest hash; locking it serialises appends to that
    chain. ``id`` is the chain's community, 0 the platform's own."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_hash: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(default=0)


class AuditCheckpoint(Base):
    """A signed statement of the chain's state: how many events, the last one, its hash.

    ``statement`` is the signed text (``rules.Statement``); the columns beside it repeat
    its values for listing and are checked against it. ``last_event_id`` is deliberately no
    foreign key: a checkpoint is evidence about events, and must outlive their deletion to
    tell of it.
    """

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Whose chain the checkpoint states: a community's, or the platform's (None).
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="RESTRICT"))
    number: Mapped[int]
    at: Mapped[datetime]
    event_count: Mapped[int]
    last_event_id: Mapped[int]
    head_hash: Mapped[str] = mapped_column(String(64))
    statement: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(100))
    key_id: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        CheckConstraint("event_count > 0", name="counts_events"),
        *unique_per_community("audit_checkpoints", "number"),
    )
