"""Ballots and their choices.

A ballot names the person only by ``person_key`` (the HMAC of the tax or document
number, the same key as ``Verification.person_key``), so the one-ballot rule holds
across the online and paper channels. The receipt code itself is never stored: it is
``HMAC(PERSON_KEY_SECRET, "receipt:" + uuid)`` (see ``receipts.py``), so the voter can be
shown it again on their own ballot page, while the public bulletin board and this table
carry only its SHA-256 (``receipt_hash``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base
from portal.enums import enum_column
from portal.i18n import _l
from portal.tenancy.models import CommunityOwned


class Channel(StrEnum):
    ONLINE = "online"
    PAPER = "paper"  # entered by a verifier at an administrative service centre
    IMPORTED = "imported"  # a research data set (.pb) loaded as a finished cycle

    @property
    def label(self) -> str:
        return str(CHANNEL_LABELS[self])


CHANNEL_LABELS = {
    Channel.ONLINE: _l("Online"),
    Channel.PAPER: _l("Paper ballot (administrative service centre)"),
    Channel.IMPORTED: _l("Imported data"),
}


class Ballot(CommunityOwned, Base):
    __tablename__ = "ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(32), unique=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="RESTRICT"))
    person_key: Mapped[str] = mapped_column(String(64))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "channel"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    cast_at: Mapped[datetime]
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Snapshots for participation statistics; the birth date itself is not kept.
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="RESTRICT"))
    age_band: Mapped[str | None] = mapped_column(String(8))
    annulled_at: Mapped[datetime | None]
    annulled_by_decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", ondelete="RESTRICT"))
    annul_reason: Mapped[str | None] = mapped_column(Text)

    choices: Mapped[list[BallotChoice]] = relationship(
        back_populates="ballot", order_by="BallotChoice.id")

    __table_args__ = (
        # THE guard of "one person, one ballot per cycle", whatever the channel: casting is
        # one INSERT ... ON CONFLICT DO NOTHING against this constraint, so two requests
        # racing (two tabs, two workers, a desk and a phone) cannot both store a ballot.
        UniqueConstraint("cycle_id", "person_key"),
        CheckConstraint("channel <> 'online' OR user_id IS NOT NULL", name="online_has_user"),
        CheckConstraint("channel <> 'paper' OR entered_by_id IS NOT NULL",
                        name="paper_has_verifier"),
        CheckConstraint("(annulled_at IS NULL) = (annulled_by_decision_id IS NULL) AND "
                        "(annulled_at IS NULL) = (annul_reason IS NULL)",
                        name="annulment_complete"),
        CheckConstraint("length(receipt_hash) = 64", name="receipt_hash_length"),
        Index("ix_ballots_user", "user_id"),
        # The bulletin board: a cycle's ballots in receipt-hash order, a page at a time.
        Index("ix_ballots_board", "cycle_id", "receipt_hash"),
        # The community's ballots not annulled, counted for its home page from the index
        # alone: without it the count reads the ballots of every community on the platform.
        # Partial, so that it is no use to the board (which names no annulment): as a
        # whole index on community_id it let the planner, which takes "this community"
        # for a two-hundredth of a cycle's ballots under row-level security, sort the
        # cycle's ballots for each page instead of reading them in order from
        # ix_ballots_board. (Migration 0022 also tells it that a cycle decides the
        # community, extended statistics no model can declare.)
        Index("ix_ballots_community", "community_id",
              postgresql_where=text("annulled_at IS NULL"),
              sqlite_where=text("annulled_at IS NULL")),
    )

    @property
    def annulled(self) -> bool:
        return self.annulled_at is not None


class BallotChoice(CommunityOwned, Base):
    """One project chosen on a ballot; ``cycle_id`` is repeated so counts need no join."""

    __tablename__ = "ballot_choices"

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="RESTRICT"))
    cycle_id: Mapped[int]
    category_id: Mapped[int]
    project_id: Mapped[int]

    ballot: Mapped[Ballot] = relationship(back_populates="choices")

    __table_args__ = (
        # The project with the category and cycle it belongs to: one check per choice keeps
        # all three consistent (three separate keys would check each alone, and lock the
        # cycle's and category's rows once per choice of every ballot cast).
        ForeignKeyConstraint(["project_id", "category_id", "cycle_id"],
                             ["projects.id", "projects.category_id", "projects.cycle_id"],
                             ondelete="RESTRICT"),
        # A project counts once per ballot even if a tampered form names it twice.
        UniqueConstraint("ballot_id", "project_id"),
        Index("ix_ballot_choices_count", "cycle_id", "project_id"),
    )
