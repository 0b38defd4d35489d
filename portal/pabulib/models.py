"""What an imported .pb file holds beyond the portal's own records, kept so that the
election can be written out again as the file said it (``research.export_cycle``).

A cycle imported from pabulib has one ``PbSource``: the file's META in its order, and the
column order of its PROJECTS and VOTES sections. Each of its projects has a ``PbProject``:
the file's own ``project_id`` (``L010``, ``c1``, ``2024/OGM/0008``) and every field of the
row as written (the name at any length; the portal's title column holds 200 characters).
Each imported ballot has a ``PbVote``: the file's ``voter_id`` and the row's other fields
(age, sex, voting_method, district...); its choices are the ballot's own.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from portal.db import Base
from portal.tenancy.models import CommunityOwned


class PbSource(CommunityOwned, Base):
    __tablename__ = "pabulib_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"),
                                          unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    # JSON: META as [[key, value], ...] in the file's order; the sections' column names.
    meta: Mapped[str] = mapped_column(Text)
    project_columns: Mapped[str] = mapped_column(Text)
    vote_columns: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime]

    @property
    def meta_pairs(self) -> list[tuple[str, str]]:
        return [(key, value) for key, value in json.loads(self.meta)]


class _KeptRow(CommunityOwned):
    """A row of the file, kept beside the portal's own row of an imported cycle."""

    @declared_attr
    def cycle_id(cls) -> Mapped[int]:  # noqa: N805 (declared_attr's first argument)
        return mapped_column(ForeignKey("cycles.id", ondelete="CASCADE"), index=True)

    fields: Mapped[str] = mapped_column(Text)  # JSON: {column: value} as the file wrote them


class PbProject(_KeptRow, Base):
    __tablename__ = "pabulib_projects"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"),
                                            primary_key=True)
    file_id: Mapped[str] = mapped_column(Text)


class PbVote(_KeptRow, Base):
    """``fields``: the row's fields but ``voter_id`` and ``vote``."""

    __tablename__ = "pabulib_votes"

    ballot_id: Mapped[int] = mapped_column(ForeignKey("ballots.id", ondelete="CASCADE"),
                                           primary_key=True)
    voter_id: Mapped[str] = mapped_column(Text)
