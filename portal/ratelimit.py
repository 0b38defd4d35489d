"""Rate limits (Flask-Limiter): in memory by default, Redis through RATELIMIT_STORAGE_URI."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[])
