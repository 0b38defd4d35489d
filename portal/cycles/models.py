"""A participatory-budget cycle (one edition, e.g. "Бюджет участі-2026"), its categories,
its phase extensions and its suspensions.

Phase boundaries are aware datetimes stored in UTC; each phase is the half-open window
``[start, end)`` (see ``portal.cycles.rules``). The current phase is never stored: it is
derived from these dates, the extensions and the suspension. Money is in kopecks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.community.models import District
from portal.cycles.rules import (
    BallotType,
    Calendar,
    CategoryKind,
    DiscussionPeriod,
    Extension,
    Phase,
    TieRule,
    VotesScope,
    WinnerRule,
    current_phase,
    registration_code,
)
from portal.db import Base
from portal.enums import enum_column
from portal.tenancy.models import CommunityOwned


class Cycle(CommunityOwned, Base):
    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    budget_year: Mapped[int]
    total_budget: Mapped[int] = mapped_column(BigInteger)
    description: Mapped[str] = mapped_column(Text, default="")

    submission_start: Mapped[datetime]
    submission_end: Mapped[datetime]
    support_start: Mapped[datetime | None]
    support_end: Mapped[datetime | None]
    review_start: Mapped[datetime]
    review_end: Mapped[datetime]
    voting_start: Mapped[datetime]
    voting_end: Mapped[datetime]
    results_date: Mapped[datetime]

    # The current suspension, if any; CycleSuspension keeps the history.
    suspended_at: Mapped[datetime | None]
    suspension_reason: Mapped[str | None] = mapped_column(Text)

    # Rules: each one number or one enum.
    min_age_submit: Mapped[int] = mapped_column(default=16)
    min_age_vote: Mapped[int] = mapped_column(default=16)
    support_needed: Mapped[int] = mapped_column(default=0)  # 0: no signatures collected
    projects_per_author: Mapped[int] = mapped_column(default=3)
    votes_per_voter: Mapped[int] = mapped_column(default=3)  # 0: no limit (knapsack ballots)
    votes_scope: Mapped[VotesScope] = mapped_column(
        enum_column(VotesScope, "votes_scope"), default=VotesScope.PER_CATEGORY)
    ballot_type: Mapped[BallotType] = mapped_column(
        enum_column(BallotType, "ballot_type"), default=BallotType.APPROVAL)
    winner_rule: Mapped[WinnerRule] = mapped_column(
        enum_column(WinnerRule, "winner_rule"), default=WinnerRule.GREEDY)
    tie_rule: Mapped[TieRule] = mapped_column(
        enum_column(TieRule, "tie_rule"), default=TieRule.REGISTRATION)
    min_votes: Mapped[int | None]
    complaint_days: Mapped[int] = mapped_column(default=5)
    leftover_to_category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL", use_alter=True,
                   name="fk_cycles_leftover_to_category_id_categories"))
    live_counts_during_voting: Mapped[bool] = mapped_column(default=False)
    # How long the projects' discussion stays open (portal.discussion.rules).
    discussion_period: Mapped[DiscussionPeriod] = mapped_column(
        enum_column(DiscussionPeriod, "discussion_period"), default=DiscussionPeriod.VOTING)
    # The program measure the winners are funded under (portal.programs).
    measure_id: Mapped[int | None] = mapped_column(ForeignKey("measures.id", ondelete="SET NULL"))

    # The last registration number given; the row is locked FOR UPDATE to take the next.
    last_project_number: Mapped[int] = mapped_column(default=0)
    # 1 for the first cycle of its budget year, 2 for the second, ...: it sets the cycles'
    # registration numbers apart (``rules.registration_code``); see ``services.series_for``.
    registration_series: Mapped[int] = mapped_column(default=1)

    created_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))

    categories: Mapped[list[Category]] = relationship(
        back_populates="cycle", order_by="(Category.position, Category.id)",
        foreign_keys="Category.cycle_id", cascade="all, delete-orphan",
    )
    extensions: Mapped[list[PhaseExtension]] = relationship(
        back_populates="cycle", order_by="PhaseExtension.id", cascade="all, delete-orphan",
    )

    __table_args__ = (
        CheckConstraint("total_budget >= 0", name="total_budget_not_negative"),
        CheckConstraint("budget_year BETWEEN 2000 AND 2200", name="budget_year_range"),
        CheckConstraint("submission_start < submission_end", name="submission_order"),
        CheckConstraint("(support_start IS NULL) = (support_end IS NULL)", name="support_pair"),
        CheckConstraint("support_start IS NULL OR (support_start < support_end "
                        "AND support_start >= submission_end)", name="support_order"),
        CheckConstraint("review_start < review_end AND review_start >= submission_end",
                        name="review_order"),
        CheckConstraint("voting_start < voting_end AND voting_start >= review_end",
                        name="voting_order"),
        CheckConstraint("results_date >= voting_end", name="results_order"),
        CheckConstraint("(suspended_at IS NULL) = (suspension_reason IS NULL)",
                        name="suspension_has_reason"),
        CheckConstraint("min_age_submit BETWEEN 0 AND 120 AND min_age_vote BETWEEN 0 AND 120",
                        name="ages"),
        CheckConstraint("support_needed >= 0", name="support_needed_not_negative"),
        CheckConstraint("projects_per_author >= 1", name="projects_per_author_positive"),
        CheckConstraint("votes_per_voter >= 0", name="votes_per_voter_not_negative"),
        CheckConstraint("min_votes IS NULL OR min_votes >= 0", name="min_votes_not_negative"),
        CheckConstraint("complaint_days >= 0", name="complaint_days_not_negative"),
        CheckConstraint("last_project_number >= 0", name="last_number_not_negative"),
        CheckConstraint("registration_series >= 1", name="registration_series_positive"),
        # No two cycles of a year share a series, so no registration number names two
        # projects of the community.
        Index("uq_cycles_budget_year_registration_series", "community_id", "budget_year",
              "registration_series", unique=True),
        UniqueConstraint("community_id", "name"),
    )

    @property
    def calendar(self) -> Calendar:
        return Calendar(
            budget_year=self.budget_year,
            submission_start=self.submission_start, submission_end=self.submission_end,
            support_start=self.support_start, support_end=self.support_end,
            review_start=self.review_start, review_end=self.review_end,
            voting_start=self.voting_start, voting_end=self.voting_end,
            results_date=self.results_date,
        )

    @property
    def extension_rules(self) -> list[Extension]:
        return [Extension(e.phase, e.new_end) for e in self.extensions]

    def phase(self, now: datetime) -> Phase:
        """The phase at ``now`` (see ``portal.cycles.rules.current_phase``)."""
        return current_phase(self.calendar, self.extension_rules, self.suspended_at, now)

    @property
    def suspended(self) -> bool:
        return self.suspended_at is not None

    def registration_code(self, number: int) -> str:
        return registration_code(self.budget_year, number, self.registration_series)

    def __str__(self) -> str:
        return self.name


class Category(CommunityOwned, Base):
    """A pot of a cycle: its own budget and the cost limits of its projects (inclusive)."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[CategoryKind] = mapped_column(enum_column(CategoryKind, "kind"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="RESTRICT"))
    budget: Mapped[int] = mapped_column(BigInteger)
    min_cost: Mapped[int] = mapped_column(BigInteger)
    max_cost: Mapped[int] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(default=0)

    cycle: Mapped[Cycle] = relationship(back_populates="categories", foreign_keys=[cycle_id])
    district: Mapped[District | None] = relationship()
    # The projects submitted to this category, named rather than imported (projects stand
    # on cycles): only asked whether there are any, so the category's kind stays put.
    projects: Mapped[list[Any]] = relationship("Project", viewonly=True, lazy="raise")

    __table_args__ = (
        UniqueConstraint("cycle_id", "name"),
        CheckConstraint("budget >= 0", name="budget_not_negative"),
        CheckConstraint("min_cost >= 0 AND min_cost <= max_cost", name="cost_limits"),
        CheckConstraint("(kind = 'district') = (district_id IS NOT NULL)",
                        name="district_iff_kind"),
    )

    def __str__(self) -> str:
        return self.name


class PhaseExtension(CommunityOwned, Base):
    """A phase's end moved later, with the reason (an outage, say); append-only."""

    __tablename__ = "phase_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"))
    phase: Mapped[Phase] = mapped_column(enum_column(Phase, "phase"))
    previous_end: Mapped[datetime]
    new_end: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    at: Mapped[datetime]

    cycle: Mapped[Cycle] = relationship(back_populates="extensions")
    actor: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint("phase IN ('submission', 'support', 'review', 'voting')",
                        name="window_phase"),
        CheckConstraint("new_end > previous_end", name="later"),
    )


class CycleSuspension(CommunityOwned, Base):
    """One suspension of a cycle and, once it is over, its resumption."""

    __tablename__ = "cycle_suspensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"))
    suspended_at: Mapped[datetime]
    suspended_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"))
    reason: Mapped[str] = mapped_column(Text)
    resumed_at: Mapped[datetime | None]
    resumed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    resume_note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        CheckConstraint("resumed_at IS NULL OR resumed_at >= suspended_at", name="resume_order"),
        Index("ix_cycle_suspensions_cycle", "cycle_id", "suspended_at"),
    )
