"""The messages the portal sends, kept from the moment they are written."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base
from portal.enums import enum_column


class MailStatus(StrEnum):
    QUEUED = "queued"  # waiting for the worker (again, after a failed try)
    SENDING = "sending"  # a worker has taken it
    SENT = "sent"
    FAILED = "failed"  # every try failed; an administrator may run it again


class OutgoingMail(Base):
    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(998))
    body: Mapped[str] = mapped_column(Text)
    #: More headers, as JSON (List-Unsubscribe and List-Unsubscribe-Post of notices).
    headers: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    status: Mapped[MailStatus] = mapped_column(enum_column(MailStatus, "status"))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    #: When it was written or last taken by a worker: a sweep finds messages left behind.
    touched_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(255))

    __table_args__ = (Index("ix_outgoing_mail_status", "status", "touched_at"),)
