"""The demo's mark in the database: once the whole demo is loaded, ``demo load`` returns at
once (a second ``make run`` serves in seconds instead of checking every part again)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base


class DemoLoad(Base):
    """One row per version of the demo loaded into this database, written after its last
    part, in the same transaction: the row exists only when the whole demo does."""

    __tablename__ = "demo_loads"

    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    loaded_at: Mapped[datetime]
