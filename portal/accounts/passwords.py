"""Argon2id password hashes (argon2-cffi).

Every application uses argon2-cffi's RFC 9106 defaults, except one configured with
``FAST_PASSWORD_HASHES`` (the test configuration), which uses cheap parameters. The choice is
made per application, so a test app and a production-like app in one process never change
each other's hashing.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app, has_app_context

_STANDARD = PasswordHasher()
_FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
# Verified against when the e-mail is unknown, so that a failed login takes the same time
# whether or not the account exists.
_DUMMY_HASHES = {id(hasher): hasher.hash("not-a-password-of-anyone")
                 for hasher in (_STANDARD, _FAST)}


def _hasher() -> PasswordHasher:
    if has_app_context() and current_app.config.get("FAST_PASSWORD_HASHES"):
        return _FAST
    return _STANDARD


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(stored_hash: str | None, password: str) -> bool:
    hasher = _hasher()
    try:
        return (hasher.verify(stored_hash or _DUMMY_HASHES[id(hasher)], password)
                and stored_hash is not None)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)
