"""The communities (hromadas) the platform serves, and what marks a row as one's own.

A community is known by its КАТОТТГ code, which never changes; its slug (the path prefix
``/<slug>/...``) and its domains are how it is addressed and may change. Every row a
community owns carries ``community_id`` (``CommunityOwned``); the database also keeps a
child's community equal to its parent's (``guards.py``).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from portal.db import Base

#: КАТОТТГ: "UA", then 17 digits (the level codes and the object's own number).
CODE_PATTERN = r"UA[0-9]{17}"
#: A path prefix: lower-case Latin letters, digits and hyphens, starting with a letter.
SLUG_PATTERN = r"[a-z][a-z0-9-]{1,39}"


class Community(Base):
    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(19), unique=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    #: The settlements, one per line: an e-ID address in one of them counts as residence.
    localities: Mapped[str] = mapped_column(Text, default="")
    #: The emblem shown in the header: a ``data:`` URI of a PNG or SVG image (checked on
    #: upload; an image element never runs what an SVG holds).
    emblem: Mapped[str | None] = mapped_column(Text)
    #: Who the community's mail comes from ("Name <address>"); the platform's when empty.
    mail_sender: Mapped[str] = mapped_column(String(254), default="")
    #: Who signs its reports: a JSON list of {"position": ..., "name": ...}.
    signatories: Mapped[str] = mapped_column(Text, default="[]")
    #: Rules a new cycle starts from: a JSON object of the cycle form's fields.
    cycle_defaults: Mapped[str] = mapped_column(Text, default="{}")
    #: Internally displaced persons (ВПО) registered here may take part, with the
    #: certificate recorded by the verifier.
    admits_displaced: Mapped[bool] = mapped_column(default=False)
    #: Its own e-ID client, where it has one: a JSON object of OIDC_* settings.
    eid_settings: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime]
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        CheckConstraint("length(code) = 19", name="code_length"),
    )

    @property
    def locality_list(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.localities.splitlines() if line.strip())

    @property
    def signatory_list(self) -> tuple[tuple[str, str], ...]:
        """Who signs its program reports: (position, name), in order."""
        return signatories_of(self.signatories)

    def settings(self, field: str) -> dict[str, Any]:
        return json.loads(getattr(self, field) or "{}")

    def display_name(self, locale: str) -> str:
        return (self.name_en or self.name) if locale == "en" else self.name

    def __str__(self) -> str:
        return self.name


class CommunityDomain(Base):
    """A host name of a community's own (``pb.bakhmut-rada.gov.ua``): its pages are served
    there without the path prefix."""

    __tablename__ = "community_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"),
                                              index=True)
    host: Mapped[str] = mapped_column(String(253), unique=True)


class CommunityOwned:
    """A row that belongs to one community: reads see only the current community's
    (``scope.py``), and a new row takes the current community unless it names one."""

    @declared_attr
    def community_id(cls) -> Mapped[int]:  # noqa: N805 (declared_attr's first argument)
        from portal.tenancy.scope import for_insert

        return mapped_column(ForeignKey("communities.id", ondelete="RESTRICT"), default=for_insert)


def signatories_json(pairs) -> str:
    """(position, name) pairs as the ``signatories`` column stores them."""
    return json.dumps([{"position": position, "name": name} for position, name in pairs],
                      ensure_ascii=False)


def signatories_of(raw: str | None) -> tuple[tuple[str, str], ...]:
    """The stored signatories (a JSON list of {"position", "name"}) as pairs."""
    try:
        items = json.loads(raw or "[]")
    except ValueError:
        return ()
    return tuple((str(item.get("position", "")), str(item.get("name", "")))
                 for item in items if isinstance(item, dict) and item.get("name"))
