"""Projects of a cycle: their text, cost estimate, attachments, co-authors, supporters and
public history.

The status column changes only through ``portal.projects.rules.transition`` (called by the
services); CHECK constraints keep the invariants that hold in every status.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.community.models import District
from portal.cycles.models import Category, Cycle
from portal.db import Base
from portal.enums import enum_column
from portal.projects.rules import EDITABLE, ProjectStatus
from portal.tenancy.models import CommunityOwned
from portal.uploads import AttachmentKind


class Project(CommunityOwned, Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="RESTRICT"))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id", ondelete="RESTRICT"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    # Given on the first submission and kept for good (see services.submit_project).
    number: Mapped[int | None]
    status: Mapped[ProjectStatus] = mapped_column(
        enum_column(ProjectStatus, "status"), default=ProjectStatus.DRAFT)

    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    beneficiaries: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="RESTRICT"))
    # The sum of the cost items' totals, kept by the services that change the items.
    total_cost: Mapped[int] = mapped_column(BigInteger, default=0)
    # Case-folded title, summary and registration code: the same search on every database.
    search_text: Mapped[str] = mapped_column(Text, default="")

    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    status_changed_at: Mapped[datetime]
    revision_deadline: Mapped[datetime | None]

    cycle: Mapped[Cycle] = relationship()
    category: Mapped[Category] = relationship()
    author: Mapped[User] = relationship()
    district: Mapped[District | None] = relationship()
    cost_items: Mapped[list[CostItem]] = relationship(
        back_populates="project", order_by="CostItem.position", cascade="all, delete-orphan")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="project", order_by="Attachment.id", cascade="all, delete-orphan")
    coauthors: Mapped[list[CoAuthor]] = relationship(
        back_populates="project", order_by="CoAuthor.id", cascade="all, delete-orphan")

    __table_args__ = (
        # What a ballot choice refers to: the project together with its category and cycle,
        # so the database itself keeps a choice's category and cycle those of its project.
        Index("uq_projects_id_category_cycle", "id", "category_id", "cycle_id", unique=True),
        # One registration number per cycle; services.submit_project takes numbers from the
        # cycle's counter under a row lock, and this constraint is the guard if anything
        # ever bypasses the lock.
        UniqueConstraint("cycle_id", "number"),
        CheckConstraint("number IS NULL OR number > 0", name="number_positive"),
        CheckConstraint("status <> 'draft' OR number IS NULL", name="draft_unnumbered"),
        CheckConstraint("status = 'draft' OR (number IS NOT NULL AND submitted_at IS NOT NULL)",
                        name="submitted_numbered"),
        CheckConstraint("status <> 'returned_for_revision' OR revision_deadline IS NOT NULL",
                        name="revision_has_deadline"),
        CheckConstraint("total_cost >= 0", name="total_cost_not_negative"),
        CheckConstraint("latitude IS NULL OR latitude BETWEEN -90 AND 90", name="latitude_range"),
        CheckConstraint("longitude IS NULL OR longitude BETWEEN -180 AND 180",
                        name="longitude_range"),
        CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="point_pair"),
        Index("ix_projects_cycle_status", "cycle_id", "status"),
        # A community's projects by status (the home page's figures).
        Index("ix_projects_community_status", "community_id", "status"),
        Index("ix_projects_author", "author_id"),
        Index("ix_projects_category", "category_id"),
    )

    @property
    def registration_code(self) -> str | None:
        """``2026-017``: the budget year and the number; None before the first submission."""
        if self.number is None:
            return None
        return self.cycle.registration_code(self.number)

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    def __str__(self) -> str:
        code = self.registration_code
        return f"{code} {self.title}" if code else self.title


class CostItem(CommunityOwned, Base):
    """One line of the cost estimate; ``total`` is quantity times unit price, in kopecks."""

    __tablename__ = "cost_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3))
    unit: Mapped[str] = mapped_column(String(40))
    unit_price: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)

    project: Mapped[Project] = relationship(back_populates="cost_items")

    __table_args__ = (
        UniqueConstraint("project_id", "position"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint("total >= 0", name="total_not_negative"),
    )


class Attachment(CommunityOwned, Base):
    """A photo or document of a project, kept under ``stored_name`` by the upload store
    (``UPLOAD_STORAGE``: a folder, the database or an object store)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    kind: Mapped[AttachmentKind] = mapped_column(enum_column(AttachmentKind, "kind"))
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))

    project: Mapped[Project] = relationship(back_populates="attachments")

    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)


class CoAuthor(CommunityOwned, Base):
    """A co-author invited by e-mail; the invitation is accepted with a token sent to them.

    Only the SHA-256 of the token is stored, so the table does not hold usable links.
    """

    __tablename__ = "coauthors"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]

    project: Mapped[Project] = relationship(back_populates="coauthors")
    user: Mapped[User | None] = relationship()

    __table_args__ = (
        UniqueConstraint("project_id", "email"),
        CheckConstraint("confirmed_at IS NULL OR user_id IS NOT NULL", name="confirmed_by_user"),
    )


class Support(CommunityOwned, Base):
    """A verified resident's signature for a project that must collect supporters."""

    __tablename__ = "supports"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    person_key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]

    __table_args__ = (
        # One signature per person per project, even from two accounts or two tabs at once:
        # the constraint, not a look-up beforehand, is the guard.
        UniqueConstraint("project_id", "person_key"),
    )


class ProjectEvent(CommunityOwned, Base):
    """One entry of a project's history. ``public`` entries are shown on the project page.

    ``kind`` is a status event (``portal.projects.rules.Event`` values) or another happening
    named by the part that records it (``created``, ``edited``, ``coauthor_confirmed``, and
    the review part's own kinds); ``details`` is canonical JSON.
    """

    __tablename__ = "project_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    from_status: Mapped[ProjectStatus | None] = mapped_column(
        enum_column(ProjectStatus, "from_status"))
    to_status: Mapped[ProjectStatus | None] = mapped_column(enum_column(ProjectStatus, "to_status"))
    public: Mapped[bool] = mapped_column(default=True)
    text: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="{}")

    actor: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_project_events_project", "project_id", "at"),)
