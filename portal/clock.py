"""The one place the portal reads the clock; rules take ``now`` as an argument instead."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

KYIV = ZoneInfo("Europe/Kyiv")


def utcnow() -> datetime:
    return datetime.now(UTC)


def kyiv_today() -> date:
    return utcnow().astimezone(KYIV).date()
