"""Pure rules of accounts: e-mail addresses and passwords."""

from __future__ import annotations

import re
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
