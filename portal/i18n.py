"""Languages and times: Ukrainian first, English second; times shown in Europe/Kyiv.

``_`` translates at request time, ``_l`` lazily for strings defined at import time
(form labels, enum labels). The locale is the user's choice, then the language chosen in
this browser session, then the browser's Accept-Language, then Ukrainian. The user's
choice is copied into the session, so that it holds on pages made without the database.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import (
    Babel,
    format_date,
    format_datetime,
    get_locale,
    gettext,
    lazy_gettext,
    ngettext,
)
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


#: The portal's numeric formats, in every language: a date is dd.mm.yyyy (Babel's "short"
#: formats have a two-digit year), a moment is that date and the time of day.
DATE_FORMAT = "dd.MM.yyyy"
DATETIME_FORMAT = "dd.MM.yyyy, HH:mm"
_NAMED_FORMATS = {"short": DATETIME_FORMAT, "datetime": DATETIME_FORMAT, "date": DATE_FORMAT}


def kyiv_datetime(value: datetime | date | None, format: str = "short") -> str:
    """A UTC timestamp shown in Europe/Kyiv in the user's language: ``dd.mm.yyyy, HH:mm``,
    or ``format="date"`` for ``dd.mm.yyyy``, or a Babel pattern such as ``"d MMMM y"``.
    A calendar date (no time of day) is shown as it is, never moved by a time zone."""
    if value is None:
        return ""
    pattern = _NAMED_FORMATS.get(format, format)
    if not isinstance(value, datetime):
        return format_date(value, DATE_FORMAT if pattern == DATETIME_FORMAT else pattern)
    return format_datetime(value, pattern)


def init_app(app: Flask) -> None:
    Babel(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(app.config["TRANSLATIONS_DIR"]),
    )
    app.jinja_env.filters["kyiv"] = kyiv_datetime
    app.jinja_env.globals["get_locale"] = get_locale
