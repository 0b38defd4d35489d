"""Server-side sessions: each signed-in browser is a row the server can end.

Logging in starts one and puts its random token into the signed session cookie (and into
the remember cookie, which carries the same value); every request looks the token up
(``portal.accounts.login``). A copy of the cookie is worth nothing once the session has
ended: logging out, a new password, "end the other sessions" on the profile, an idle
time or the lifetime (``rules.session_is_live``). Only the token's hash is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.accounts.models import AccountSession, User
from portal.accounts.rules import SessionLimits, device_summary, needs_touch, session_is_live

#: A token longer than this was not made here; it is not even hashed.
MAX_TOKEN_LENGTH = 64


@dataclass(frozen=True)
class Started:
    account_session: AccountSession
    token: str  # goes into the cookie; never stored


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, *, user: User, now: datetime, address: str | None,
                  user_agent: str, remembered: bool = False) -> Started:
    token = secrets.token_urlsafe(32)
    account_session = AccountSession(
        user_id=user.id, token_hash=token_hash(token), created_at=now, last_seen_at=now,
        remembered=remembered, address=(address or "")[:45],
        device=device_summary(user_agent)[:80],
    )
    session.add(account_session)
    session.flush()
    return Started(account_session, token)


def is_live(account_session: AccountSession, *, now: datetime, limits: SessionLimits) -> bool:
    return session_is_live(created_at=account_session.created_at,
                           last_seen_at=account_session.last_seen_at,
                           ended_at=account_session.ended_at,
                           remembered=account_session.remembered, now=now, limits=limits)


def touch(account_session: AccountSession, *, now: datetime, limits: SessionLimits) -> None:
    """Note the session's activity, at most once per ``limits.touch_every``: a signed-in
    request writes nothing most of the time (the write is committed with the request)."""
    if needs_touch(account_session.last_seen_at, now=now, limits=limits):
        account_session.last_seen_at = now


def end_session(session: Session, *, account_session: AccountSession, now: datetime) -> None:
    if account_session.ended_at is None:
        account_session.ended_at = now


def end_sessions(session: Session, *, user: User, now: datetime,
                 keep: AccountSession | None = None) -> int:
    """End every session of ``user`` but ``keep``; how many were still open."""
    statement = (update(AccountSession)
                 .where(AccountSession.user_id == user.id, AccountSession.ended_at.is_(None))
                 .values(ended_at=now)
                 .execution_options(synchronize_session="fetch"))
    if keep is not None:
        statement = statement.where(AccountSession.id != keep.id)
    return session.execute(statement).rowcount


def active_sessions(session: Session, *, user: User, now: datetime,
                    limits: SessionLimits) -> list[AccountSession]:
    """The account's sessions that still sign a browser in, the most recently active first."""
    candidates = session.scalars(
        select(AccountSession)
        .where(AccountSession.user_id == user.id, AccountSession.ended_at.is_(None),
               AccountSession.created_at > now - limits.max_age)
        .order_by(AccountSession.last_seen_at.desc(), AccountSession.id.desc())
    )
    return [s for s in candidates if is_live(s, now=now, limits=limits)]
