"""What the background work keeps: the jobs whose tries were all spent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base


class JobFailure(Base):
    """A job that failed on every try, with its last error, for the administrators to see,
    run again or set aside: a community's administrators see the failures of its jobs,
    the platform's (the role held platform-wide) every failure and the platform's own."""

    __tablename__ = "job_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The job's registered name (``portal.mail.delivery.deliver_mail``), never shown as is.
    job: Mapped[str] = mapped_column(String(200))
    #: Its arguments as JSON, to run it again.
    arguments: Mapped[str] = mapped_column(Text)
    error: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int]
    failed_at: Mapped[datetime]
    #: When an administrator ran it again or set it aside; the page lists the others.
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    #: The community the job ran for (None: the platform's own work, the mail sweep).
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"))

    __table_args__ = (Index("ix_job_failures_open", "handled_at", "failed_at"),
                      Index("ix_job_failures_community_open", "community_id", "handled_at",
                            "failed_at"))
