"""Languages and times: Ukrainian first, English second; times shown in Europe/Kyiv.

``_`` translates at request time, ``_l`` lazily for strings defined at import time
(form labels, enum labels). The locale is the user's choice, then the language chosen in
this browser session, then the browser's Accept-Language, then Ukrainian. The user's
choice is copied into the session, so that it holds on pages made without the database.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, format_datetime, get_locale, gettext, lazy_gettext, ngettext
from flask_login import current_user

_ = gettext
_l = lazy_gettext
__all__ = ["_", "_l", "ngettext", "get_locale", "format_datetime", "init_app", "select_locale"]


def select_locale() -> str:
    if not has_request_context():  # the command line, mail sent from a job
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    user_choice = getattr(current_user, "locale", None) if current_user else None
    if user_choice in languages:
        if session.get("locale") != user_choice:
            # Kept in the session too: the error page of a database outage knows no user.
            session["locale"] = user_choice
        return user_choice
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def kyiv_datetime(value: datetime | None, format: str = "short") -> str:
    """A UTC timestamp shown in Europe/Kyiv in the user's language."""
    if value is None:
        return ""
    return format_datetime(value, format)


def init_app(app: Flask) -> None:
    Babel(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(app.config["TRANSLATIONS_DIR"]),
    )
    app.jinja_env.filters["kyiv"] = kyiv_datetime
    app.jinja_env.globals["get_locale"] = get_locale
