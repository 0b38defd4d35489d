"""flask-login wiring: the session cookie names a server-side session, checked on every
request (``portal.accounts.sessions``)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from flask import Flask, current_app, g, request
from flask import session as cookie_session
from flask_login import AnonymousUserMixin, LoginManager, current_user, login_user, logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from portal.accounts import sessions
from portal.accounts.models import AccountSession, User
from portal.accounts.rules import SessionLimits
from portal.clock import utcnow
from portal.db import db_session
from portal.i18n import _l


class Anonymous(AnonymousUserMixin):
    locale = None
    roles: frozenset = frozenset()
    is_platform_admin = False

    def has_role(self, *roles) -> bool:
        return False


login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to open this page.")
login_manager.login_message_category = "info"
login_manager.anonymous_user = Anonymous
login_manager.session_protection = "basic"


def session_limits(config: Mapping[str, Any]) -> SessionLimits:
    return SessionLimits(idle_timeout=config["SESSION_IDLE_TIMEOUT"],
                         max_age=config["SESSION_MAX_AGE"],
                         touch_every=config["SESSION_TOUCH_EVERY"])


@cache
def _session_by_token():
    """The loader's query, built once: every signed-in request runs it, and a prepared
    statement with a bound hash skips what building it anew would cost each time. The
    account's roles come joined to it: every page's menus ask for them, and a join costs
    far less than the statement of their own they would otherwise be read by."""
    return (select(AccountSession, User)
            .join(User, User.id == AccountSession.user_id)
            .where(AccountSession.token_hash == bindparam("token_hash"))
            .options(joinedload(User.role_grants)))


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The account of the session whose token the cookie carries, if that session is live.

    An unknown token (a forged cookie, one from before server-side sessions), an ended,
    idle or too old session, or a blocked account: the browser is not signed in.
    """
    if not isinstance(token, str) or not token or len(token) > sessions.MAX_TOKEN_LENGTH:
        return None
    row = db_session().execute(_session_by_token(),
                               {"token_hash": sessions.token_hash(token)}).unique().one_or_none()
    if row is None:
        return None
    account_session, user = row
    now, limits = utcnow(), session_limits(current_app.config)
    if not user.active or not sessions.is_live(account_session, now=now, limits=limits):
        return None
    sessions.touch(account_session, now=now, limits=limits)
    g.account_session = account_session
    return user


def log_in(user: User, *, remember: bool = False) -> None:
    """Start a server-side session for ``user`` and sign this browser into it."""
    started = sessions.start_session(
        db_session(), user=user, now=utcnow(), address=request.remote_addr,
        user_agent=request.user_agent.string, remembered=remember)
    login_user(user, remember=remember)
    # flask-login keeps what it hands the user loader in the session cookie, and copies it
    # into the remember cookie: the session's token, so that both die with the session.
    cookie_session["_user_id"] = started.token
    g.account_session = started.account_session


def current_account_session() -> AccountSession | None:
    """The server-side session of this request's browser (None when not signed in)."""
    if not current_user.is_authenticated:  # also loads the user, and with it the session
        return None
    return g.get("account_session")


def log_out() -> None:
    """End this browser's session on the server, then forget it in the cookies: the
    session cookie is emptied and the remember cookie deleted."""
    account_session = current_account_session()
    if account_session is not None:
        sessions.end_session(db_session(), account_session=account_session, now=utcnow())
    cookie_session.clear()
    logout_user()  # after clearing: it leaves the mark that deletes the remember cookie


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
