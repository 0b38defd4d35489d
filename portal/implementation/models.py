"""How each funded line, above all each participatory-budget winner, is being implemented.

One implementation record per funding line: its status, progress in percent, the reason
when it was not implemented ("зміна розташування об'єкта") and an optional Prozorro
tender number. Dated public updates with photos tell residents what happened.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from portal.db import Base
from portal.enums import enum_column
from portal.implementation.rules import ImplementationStatus
from portal.programs.models import FundingLine
from portal.tenancy.models import CommunityOwned


class Implementation(CommunityOwned, Base):
    """The implementation state of one funding line."""

    __tablename__ = "implementations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # One record per line: the UNIQUE constraint is what stops two staff members who open
    # the same line at once from creating two records.
    line_id: Mapped[int] = mapped_column(
        ForeignKey("funding_lines.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[ImplementationStatus] = mapped_column(
        enum_column(ImplementationStatus, "implementation_status"),
        default=ImplementationStatus.PLANNED,
    )
    progress: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(Text, default="")
    tender_number: Mapped[str] = mapped_column(String(32), default="")
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    # The line reaches its record as ``line.implementation`` (one or none).
    line: Mapped[FundingLine] = relationship(backref=backref("implementation", uselist=False))
    updates: Mapped[list[ImplementationUpdate]] = relationship(
        back_populates="implementation", cascade="all, delete-orphan",
        order_by="(ImplementationUpdate.posted_on.desc(), ImplementationUpdate.id.desc())",
    )

    __table_args__ = (
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        CheckConstraint(
            "status <> 'not_implemented' OR length(reason) > 0", name="reason_when_not_implemented"
        ),
        CheckConstraint("status <> 'implemented' OR progress = 100", name="implemented_is_done"),
        # A community's records (its implementation page, the home page's figures).
        Index("ix_implementations_community", "community_id"),
    )


class ImplementationUpdate(CommunityOwned, Base):
    """A dated public note on the implementation, with photos."""

    __tablename__ = "implementation_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    implementation_id: Mapped[int] = mapped_column(
        ForeignKey("implementations.id", ondelete="CASCADE")
    )
    posted_on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]

    implementation: Mapped[Implementation] = relationship(back_populates="updates")
    photos: Mapped[list[UpdatePhoto]] = relationship(
        back_populates="update", cascade="all, delete-orphan", order_by="UpdatePhoto.id"
    )

    __table_args__ = (Index("ix_implementation_updates_implementation", "implementation_id"),)


class UpdatePhoto(CommunityOwned, Base):
    """A photo of an update; the file lives under the instance's upload folder."""

    __tablename__ = "implementation_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(
        ForeignKey("implementation_updates.id", ondelete="CASCADE")
    )
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]

    update: Mapped[ImplementationUpdate] = relationship(back_populates="photos")

    # The photos of the updates shown (loaded by update for the latest updates and a record).
    __table_args__ = (Index("ix_implementation_photos_update", "update_id"),)
