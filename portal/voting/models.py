"""Ballots, their choices and the stored tallies.

A ballot names the person only by ``person_key`` (the HMAC of the tax or document
number, the same key as ``Verification.person_key``), so the one-ballot rule holds
across the online and paper channels. The receipt code itself is never stored: it is
``HMAC(PERSON_KEY_SECRET, "receipt:" + uuid)`` (see ``receipts.py``), so the voter can be
shown it again on their own ballot page, while the public bulletin board and this table
carry only its SHA-256 (``receipt_hash``).
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
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

from portal.cycles.rules import TieRule, WinnerRule
from portal.db import Base
from portal.enums import enum_column
from portal.i18n import _l

APPROVED = text("approved_at IS NOT NULL")

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


class Ballot(Base):
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
    )

    @property
    def annulled(self) -> bool:
        return self.annulled_at is not None


class BallotChoice(Base):
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


class Tally(Base):
    """One count of a cycle: the rule, a digest of its inputs and the outcome.

    Anyone can rebuild the inputs from the bulletin board and the project list, hash them
    the same way (``portal.voting.rules.inputs_digest``) and compare. The winners are final
    once a commission decision approves the tally.
    """

    __tablename__ = "tallies"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="RESTRICT"))
    rule: Mapped[WinnerRule] = mapped_column(enum_column(WinnerRule, "winner_rule"))
    tie_rule: Mapped[TieRule] = mapped_column(enum_column(TieRule, "tie_rule"))
    seed: Mapped[int | None] = mapped_column(BigInteger)
    min_votes: Mapped[int | None]
    leftover_to_category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"))
    ballots: Mapped[int]
    inputs_digest: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime]
    computed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    approved_at: Mapped[datetime | None]
    approved_by_decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", ondelete="RESTRICT"), unique=True)

    __table_args__ = (
        CheckConstraint("(approved_at IS NULL) = (approved_by_decision_id IS NULL)",
                        name="approval_complete"),
        CheckConstraint("ballots >= 0", name="ballots_not_negative"),
        Index("ix_tallies_cycle", "cycle_id", "computed_at"),
        # At most one approved tally per cycle: the guard against two approvals racing.
        Index("uq_tallies_approved_cycle", "cycle_id", unique=True,
              sqlite_where=APPROVED, postgresql_where=APPROVED),
    )

    @property
    def data(self) -> dict[str, Any]:
        return json.loads(self.outcome)
