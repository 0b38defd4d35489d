"""Uploaded files kept in the database (``UPLOAD_STORAGE=database``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base


class StoredFile(Base):
    """One file, under the generated name that the rows using it hold (an attachment's or a
    photo's ``stored_name``); written in the transaction that writes those rows."""

    __tablename__ = "stored_files"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: Read only when asked for: listing or counting files never loads them.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
