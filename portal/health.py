"""What ``/healthz`` reports: whether the database and Redis answer, and how fast.

Each is ``up`` with its latency in milliseconds, or ``down`` with the class of the error
(never its message: the report is public). Redis is ``not configured`` when the rate
limits are kept in memory (``RATELIMIT_STORAGE_URI``).
"""

from __future__ import annotations

import time
from typing import Any

import redis
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.db import db_session

#: Seconds the check waits for Redis before calling it down.
REDIS_TIMEOUT_SECONDS = 2.0


def _timed(check) -> dict[str, Any]:
    started = time.perf_counter()
    check()
    return {"status": "up", "latency_ms": round((time.perf_counter() - started) * 1000, 1)}


def database_health() -> dict[str, Any]:
    """``SELECT 1`` in the request's session (which the request then rolls back or ends)."""
    try:
        return _timed(lambda: db_session().execute(text("SELECT 1")))
    except SQLAlchemyError as error:
        cause = getattr(error, "orig", None) or error
        return {"status": "down", "error": type(cause).__name__}


def redis_health(storage_uri: str) -> dict[str, Any]:
    """A PING on a connection of its own, so that a Redis that does not answer holds the
    check for at most :data:`REDIS_TIMEOUT_SECONDS`."""
    if not storage_uri.startswith("redis"):
        return {"status": "not configured"}
    try:
        client = redis.Redis.from_url(storage_uri.replace("redis+unix://", "unix://", 1),
                                      socket_timeout=REDIS_TIMEOUT_SECONDS,
                                      socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
    except ValueError:  # a sentinel or cluster address names several servers
        return {"status": "not checked"}
    try:
        return _timed(client.ping)
    except redis.RedisError as error:
        return {"status": "down", "error": type(error).__name__}
    finally:
        client.close()
