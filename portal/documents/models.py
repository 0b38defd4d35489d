"""Files made by the worker (PDF and DOCX of reports and protocols), kept by the digest of
what they were made from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base


class MadeFile(Base):
    __tablename__ = "made_files"

    #: SHA-256 of everything the file is made from (its HTML, the format, the maker's version).
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    mimetype: Mapped[str] = mapped_column(String(120))
    filename: Mapped[str] = mapped_column(String(255))
    #: None while the worker is making it.
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int | None]
    requested_at: Mapped[datetime]
    made_at: Mapped[datetime | None]
