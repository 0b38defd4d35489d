"""Accounts and the roles they hold."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, unique_per_community
from portal.enums import enum_column
from portal.i18n import _l
from portal.tenancy import scope


class Role(StrEnum):
    RESIDENT = "resident"
    VERIFIER = "verifier"
    COMMISSION = "commission"
    STAFF = "staff"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.RESIDENT: _l("Resident"),
    Role.VERIFIER: _l("Verifier (administrative service centre)"),
    Role.COMMISSION: _l("Commission member"),
    Role.STAFF: _l("Program staff"),
    Role.ADMIN: _l("Administrator"),
}


#: The password hash of an account without a password: no argon2 hash starts with it, so
#: no password ever matches.
NO_PASSWORD = "!"  # noqa: S105 (a marker, not a password)


def new_security_stamp() -> str:
    return secrets.token_hex(16)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for an account made by an e-ID sign-in until its owner gives an address.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime]
    email_confirmed_at: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    # Changes with the password: signs reset links, so they die with it (the account's
    # other sessions are ended on the server, ``AccountSession``).
    security_stamp: Mapped[str] = mapped_column(String(32), default=new_security_stamp)

    # Loaded on first use, except for the signed-in account, whose roles are joined to its
    # session's row (portal.accounts.login).
    role_grants: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="select",
        foreign_keys="UserRole.user_id",
    )

    # flask-login's protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.security_stamp}"

    @property
    def roles(self) -> frozenset[Role]:
        """The roles held here: the platform-wide grants, and those of the community the
        request is for (all of them where no community was entered: commands, tests)."""
        here = scope.entered()
        return frozenset(grant.role for grant in self.role_grants
                         if here is None or grant.community_id in (None, here))

    @property
    def is_platform_admin(self) -> bool:
        """An administrator of the whole platform (not of one community)."""
        return any(grant.role is Role.ADMIN and grant.community_id is None
                   for grant in self.role_grants)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def has_password(self) -> bool:
        """False for an account made by an e-ID sign-in, which signs in only that way until
        its owner sets a password (through the reset link, once an e-mail is given)."""
        return not self.password_hash.startswith(NO_PASSWORD)

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(Base):
    """A role held in one community, or (``community_id`` None) on the whole platform: the
    resident's own, and the platform administrator's, who administers every community."""

    __tablename__ = "user_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("communities.id", ondelete="CASCADE"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime]

    user: Mapped[User] = relationship(back_populates="role_grants", foreign_keys=[user_id])

    __table_args__ = (
        # One grant of a role per community, and one platform-wide.
        *unique_per_community("user_roles", "user_id", "role"),
        # An account's roles, joined to its session on every signed-in request: the partial
        # unique indexes above do not serve a join on ``user_id`` alone, and without this
        # one every request read every account's roles (0.1 s with a million accounts).
        Index("ix_user_roles_user", "user_id"),
    )


class AccountSession(Base):
    """One signed-in browser: what the session cookie names, checked on every request.

    The cookie carries a random token; only its SHA-256 is stored, so a copy of the
    database opens no session. Logging out, a password change or "end the other sessions"
    sets ``ended_at``; an idle or too old session is dead without being written
    (``portal.accounts.rules.session_is_live``).
    """

    __tablename__ = "account_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    # "Keep me logged in": the remember cookie carries the same token; such a session
    # outlives its idle time, never its lifetime.
    remembered: Mapped[bool] = mapped_column(default=False)
    address: Mapped[str] = mapped_column(String(45), default="")
    device: Mapped[str] = mapped_column(String(80), default="")

    __table_args__ = (Index("ix_account_sessions_user_id_ended_at", "user_id", "ended_at"),)
