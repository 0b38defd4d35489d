"""The commission's records: expertise, the roster, meetings, decisions and complaints.

Decisions are append-only. A correction is a new decision that names the one it corrects
(``supersedes_id``); nothing in the portal updates or deletes a decision, and a flush that
tries to is refused (see :func:`_refuse_changed_decisions`).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.accounts.models import User
from portal.cycles.models import Cycle
from portal.db import Base
from portal.enums import enum_column
from portal.i18n import _l
from portal.projects.models import Project
from portal.review.rules import PROJECT_DECISIONS, DecisionKind, RejectionReason
from portal.tenancy.models import CommunityOwned


class MeetingStatus(StrEnum):
    DRAFT = "draft"  # being prepared: agenda and attendance can change; not public
    HELD = "held"  # opened with a quorum: decisions are recorded; public
    CLOSED = "closed"  # the protocol is final

    @property
    def label(self) -> str:
        return str(MEETING_STATUS_LABELS[self])


MEETING_STATUS_LABELS = {
    MeetingStatus.DRAFT: _l("In preparation"),
    MeetingStatus.HELD: _l("Held, the protocol is not final yet"),
    MeetingStatus.CLOSED: _l("Closed, the protocol is final"),
}


class SeatRole(StrEnum):
    CHAIR = "chair"
    DEPUTY_CHAIR = "deputy_chair"
    SECRETARY = "secretary"
    MEMBER = "member"

    @property
    def label(self) -> str:
        return str(SEAT_ROLE_LABELS[self])


SEAT_ROLE_LABELS = {
    SeatRole.CHAIR: _l("chair of the commission"),
    SeatRole.DEPUTY_CHAIR: _l("deputy chair of the commission"),
    SeatRole.SECRETARY: _l("secretary of the commission"),
    SeatRole.MEMBER: _l("member of the commission"),
}

_PROJECT_KINDS = ", ".join(f"'{kind.value}'" for kind in sorted(PROJECT_DECISIONS))


class Expertise(CommunityOwned, Base):
    """A department's opinion of one project; a newer one supersedes, the older stays."""

    __tablename__ = "expertises"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="RESTRICT"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    department: Mapped[str] = mapped_column(String(200))
    feasible: Mapped[bool]
    conclusion: Mapped[str] = mapped_column(Text)
    adjusted_total: Mapped[int] = mapped_column(BigInteger)  # kopecks, the sum of the items
    created_at: Mapped[datetime]

    author: Mapped[User] = relationship()
    items: Mapped[list[ExpertiseCostItem]] = relationship(
        back_populates="expertise", cascade="all, delete-orphan",
        order_by="ExpertiseCostItem.position", lazy="selectin",
    )

    __table_args__ = (
        CheckConstraint("adjusted_total >= 0", name="total_not_negative"),
        Index("ix_expertises_project", "project_id", "created_at"),
    )


class ExpertiseCostItem(CommunityOwned, Base):
    """One line of the adjusted estimate: quantity times unit price, in kopecks."""

    __tablename__ = "expertise_cost_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    expertise_id: Mapped[int] = mapped_column(ForeignKey("expertises.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    unit: Mapped[str] = mapped_column(String(40))
    unit_price: Mapped[int] = mapped_column(BigInteger)  # kopecks
    total: Mapped[int] = mapped_column(BigInteger)  # kopecks, quantity x unit price rounded

    expertise: Mapped[Expertise] = relationship(back_populates="items")

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint("total >= 0", name="total_not_negative"),
        UniqueConstraint("expertise_id", "position"),
    )


class CommissionSeat(CommunityOwned, Base):
    """One member of a cycle's commission; the number of seats is the base of the quorum.

    ``user_id`` links the member's account when there is one; the protocol prints ``name``
    and ``position`` (the member's post, e.g. "депутат міської ради").
    """

    __tablename__ = "commission_seats"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="RESTRICT"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(300), default="")
    role: Mapped[SeatRole] = mapped_column(enum_column(SeatRole, "seat_role"))
    ordering: Mapped[int] = mapped_column(default=0)

    user: Mapped[User | None] = relationship()

    __table_args__ = (
        UniqueConstraint("cycle_id", "user_id"),
        # One chair and one secretary per commission: they sign the protocol.
        Index("uq_commission_seats_signatory", "cycle_id", "role", unique=True,
              sqlite_where=text("role IN ('chair', 'secretary')"),
              postgresql_where=text("role IN ('chair', 'secretary')")),
    )


class Meeting(CommunityOwned, Base):
    """A meeting of a cycle's commission, numbered within the cycle."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="RESTRICT"))
    number: Mapped[int]
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(300))
    agenda: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus, "meeting_status"), default=MeetingStatus.DRAFT)
    # The commission's size when the meeting was opened: later changes of the roster do
    # not change whether this meeting had a quorum.
    seats: Mapped[int | None]
    created_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]

    cycle: Mapped[Cycle] = relationship()
    attendance: Mapped[list[MeetingAttendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", lazy="selectin")
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position")
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="meeting", order_by="Decision.id", viewonly=True)

    __table_args__ = (
        # The guard against two secretaries numbering two meetings alike at the same moment.
        UniqueConstraint("cycle_id", "number"),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint("status = 'draft' OR seats IS NOT NULL", name="opened_with_seats"),
    )

    @property
    def present(self) -> int:
        return len(self.attendance)

    @property
    def is_public(self) -> bool:
        return self.status is not MeetingStatus.DRAFT


class MeetingAttendance(CommunityOwned, Base):
    """A member present at a meeting."""

    __tablename__ = "meeting_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    seat_id: Mapped[int] = mapped_column(ForeignKey("commission_seats.id", ondelete="RESTRICT"))

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    seat: Mapped[CommissionSeat] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("meeting_id", "seat_id"),)


class AgendaItem(CommunityOwned, Base):
    """A project the meeting considers."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="RESTRICT"))
    position: Mapped[int]

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")
    project: Mapped[Project] = relationship()

    __table_args__ = (UniqueConstraint("meeting_id", "project_id"),)


class Decision(CommunityOwned, Base):
    """What the commission decided at a meeting, with the vote. Never changed once stored.

    Project decisions name the project; decisions about the cycle (approving results,
    annulling ballots, the seed of a tie-breaking lot) have none and carry their details
    in ``payload`` (canonical JSON).
    """

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="RESTRICT"))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="RESTRICT"))
    kind: Mapped[DecisionKind] = mapped_column(enum_column(DecisionKind, "decision_kind"))
    reason: Mapped[RejectionReason | None] = mapped_column(
        enum_column(RejectionReason, "rejection_reason"))
    reason_text: Mapped[str] = mapped_column(Text, default="")
    revision_deadline: Mapped[date | None]
    votes_for: Mapped[int]
    votes_against: Mapped[int]
    abstained: Mapped[int]
    payload: Mapped[str] = mapped_column(Text, default="{}")
    # Unique: a decision is corrected at most once; a later correction corrects the correction.
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", ondelete="RESTRICT"), unique=True)
    created_at: Mapped[datetime]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")
    project: Mapped[Project | None] = relationship()
    recorded_by: Mapped[User] = relationship()
    supersedes: Mapped[Decision | None] = relationship(remote_side=[id])

    __table_args__ = (
        CheckConstraint("votes_for >= 0 AND votes_against >= 0 AND abstained >= 0",
                        name="votes_not_negative"),
        CheckConstraint(f"(kind IN ({_PROJECT_KINDS})) = (project_id IS NOT NULL)",
                        name="project_when_project_kind"),
        CheckConstraint("(kind = 'reject') = (reason IS NOT NULL)", name="reason_when_reject"),
        CheckConstraint("kind <> 'return_for_revision' OR revision_deadline IS NOT NULL",
                        name="deadline_when_returned"),
        Index("ix_decisions_project", "project_id", "id"),
    )

    @property
    def data(self) -> dict[str, Any]:
        return json.loads(self.payload or "{}")


class Complaint(CommunityOwned, Base):
    """An author's complaint against a rejection, ruled on by a later decision."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="RESTRICT"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    # Unique: a rejection is contested once, even when the author presses "send" twice.
    rejection_id: Mapped[int] = mapped_column(
        ForeignKey("decisions.id", ondelete="RESTRICT"), unique=True)
    text: Mapped[str] = mapped_column(Text)
    filed_at: Mapped[datetime]
    ruling_id: Mapped[int | None] = mapped_column(
        ForeignKey("decisions.id", ondelete="RESTRICT"), unique=True)

    author: Mapped[User] = relationship()
    project: Mapped[Project] = relationship()
    rejection: Mapped[Decision] = relationship(foreign_keys=[rejection_id])
    ruling: Mapped[Decision | None] = relationship(foreign_keys=[ruling_id])


def payload_text(data: dict[str, Any]) -> str:
    """Canonical JSON for ``Decision.payload``: the same data always reads the same."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class DecisionChangeRefused(RuntimeError):
    """Raised on a flush that would update or delete a stored decision."""


@event.listens_for(Session, "before_flush")
def _refuse_changed_decisions(session: Session, _context: Any, _instances: Any) -> None:
    """Decisions are append-only: refuse any flush that changes or deletes one."""
    for obj in session.deleted:
        if isinstance(obj, Decision):
            raise DecisionChangeRefused(f"decision {obj.id} cannot be deleted")
    for obj in session.dirty:
        if isinstance(obj, Decision) and session.is_modified(obj, include_collections=False):
            raise DecisionChangeRefused(f"decision {obj.id} cannot be changed")
