"""Rate limits (Flask-Limiter): in memory by default, Redis through RATELIMIT_STORAGE_URI.

Every limit of the portal sits on a view (logging in, asking for a password reset) and is
checked by that view's decorator. Flask-Limiter also checks, before every request of the
application, the application-wide, default and blueprint limits; the portal sets none, so
that check is taken out: it cost about 70 microseconds on every request, the busiest (a
cast) included. Should a deployment set default or application limits in its
configuration, the check stays.

With Redis, every worker of every machine serving the portal counts into the same
counters: failed logins spread over two nodes add up to one limit
(``tests/services/test_two_nodes_served.py``). In memory, each process counts its own, which
is right for one process (development, the tests) and only there.

While the shared storage (Redis) cannot be reached, limits are counted in the process's
memory instead (Flask-Limiter's fallback for the views' decorators, ``counted`` for the
login throttle), so logging in still works, still limited, and nothing ends in a 500;
the shared storage is used again once it answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits.storage import MemoryStorage
from limits.strategies import RateLimiter

limiter = Limiter(key_func=get_remote_address, default_limits=[], application_limits=[],
                  in_memory_fallback_enabled=True)
log = logging.getLogger(__name__)
T = TypeVar("T")
_memory: dict[type, RateLimiter] = {}


def counted(operation: Callable[[RateLimiter], T]) -> T:
    """``operation`` on the limiter's strategy; while its storage is unreachable, on a twin
    strategy kept in this process's memory."""
    strategy = limiter.limiter
    try:
        return operation(strategy)
    except strategy.storage.base_exceptions as error:
        log.warning("Rate-limit storage unreachable (%s); counting in memory",
                    type(error).__name__)
        twin = _memory.setdefault(type(strategy), type(strategy)(MemoryStorage()))
        return operation(twin)


def init_app(app: Flask) -> None:
    limiter.init_app(app)
    if app.config.get("RATELIMIT_DEFAULT") or app.config.get("RATELIMIT_APPLICATION"):
        return
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:  # not there when limits are switched off
        hooks.remove(limiter._check_request_limit)
