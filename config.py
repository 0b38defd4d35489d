"""Configuration of the portal.

The default needs nothing installed: an SQLite file under ``instance/``. Setting
``DATABASE_URL`` (``postgresql+psycopg://...``) selects PostgreSQL. Secrets come from the
environment; in development a random default is generated once and kept in
``instance/secrets.json`` so sessions survive restarts. ``PORTAL_ENV=production`` selects
the production configuration, which refuses to start with development secrets or debug on.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE = Path(os.environ.get("PORTAL_INSTANCE", ROOT / "instance"))

#: Secrets the portal needs; each may come from the environment.
SECRET_NAMES = ("SECRET_KEY", "PERSON_KEY_SECRET")


def _development_secrets(instance: Path) -> dict[str, str]:
    """Random secrets generated on first use and persisted under ``instance/``."""
    path = instance / "secrets.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    instance.mkdir(parents=True, exist_ok=True)
    generated = {name: secrets.token_urlsafe(48) for name in SECRET_NAMES}
    path.write_text(json.dumps(generated), encoding="utf-8")
    path.chmod(0o600)
    return generated


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "development"
    DEBUG = False
    TESTING = False
    INSTANCE_PATH = str(INSTANCE)
    DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'portal.sqlite3'}"
    DATABASE_ECHO = False

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    CSRF_TIME_LIMIT = timedelta(hours=8)

    BABEL_DEFAULT_LOCALE = "uk"
    BABEL_DEFAULT_TIMEZONE = "Europe/Kyiv"
    LANGUAGES = ("uk", "en")

    # Mail: "outbox" writes .eml files under instance/outbox and logs them; "smtp" sends.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "outbox")
    MAIL_OUTBOX = str(INSTANCE / "outbox")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Бюджет участі <noreply@localhost>")
    MAIL_SMTP_HOST = os.environ.get("MAIL_SMTP_HOST", "localhost")
    MAIL_SMTP_PORT = int(os.environ.get("MAIL_SMTP_PORT", "587"))
    MAIL_SMTP_USER = os.environ.get("MAIL_SMTP_USER", "")
    MAIL_SMTP_PASSWORD = os.environ.get("MAIL_SMTP_PASSWORD", "")
    MAIL_SMTP_STARTTLS = os.environ.get("MAIL_SMTP_STARTTLS", "1") == "1"

    EMAIL_CONFIRM_MAX_AGE = timedelta(days=2)
    PASSWORD_RESET_MAX_AGE = timedelta(hours=2)

    # Flask-Limiter: in memory by default, Redis (redis://127.0.0.1:6379/0) in production.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "30 per 15 minutes"
    CENSUS_MAX_FAILURES = 5
    CENSUS_LOCKOUT = timedelta(hours=1)

    COMMUNITY_NAME = os.environ.get("COMMUNITY_NAME", "Бахмутська міська територіальна громада")
    COMMUNITY_NAME_EN = os.environ.get("COMMUNITY_NAME_EN", "Bakhmut City Territorial Community")

    # e-ID over OpenID Connect (BankID NBU, Diia and the like).
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
    OIDC_SCOPE = os.environ.get("OIDC_SCOPE", "openid profile")
    OIDC_CLAIM_TAX_NUMBER = os.environ.get("OIDC_CLAIM_TAX_NUMBER", "drfo_code")
    OIDC_CLAIM_BIRTH_DATE = os.environ.get("OIDC_CLAIM_BIRTH_DATE", "birthdate")
    OIDC_CLAIM_ADDRESS = os.environ.get("OIDC_CLAIM_ADDRESS", "address")

    # Photos and documents of projects: checked by content, stored under generated names.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE / "uploads"))
    UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_MB", "10")) * 1024 * 1024

    # Map tiles for Leaflet; the pages work without them.
    MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
    MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

    def __init__(self) -> None:
        self._secret_sources: dict[str, str] = {}
        dev = None
        for name in SECRET_NAMES:
            value = os.environ.get(name)
            if value:
                self._secret_sources[name] = "environment"
            else:
                dev = dev or _development_secrets(Path(self.INSTANCE_PATH))
                value = dev[name]
                self._secret_sources[name] = "development"
            setattr(self, name, value)

    def check(self) -> None:
        """Refuse settings that are unsafe for this environment; nothing by default."""


class DevelopmentConfig(Config):
    DEBUG = os.environ.get("FLASK_DEBUG", "0") == "1"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or "sqlite:///:memory:"
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_BACKEND = "outbox"
    # Tests that store files point this at their own temporary folder.
    UPLOAD_FOLDER = str(Path(tempfile.gettempdir()) / "portal-test-uploads")

    def __init__(self) -> None:
        # Fixed, obviously fake secrets: tests must not depend on files under instance/.
        self._secret_sources = {name: "testing" for name in SECRET_NAMES}
        self.SECRET_KEY = "testing-secret-key-not-for-production-use-0123456789"
        self.PERSON_KEY_SECRET = "testing-person-key-secret-not-for-production"


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")

    def check(self) -> None:
        problems = [
            f"{name} must be set in the environment for production"
            for name, source in self._secret_sources.items()
            if source != "environment"
        ]
        if self.DEBUG or os.environ.get("FLASK_DEBUG") == "1":
            problems.append("debug must be off in production")
        if len(self.SECRET_KEY) < 32:
            problems.append("SECRET_KEY must be at least 32 characters")
        if problems:
            raise RuntimeError("Refusing to start: " + "; ".join(problems))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load(name: str | None = None) -> Config:
    """The configuration object for ``name`` or ``PORTAL_ENV`` (development by default)."""
    name = name or os.environ.get("PORTAL_ENV", "development")
    try:
        config = CONFIGS[name]()
    except KeyError:
        raise RuntimeError(f"Unknown PORTAL_ENV {name!r}; use one of {sorted(CONFIGS)}") from None
    config.check()
    return config
