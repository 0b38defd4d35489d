"""Pure rules of accounts: e-mail addresses, passwords and when a session is over."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The Ukrainian keyboard layout over the Latin keys it shares, so that "йцукен" is scored as
# the keyboard walk "qwerty" it is.
_UKRAINIAN_KEYS = str.maketrans(
    "йцукенгшщзхїфівапролджєячсмитьбю",
    "qwertyuiop[]asdfghjkl;'zxcvbnm,.",
)


class PasswordProblem(StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    TOO_COMMON = "too_common"
    CONTAINS_EMAIL = "contains_email"


def normalize_email(raw: str) -> str:
    return (raw or "").strip().lower()


def is_valid_email(email: str) -> bool:
    return bool(_EMAIL.match(email)) and len(email) <= 254


def password_problems(password: str, *, email: str = "") -> list[PasswordProblem]:
    """Why a new password is refused; an empty list means it is acceptable.

    Besides length, the password must not be guessable: zxcvbn scores it against lists
    of common passwords, words, names, keyboard walks and dates, and we refuse scores below
    3 ("safely unguessable" in its terms). zxcvbn only sees the first 100 characters.
    """
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(PasswordProblem.TOO_SHORT)
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(PasswordProblem.TOO_LONG)
        return problems
    local_part = email.split("@")[0].lower()
    if len(local_part) >= 4 and local_part in password.lower():
        problems.append(PasswordProblem.CONTAINS_EMAIL)
    if not problems:
        user_inputs = [email, local_part] if email else []
        as_latin_keys = password[:100].lower().translate(_UKRAINIAN_KEYS)
        score = min(zxcvbn(password[:100], user_inputs=user_inputs)["score"],
                    zxcvbn(as_latin_keys, user_inputs=user_inputs)["score"])
        if score < 3:
            problems.append(PasswordProblem.TOO_COMMON)
    return problems


@dataclass(frozen=True)
class SessionLimits:
    """How long a signed-in session lives (the configuration's ``SESSION_*`` settings)."""

    idle_timeout: timedelta  # no request for this long ends it (unless remembered)
    max_age: timedelta  # it ends this long after logging in, whatever happens
    touch_every: timedelta  # last activity is written at most this often


def session_is_live(*, created_at: datetime, last_seen_at: datetime, ended_at: datetime | None,
                    remembered: bool, now: datetime, limits: SessionLimits) -> bool:
    """Whether a session still signs its browser in.

    ``last_seen_at`` is written at most every ``touch_every``, so a session counts as idle
    from up to that much earlier than its last request; the idle time is hours, the
    interval a minute.
    """
    if ended_at is not None or now - created_at >= limits.max_age:
        return False
    return remembered or now - last_seen_at < limits.idle_timeout


def needs_touch(last_seen_at: datetime, *, now: datetime, limits: SessionLimits) -> bool:
    return now - last_seen_at >= limits.touch_every


# Most specific first: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = (("Edg", "Edge"), ("OPR", "Opera"), ("Firefox", "Firefox"), ("FxiOS", "Firefox"),
             ("SamsungBrowser", "Samsung Internet"), ("CriOS", "Chrome"), ("Chrome", "Chrome"),
             ("Safari", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
            ("Linux", "Linux"))


def device_summary(user_agent: str) -> str:
    """"Firefox, Windows": enough for a person to tell their devices apart in the list of
    sessions; the rest of the User-Agent header is not kept. Empty when nothing is known."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    return ", ".join(part for part in (browser, system) if part)
