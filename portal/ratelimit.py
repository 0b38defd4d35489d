"""Rate limits (Flask-Limiter): in memory by default, Redis through RATELIMIT_STORAGE_URI.

Every limit of the portal sits on a view (logging in, asking for a password reset) and is
checked by that view's decorator. Flask-Limiter also checks, before every request of the
application, the application-wide, default and blueprint limits; the portal sets none, so
that check is taken out: it cost about 70 microseconds on every request, the busiest (a
cast) included. Should a deployment set default or application limits in its
configuration, the check stays.
"""

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], application_limits=[])


def init_app(app: Flask) -> None:
    limiter.init_app(app)
    if app.config.get("RATELIMIT_DEFAULT") or app.config.get("RATELIMIT_APPLICATION"):
        return
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:  # not there when limits are switched off
        hooks.remove(limiter._check_request_limit)
