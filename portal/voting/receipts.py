"""Receipt codes: shown to the voter, never stored; only their SHA-256 is published.

The code is derived from the ballot's random ``uuid`` under the server's person-key
secret, so the portal can show a voter their code again on their own ballot page without
keeping it, and nobody without the secret can compute a code from the bulletin board.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import uuid

_SEPARATORS = re.compile(r"[\s\-‐–—]")


def new_ballot_uuid() -> str:
    return uuid.uuid4().hex


def receipt_code(secret: str, ballot_uuid: str) -> str:
    """16 base32 characters in four groups, e.g. ``K7QD-2M4X-PA9B-...``."""
    digest = hmac.new(secret.encode(), f"receipt:{ballot_uuid}".encode(), hashlib.sha256)
    letters = base64.b32encode(digest.digest()[:10]).decode()
    return "-".join(letters[i:i + 4] for i in range(0, 16, 4))


def normalise(code: str) -> str:
    return _SEPARATORS.sub("", code or "").upper()


def receipt_hash(code: str) -> str:
    """The public form of a receipt code, as listed on the bulletin board."""
    return hashlib.sha256(normalise(code).encode()).hexdigest()
