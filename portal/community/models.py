"""The community (hromada) itself: its districts, used for eligibility and for projects, with
their boundaries for the maps."""

from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base
from portal.tenancy.models import CommunityOwned


class District(CommunityOwned, Base):
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    #: A GeoJSON Polygon or MultiPolygon (``rules.canonical``), drawn under the maps' points.
    boundary: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("community_id", "name"),)

    def __str__(self) -> str:
        return self.name
