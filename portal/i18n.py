"""Languages and times: Ukrainian first, English second; times shown in Europe/Kyiv.

``_`` translates at request time, ``_l`` lazily for strings defined at import time
(form labels, enum labels). The locale is the user's choice, then the language chosen in
this browser session, then the browser's Accept-Language, then Ukrainian. The user's
choice is copied into the session, so that it holds on pages made without the database.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import (
    Babel,
    format_date,
    format_datetime,
    get_locale,
    get_translations,
    lazy_gettext,
)
from flask_login import current_user


def catalogue() -> NullTranslations:
    """The current locale's translations. flask-babel finds them anew for every string,
    walking the request's globals four times (a twelfth of a page's time for the hundred
    strings a page has); the catalogue found is kept beside the locale it belongs to, and
    serves while that locale holds (``force_locale`` and ``refresh`` change the locale)."""
    try:
        babel_context = g._flask_babel
        locale, translations = babel_context.portal_catalogue
        if locale is babel_context.babel_locale:
            return translations
    except (AttributeError, RuntimeError):  # not found yet, or outside the application
        pass
    translations = get_translations()
    locale = get_locale()
    if locale is not None:
        g._flask_babel.portal_catalogue = (locale, translations)
    return translations


def gettext(string: str, **variables) -> str:
    text = catalogue().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return catalogue().ungettext(singular, plural, num) % variables


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
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: catalogue().ugettext(text),
        ngettext=lambda singular, plural, n: catalogue().ungettext(singular, plural, n),
        pgettext=lambda context, text: catalogue().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: catalogue().unpgettext(
            context, singular, plural, n),
        newstyle=True,
    )
    app.jinja_env.filters["kyiv"] = kyiv_datetime
    app.jinja_env.globals["get_locale"] = get_locale
