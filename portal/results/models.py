"""The stored tallies: each count of a cycle with its rule, inputs digest and outcome."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from portal.cycles.rules import TieRule, WinnerRule
from portal.db import Base
from portal.enums import enum_column
from portal.tenancy.models import CommunityOwned

APPROVED = text("approved_at IS NOT NULL")


class Tally(CommunityOwned, Base):
    """One count of a cycle: the rule, a digest of its inputs and the outcome.

    Anyone can rebuild the inputs from the bulletin board and the project list, hash them
    the same way (``portal.results.rules.inputs_digest``) and compare. The winners are final
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
