"""Signed, expiring links for e-mail confirmation and password reset.

A reset token carries the account's security stamp, which changes with the password, so a
link works once. A confirmation token carries the address it confirms, so a link sent to
an old address cannot confirm a new one.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM_SALT = "portal.confirm-email"
RESET_SALT = "portal.reset-password"


class TokenError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code  # "expired" or "invalid"


def make_token(secret: str, salt: str, payload: dict[str, Any]) -> str:
    return URLSafeTimedSerializer(secret, salt=salt).dumps(payload)


def read_token(secret: str, salt: str, token: str, max_age: timedelta) -> dict[str, Any]:
    try:
        return URLSafeTimedSerializer(secret, salt=salt).loads(
            token, max_age=int(max_age.total_seconds())
        )
    except SignatureExpired:
        raise TokenError("expired") from None
    except BadSignature:
        raise TokenError("invalid") from None
