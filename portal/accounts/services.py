"""Use cases of accounts. Each takes the session and the acting user explicitly and flushes;
the request commits. Refusals are ``Refused`` with the problems of
``portal.accounts.messages``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import audit
from portal.accounts import passwords, sessions, tokens
from portal.accounts.messages import PROBLEMS
from portal.accounts.models import (
    NO_PASSWORD,
    AccountSession,
    Role,
    User,
    UserRole,
    new_security_stamp,
)
from portal.accounts.rules import PasswordProblem, normalize_email, password_problems
from portal.refusal import Refused
from portal.tenancy import scope


@dataclass(frozen=True)
class Secrets:
    secret_key: str
    confirm_max_age: timedelta
    reset_max_age: timedelta


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.execute(
        select(User).where(User.email == normalize_email(email))
    ).scalar_one_or_none()


def _check_password(password: str, email: str) -> None:
    problems = password_problems(password, email=email)
    if problems:
        raise Refused(PROBLEMS(problems[0], "password"))


def register(
    session: Session, *, email: str, password: str, display_name: str, locale: str | None,
    now: datetime,
) -> User:
    email = normalize_email(email)
    _check_password(password, email)
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=passwords.hash_password(password),
        locale=locale,
        created_at=now,
    )
    user.role_grants.append(UserRole(role=Role.RESIDENT, granted_at=now))
    try:
        # The unique index on e-mail is the guard: two simultaneous registrations of one
        # address cannot both pass a look-up made beforehand.
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError:
        raise Refused(PROBLEMS("email_taken", "email")) from None
    audit.record(session, actor=user, action="account.registered", object_type="user",
                 object_id=user.id, at=now)
    return user


def register_without_password(session: Session, *, display_name: str, locale: str | None,
                              now: datetime) -> User:
    """An account for a person an e-ID provider has just vouched for: no e-mail (asked for
    afterwards, optional) and no password (it signs in through e-ID)."""
    user = User(email=None, display_name=display_name.strip()[:120], password_hash=NO_PASSWORD,
                locale=locale, created_at=now)
    user.role_grants.append(UserRole(role=Role.RESIDENT, granted_at=now))
    session.add(user)
    session.flush()
    audit.record(session, actor=user, action="account.registered_by_eid", object_type="user",
                 object_id=user.id, at=now)
    return user


def set_email(session: Session, *, user: User, email: str, now: datetime) -> None:
    """Give an account (one made by an e-ID sign-in) its e-mail, to be confirmed by link."""
    email = normalize_email(email)
    if email == user.email:
        return
    previous = user.email
    try:
        with session.begin_nested():
            user.email = email
            user.email_confirmed_at = None
            session.flush()
    except IntegrityError:
        user.email = previous
        raise Refused(PROBLEMS("email_taken", "email")) from None
    audit.record(session, actor=user, action="account.email_set", object_type="user",
                 object_id=user.id, at=now)


def confirmation_token(user: User, secrets: Secrets) -> str:
    return tokens.make_token(secrets.secret_key, tokens.CONFIRM_SALT,
                             {"uid": user.id, "email": user.email})


def confirm_email(session: Session, *, token: str, secrets: Secrets, now: datetime) -> User:
    try:
        payload = tokens.read_token(secrets.secret_key, tokens.CONFIRM_SALT, token,
                                    secrets.confirm_max_age)
    except tokens.TokenError as error:
        raise Refused(PROBLEMS(f"confirm_{error.code}")) from None
    user = session.get(User, payload.get("uid"))
    if user is None or user.email != payload.get("email"):
        raise Refused(PROBLEMS("confirm_invalid"))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
        audit.record(session, actor=user, action="account.email_confirmed",
                     object_type="user", object_id=user.id, at=now)
    return user


def authenticate(session: Session, *, email: str, password: str, now: datetime) -> User:
    user = find_user_by_email(session, email)
    if not passwords.check_password(user.password_hash if user else None, password):
        raise Refused(PROBLEMS("bad_credentials"))
    assert user is not None
    if not user.active:
        raise Refused(PROBLEMS("inactive"))
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = now
    return user


def reset_token(user: User, secrets: Secrets) -> str:
    return tokens.make_token(secrets.secret_key, tokens.RESET_SALT,
                             {"uid": user.id, "stamp": user.security_stamp})


def user_for_reset_token(session: Session, *, token: str, secrets: Secrets) -> User:
    try:
        payload = tokens.read_token(secrets.secret_key, tokens.RESET_SALT, token,
                                    secrets.reset_max_age)
    except tokens.TokenError as error:
        raise Refused(PROBLEMS(f"reset_{error.code}")) from None
    user = session.get(User, payload.get("uid"))
    if user is None or user.security_stamp != payload.get("stamp"):
        raise Refused(PROBLEMS("reset_invalid"))
    return user


def set_password(session: Session, *, user: User, password: str, actor: User | None,
                 now: datetime, reason: str, keep: AccountSession | None = None) -> None:
    """Set a new password; every session of the account but ``keep`` (the one changing it)
    ends, and every reset link dies with the old stamp: whoever knew the old password, or
    held a copy of a cookie, is out."""
    _check_password(password, user.email)
    user.password_hash = passwords.hash_password(password)
    user.security_stamp = new_security_stamp()
    sessions.end_sessions(session, user=user, now=now, keep=keep)
    if user.email_confirmed_at is None and reason == "reset":
        # Following a link sent to the address proves the address as well.
        user.email_confirmed_at = now
    audit.record(session, actor=actor or user, action=f"account.password_{reason}",
                 object_type="user", object_id=user.id, at=now)


def change_password(session: Session, *, user: User, current: str, new: str,
                    now: datetime, keep: AccountSession | None = None) -> None:
    if not passwords.check_password(user.password_hash, current):
        raise Refused(PROBLEMS("wrong_current_password", "current_password"))
    set_password(session, user=user, password=new, actor=user, now=now, reason="changed",
                 keep=keep)


def set_locale(session: Session, *, user: User, locale: str) -> None:
    user.locale = locale


def grant_role(session: Session, *, user: User, role: Role, actor: User | None,
               now: datetime) -> bool:
    """Give ``user`` the role; False if they already hold it."""
    if role in user.roles:
        return False
    user.role_grants.append(UserRole(role=role, granted_at=now, community_id=_granting_in(role),
                                     granted_by_id=actor.id if actor else None))
    session.flush()
    audit.record(session, actor=actor, action="role.granted", object_type="user",
                 object_id=user.id, details={"role": role.value}, at=now)
    return True


def _grant_to_revoke(user: User, role: Role) -> UserRole | None:
    """The grant of ``role`` a revocation takes: the one held in the community the request
    is for (the platform-wide one on the platform's pages); a command, which works in no
    community, takes the platform-wide one, else the one there is."""
    held = [grant for grant in user.role_grants if grant.role is role]
    here = scope.entered()
    if here is None:
        return next((g for g in held if g.community_id is None), held[0] if held else None)
    wanted = here if here > 0 else None
    return next((g for g in held if g.community_id == wanted), None)


def _granting_in(role: Role) -> int | None:
    """Where a role is granted: in the community the request is for (the resident's own
    role, and any role given on the platform's pages or by a command, platform-wide)."""
    here = scope.entered()
    return here if role is not Role.RESIDENT and here is not None and here > 0 else None


def revoke_role(session: Session, *, user: User, role: Role, actor: User | None,
                now: datetime) -> bool:
    """Take the role away; False if they did not hold it. The last admin cannot be removed."""
    grant = _grant_to_revoke(user, role)
    if grant is None:
        return False
    here = grant.community_id
    if role is Role.ADMIN:
        # The platform's administrators and this community's: one must stay.
        admins = session.execute(
            select(func.count()).select_from(UserRole).where(
                UserRole.role == Role.ADMIN,
                or_(UserRole.community_id.is_(None), UserRole.community_id == here))
        ).scalar_one()
        if admins <= 1:
            raise Refused(PROBLEMS("last_admin"))
    user.role_grants.remove(grant)
    session.flush()
    audit.record(session, actor=actor, action="role.revoked", object_type="user",
                 object_id=user.id, details={"role": role.value}, at=now)
    return True


__all__ = [
    "PasswordProblem", "Secrets", "authenticate", "change_password",
    "confirm_email", "confirmation_token", "find_user_by_email", "grant_role", "register",
    "reset_token", "revoke_role", "set_locale", "set_password", "user_for_reset_token",
]
