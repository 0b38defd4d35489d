"""flask-login wiring: sessions name the account and its security stamp."""

from __future__ import annotations

from functools import cache

from flask import Flask
from flask_login import AnonymousUserMixin, LoginManager
from sqlalchemy import bindparam, select

from portal.db import db_session
from portal.i18n import _l


class Anonymous(AnonymousUserMixin):
    locale = None
    roles: frozenset = frozenset()

    def has_role(self, *roles) -> bool:
        return False


login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to open this page.")
login_manager.login_message_category = "info"
login_manager.anonymous_user = Anonymous
login_manager.session_protection = "basic"


@cache
def _user_by_id():
    """The loader's query, built once: every signed-in request runs it, and a prepared
    statement with a bound id skips what ``Session.get`` rebuilds on each call."""
    from portal.accounts.models import User

    return select(User).where(User.id == bindparam("user_id"))


@login_manager.user_loader
def load_user(session_id: str):
    user_id, _, stamp = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db_session().execute(_user_by_id(), {"user_id": int(user_id)}).scalar_one_or_none()
    # A changed password rotates the stamp and so ends every other session of the account.
    if user is None or user.security_stamp != stamp or not user.active:
        return None
    return user


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
