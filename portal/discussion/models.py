"""A project's discussion: comments and their one level of replies, the earlier texts of
edited comments, and the reports residents make of comments.

A hidden comment keeps its row and its text (moderators still read it); the page shows
"hidden by moderation" with the reason in its place. Every step is also in the audit log.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.db import Base
from portal.discussion.rules import MAX_LENGTH, HideReason, Voice
from portal.enums import enum_column
from portal.tenancy.models import CommunityOwned


class Comment(CommunityOwned, Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    # A reply names the comment it answers; replies are one level deep (services.post_comment).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    voice: Mapped[Voice] = mapped_column(enum_column(Voice, "voice"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    edited_at: Mapped[datetime | None]

    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[HideReason | None] = mapped_column(
        enum_column(HideReason, "hidden_reason"))
    hidden_note: Mapped[str] = mapped_column(Text, default="")
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])
    replies: Mapped[list[Comment]] = relationship(
        back_populates="parent", order_by="Comment.id", cascade="all, delete-orphan")
    parent: Mapped[Comment | None] = relationship(back_populates="replies",
                                                  remote_side=[id])
    revisions: Mapped[list[CommentRevision]] = relationship(
        back_populates="comment", order_by="CommentRevision.id", cascade="all, delete-orphan")
    reports: Mapped[list[CommentReport]] = relationship(
        back_populates="comment", order_by="CommentReport.id", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint(f"length(text) BETWEEN 1 AND {MAX_LENGTH}", name="text_length"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        CheckConstraint("(hidden_at IS NULL) = (hidden_reason IS NULL)",
                        name="hidden_has_reason"),
        CheckConstraint("(hidden_at IS NULL) = (hidden_by_id IS NULL)", name="hidden_by_someone"),
        CheckConstraint("hidden_reason IS NULL OR hidden_reason <> 'other' "
                        "OR length(trim(hidden_note)) > 0", name="other_has_note"),
        CheckConstraint("edited_at IS NULL OR edited_at >= created_at", name="edited_after"),
        Index("ix_comments_project", "project_id", "id"),
        Index("ix_comments_author_created", "author_id", "created_at"),
    )

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def open_reports(self) -> list[CommentReport]:
        return [r for r in self.reports if r.resolved_at is None]


class CommentRevision(CommunityOwned, Base):
    """An earlier text of an edited comment, kept for the record (append-only)."""

    __tablename__ = "comment_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    # When this text was written (posted or last edited) and when it was replaced.
    written_at: Mapped[datetime]
    replaced_at: Mapped[datetime]

    comment: Mapped[Comment] = relationship(back_populates="revisions")

    __table_args__ = (Index("ix_comment_revisions_comment", "comment_id", "id"),)


class CommentReport(CommunityOwned, Base):
    """A signed-in person's report of a comment to the moderators, with an optional note;
    resolved when moderators hide the comment or find nothing to hide."""

    __tablename__ = "comment_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]

    comment: Mapped[Comment] = relationship(back_populates="reports")
    reporter: Mapped[User] = relationship()

    __table_args__ = (
        # One report per person per comment, even from two tabs at once: the constraint is
        # the guard (a second report after a resolved one reopens the first).
        UniqueConstraint("comment_id", "reporter_id"),
        Index("ix_comment_reports_open", "resolved_at", "comment_id"),
    )
