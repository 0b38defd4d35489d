"""What the background work keeps: the jobs whose tries were all spent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base


class JobFailure(Base):
    """A job that failed on every try, with its last error, for the administrators to see,
    run again or set aside."""

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

    __table_args__ = (Index("ix_job_failures_open", "handled_at", "failed_at"),)
