"""Verified identities: one per person, keyed by an HMAC of the person's number."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, and_, exists, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.belonging import tie
from portal.accounts.models import User
from portal.community.models import District
from portal.db import Base
from portal.enums import enum_column
from portal.i18n import _l
from portal.tenancy.models import CommunityOwned
from portal.tenancy.scope import for_insert


class VerificationMethod(StrEnum):
    IN_PERSON = "in_person"
    CENSUS = "census"
    EID = "eid"

    @property
    def label(self) -> str:
        return str(METHOD_LABELS[self])


METHOD_LABELS = {
    VerificationMethod.IN_PERSON: _l("In person at an administrative service centre"),
    VerificationMethod.CENSUS: _l("Register of residents"),
    VerificationMethod.EID: _l("Electronic ID (BankID, Diia)"),
}

ACTIVE = text("revoked_at IS NULL")


class Verification(Base):
    """A person's verified identity, attached to one account, and where they live.

    The national number itself is never stored, only ``person_key``. Revoked verifications
    stay on record; the partial unique indexes allow one *active* verification per person
    and per account, across the whole platform, so a second account of the same person is
    refused by the database. ``community_id`` is the community of residence (where the
    person may vote), or for an internally displaced person (ВПО) the community where they
    are registered as such, with the certificate's number in ``displaced_certificate``.
    A verification is the person's on every community's pages, so reads are not narrowed
    to the current community; the database still keeps its district in its community.
    """

    __community_guarded__ = True

    __tablename__ = "verifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    person_key: Mapped[str] = mapped_column(String(64))
    method: Mapped[VerificationMethod] = mapped_column(enum_column(VerificationMethod, "method"))
    birth_date: Mapped[date]
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="RESTRICT"),
                                              default=for_insert)
    community: Mapped[str] = mapped_column(String(200))
    resident: Mapped[bool] = mapped_column(default=True)
    displaced_certificate: Mapped[str | None] = mapped_column(String(40))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="RESTRICT"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    verified_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    district: Mapped[District | None] = relationship()

    __table_args__ = (
        Index(
            "uq_verifications_active_person", "person_key", unique=True,
            sqlite_where=ACTIVE, postgresql_where=ACTIVE,
        ),
        Index(
            "uq_verifications_active_user", "user_id", unique=True,
            sqlite_where=ACTIVE, postgresql_where=ACTIVE,
        ),
        Index("ix_verifications_verified_by", "verified_by_id", "verified_at"),
    )

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@tie
def _residence(community_id: int):
    """A verified person's account is the community's where they live (a displaced
    person's: where they are registered), for its administrators and desk."""
    active = and_(Verification.user_id == User.id, Verification.revoked_at.is_(None))
    return (exists().where(active, Verification.community_id == community_id),
            exists().where(active, Verification.community_id != community_id))


class CensusBatch(CommunityOwned, Base):
    """One upload of the register of eligible residents; a new upload replaces the rows."""

    __tablename__ = "census_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    uploaded_at: Mapped[datetime]
    rows: Mapped[int]


class CensusEntry(CommunityOwned, Base):
    __tablename__ = "census_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("census_batches.id", ondelete="CASCADE"))
    person_key: Mapped[str] = mapped_column(String(64))
    birth_date: Mapped[date]
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="RESTRICT"))

    __table_args__ = (UniqueConstraint("community_id", "person_key"),)


class CensusLock(Base):
    """Failed register look-ups of one account; locked out after repeated failures."""

    __tablename__ = "census_locks"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime | None]
    locked_until: Mapped[datetime | None]
