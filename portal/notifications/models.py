"""Who follows what, what each person was told, and how each wants to be told."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base
from portal.enums import enum_column
from portal.notifications.rules import Delivery, FollowReason, FollowTarget, NoticeKind
from portal.tenancy.models import CommunityOwned


class Follow(CommunityOwned, Base):
    """A person follows a cycle, a project or a district. Stopping keeps the row
    (``stopped_at``), so taking part again later does not make them follow again."""

    __tablename__ = "follows"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    target: Mapped[FollowTarget] = mapped_column(enum_column(FollowTarget, "target"))
    target_id: Mapped[int]
    reason: Mapped[FollowReason] = mapped_column(enum_column(FollowReason, "reason"))
    created_at: Mapped[datetime]
    stopped_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("user_id", "target", "target_id"),
        Index("ix_follows_target", "target", "target_id"),
    )


class Notice(CommunityOwned, Base):
    """One thing told to one person: read in the portal's list, and mailed as they chose.

    The words are made when it is shown or mailed, in the person's language, from the kind
    and ``params`` (a project's title, a cycle's name); ``link`` is the page it is about."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind, "kind"))
    target: Mapped[FollowTarget] = mapped_column(enum_column(FollowTarget, "target"))
    target_id: Mapped[int]
    params: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    #: Its delivery by mail: "immediate" mails at once; "daily"/"weekly" wait for the digest.
    delivery: Mapped[Delivery] = mapped_column(enum_column(Delivery, "delivery"))
    mailed_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_notices_user", "user_id", "id"),
        Index("ix_notices_digest", "delivery", "mailed_at"),
    )


class Preference(Base):
    """How a person wants one kind of notice; a kind without a row gets ``rules.DEFAULTS``."""

    __tablename__ = "notice_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind, "kind"))
    delivery: Mapped[Delivery] = mapped_column(enum_column(Delivery, "delivery"))

    __table_args__ = (UniqueConstraint("user_id", "kind"),)


class Announcement(CommunityOwned, Base):
    """A notice told once about a cycle (voting opens, two days left, results): the
    announcer's record that it was told, so a second run tells nobody twice."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind, "kind"))
    target: Mapped[FollowTarget] = mapped_column(enum_column(FollowTarget, "target"))
    target_id: Mapped[int]
    made_at: Mapped[datetime]
    told: Mapped[int]

    __table_args__ = (UniqueConstraint("kind", "target", "target_id"),)
