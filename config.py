"""Configuration of the portal.

The default needs nothing installed: an SQLite file under ``instance/``. Setting
``DATABASE_URL`` (``postgresql+psycopg://...``) selects PostgreSQL. Secrets come from the
environment; in development a random default is generated once and kept in
``instance/secrets.json`` so sessions survive restarts. ``PORTAL_ENV=production`` selects
the production configuration, which refuses to start with development secrets or debug on,
or without its public address (``PUBLIC_URL``).

Nothing is read from the environment when this module is imported: ``load()`` reads it,
and ``create_app`` calls ``load()``, so each app sees the environment of its creation.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent

#: Secrets the portal needs; each may come from the environment.
SECRET_NAMES = ("SECRET_KEY", "PERSON_KEY_SECRET")
#: The fixed secrets of the test configuration; production refuses them.
TESTING_SECRETS = {
    "SECRET_KEY": "testing-secret-key-not-for-production-use-0123456789",
    "PERSON_KEY_SECRET": "testing-person-key-secret-not-for-production",
}
MIN_SECRET_LENGTH = 32
#: The Ed25519 key (base64 of its seed) that signs audit checkpoints in the test configuration.
TESTING_AUDIT_KEY = "9AZoBBDJNbciOrua/o1Ts5EOe99Ly7mJrEnlHWHI+mY="
AUDIT_KEY_FILE = "audit-signing-key.pem"


def instance_folder() -> Path:
    """The instance folder: ``PORTAL_INSTANCE``, or ``instance/`` beside this file."""
    return Path(os.environ.get("PORTAL_INSTANCE", ROOT / "instance"))


def env_list(name: str, default: str) -> tuple[str, ...]:
    """A comma-separated environment variable as a tuple of its non-empty items."""
    return tuple(item.strip() for item in os.environ.get(name, default).split(",") if item.strip())


def debug_requested() -> bool:
    """Whether ``FLASK_DEBUG`` asks for debug mode, read the way Flask reads it."""
    value = os.environ.get("FLASK_DEBUG", "")
    return bool(value) and value.lower() not in ("0", "false", "no")


def public_url_problem(value: str) -> str | None:
    """What is wrong with ``value`` as the portal's public address, or None.

    It is a scheme and a host (a port and a path may follow), like
    ``https://budget.example.ua``: every absolute link is built on it.
    """
    try:
        parts = urlsplit(value)
        valid = (parts.scheme in ("http", "https") and bool(parts.hostname)
                 and parts.username is None and not parts.query and not parts.fragment
                 and parts.port != 0)  # reading the port raises ValueError unless 1-65535
    except ValueError:
        valid = False
    if not valid:
        return (f"PUBLIC_URL must be the portal's address, like https://budget.example.ua "
                f"(got {value!r})")
    return None


def upload_storage_problem(value: str) -> str | None:
    """What is wrong with ``value`` as ``UPLOAD_STORAGE``, or None."""
    from portal.uploads.storage import parse_storage

    try:
        parse_storage(value)
    except ValueError as error:
        return str(error)
    return None


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


def _development_audit_key(instance: Path) -> str:
    """The development instance's audit signing key, generated into ``instance/`` once."""
    from portal.audit.signing import new_key_pem

    path = instance / AUDIT_KEY_FILE
    if path.exists():
        return path.read_text(encoding="ascii")
    instance.mkdir(parents=True, exist_ok=True)
    path.write_text(new_key_pem(), encoding="ascii")
    path.chmod(0o600)
    return path.read_text(encoding="ascii")


#: OpenStreetMap's standard tiles and the attribution their tile usage policy asks for.
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright">'
                   "OpenStreetMap</a> contributors")


class Config:
    """Settings shared by every environment.

    The fixed ones are class attributes; those that come from the environment are read
    when the configuration is loaded (``load()``, called by ``create_app``), not when this
    module is imported, so that one process can load several configurations.
    """

    ENV_NAME = "development"
    DEBUG = False
    TESTING = False
    DATABASE_ECHO = False

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    # Server-side sessions (portal.accounts.sessions) end after SESSION_IDLE_TIMEOUT
    # without a request (read from the environment) and SESSION_MAX_AGE after logging in.
    SESSION_MAX_AGE = timedelta(days=14)
    # Last activity is written at most this often, not on every request.
    SESSION_TOUCH_EVERY = timedelta(minutes=1)
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    CSRF_TIME_LIMIT = timedelta(hours=8)
    #: How long a public page made for a visitor who is not signed in, and the home page's
    #: headline figures, are served again before being made anew (portal.pagecache).
    PUBLIC_PAGE_SECONDS = 5

    BABEL_DEFAULT_LOCALE = "uk"
    BABEL_DEFAULT_TIMEZONE = "Europe/Kyiv"
    LANGUAGES = ("uk", "en")

    EMAIL_CONFIRM_MAX_AGE = timedelta(days=2)
    PASSWORD_RESET_MAX_AGE = timedelta(hours=2)

    RATELIMIT_HEADERS_ENABLED = False
    # Failed logins (portal.accounts.throttle): one account from one address, any account
    # from one address, and one account from anywhere, a ceiling past which only addresses
    # without failures on the account may try (so the owner is never locked out).
    LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS = "5 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "30 per 15 minutes"
    LOGIN_LIMIT_PER_ACCOUNT = "20 per 15 minutes"
    CENSUS_MAX_FAILURES = 5
    CENSUS_LOCKOUT = timedelta(hours=1)

    #: Whether a secret missing from the environment may be generated into ``instance/``.
    GENERATE_SECRETS = True
    #: The public address when ``PUBLIC_URL`` is not set: ``flask run``'s own.
    DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
    #: Hosts answered besides the public one: the developer's machine, by either name.
    LOCAL_HOSTS: tuple[str, ...] = ("localhost", "127.0.0.1")

    def __init__(self) -> None:
        self.read_environment()
        self.read_secrets()
        self.read_audit_key()

    def read_secrets(self) -> None:
        """Each secret from the environment, else generated (development), else missing."""
        self._secret_sources: dict[str, str] = {}
        dev = None
        for name in SECRET_NAMES:
            value = os.environ.get(name, "")
            if value:
                self._secret_sources[name] = "environment"
            elif self.GENERATE_SECRETS:
                dev = dev or _development_secrets(Path(self.INSTANCE_PATH))
                value = dev[name]
                self._secret_sources[name] = "development"
            else:
                self._secret_sources[name] = "missing"
            setattr(self, name, value)

    def read_audit_key(self) -> None:
        """The key that signs audit checkpoints (``portal/audit/signing.py``): PEM or base64
        in ``AUDIT_SIGNING_KEY``, or a PEM file named by ``AUDIT_SIGNING_KEY_FILE``; never
        in the database. Development generates one under ``instance/``."""
        value = os.environ.get("AUDIT_SIGNING_KEY", "")
        path = os.environ.get("AUDIT_SIGNING_KEY_FILE", "")
        if not value and path:
            value = Path(path).read_text(encoding="ascii") if Path(path).is_file() else ""
        if not value and self.GENERATE_SECRETS:
            value = _development_audit_key(Path(self.INSTANCE_PATH))
        self.AUDIT_SIGNING_KEY = value

    def read_environment(self) -> None:
        """The settings a deployment gives through environment variables, with defaults."""
        instance = instance_folder()
        self.INSTANCE_PATH = str(instance)
        self.DATABASE_URL = (os.environ.get("DATABASE_URL")
                             or f"sqlite:///{instance / 'portal.sqlite3'}")

        # The one source of every absolute link (mail, receipts, exports, the API's servers),
        # never the request's Host header; a request for any other host is refused with 400.
        self.PUBLIC_URL = os.environ.get("PUBLIC_URL", "").strip() or self.DEFAULT_PUBLIC_URL

        # Mail: "outbox" writes .eml files under instance/outbox and logs them; "smtp" sends.
        self.MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "outbox")
        self.MAIL_OUTBOX = str(instance / "outbox")
        self.MAIL_SENDER = os.environ.get("MAIL_SENDER", "Бюджет участі <noreply@localhost>")
        self.MAIL_SMTP_HOST = os.environ.get("MAIL_SMTP_HOST", "localhost")
        self.MAIL_SMTP_PORT = int(os.environ.get("MAIL_SMTP_PORT", "587"))
        self.MAIL_SMTP_USER = os.environ.get("MAIL_SMTP_USER", "")
        self.MAIL_SMTP_PASSWORD = os.environ.get("MAIL_SMTP_PASSWORD", "")
        self.MAIL_SMTP_STARTTLS = os.environ.get("MAIL_SMTP_STARTTLS", "1") == "1"
        # Mass mail (notices to many residents) leaves in batches of MAIL_BATCH_SIZE, one
        # connection each, no faster than MAIL_RATE_PER_MINUTE messages a minute.
        self.MAIL_BATCH_SIZE = int(os.environ.get("MAIL_BATCH_SIZE", "100"))
        self.MAIL_RATE_PER_MINUTE = int(os.environ.get("MAIL_RATE_PER_MINUTE", "600"))
        # Seconds the worker waits for the mail server (a request never does).
        self.MAIL_SMTP_TIMEOUT = float(os.environ.get("MAIL_SMTP_TIMEOUT", "20"))

        # Background jobs (portal.jobs): huey's queue in an SQLite file under instance/ (no
        # server), or Redis (redis://127.0.0.1:6379/1); the worker runs them
        # (`flask --app portal worker`). A failed job is tried again after
        # JOBS_RETRY_SECONDS, then twice as long each time up to JOBS_RETRY_MAX_SECONDS;
        # JOBS_RETRIES, when set, replaces every job's own number of tries again.
        self.JOBS_URL = os.environ.get("JOBS_URL", f"sqlite:///{instance / 'jobs.sqlite3'}")
        self.JOBS_NAME = os.environ.get("JOBS_NAME", "portal")
        self.JOBS_RETRY_SECONDS = float(os.environ.get("JOBS_RETRY_SECONDS", "30"))
        self.JOBS_RETRY_MAX_SECONDS = float(os.environ.get("JOBS_RETRY_MAX_SECONDS", "1800"))
        retries = os.environ.get("JOBS_RETRIES", "")
        self.JOBS_RETRIES = int(retries) if retries else None
        # The worker's threads: documents and mail run side by side.
        self.JOBS_WORKERS = int(os.environ.get("JOBS_WORKERS", "2"))

        # How many reverse proxies (nginx, a load balancer) stand in front of the portal.
        # Their X-Forwarded-For/-Proto/-Host headers are believed only for that many hops,
        # so the login limits count real client addresses; a forwarded host is checked like
        # the Host header (links never follow either: they come from PUBLIC_URL).
        # 0: no proxy, and forwarded headers (which anyone can send) are ignored.
        self.PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))

        # Seconds a public page (for visitors not signed in) and the parts of pages everyone
        # sees alike are served again before being made anew (portal.pagecache); 0: never.
        self.PUBLIC_PAGE_SECONDS = float(
            os.environ.get("PUBLIC_PAGE_SECONDS", type(self).PUBLIC_PAGE_SECONDS))

        # Two idle hours by default: at a shared computer (ЦНАП, a library) a session left
        # open dies within the hour or two of the next visitors, while a resident writing a
        # long project description between two requests is not thrown out. "Keep me logged
        # in" sessions skip the idle time, never SESSION_MAX_AGE.
        self.SESSION_IDLE_TIMEOUT = timedelta(
            minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "120")))
        # Comments (and replies) one account may post on projects in an hour
        # (portal.discussion); counted from the stored comments, so every node agrees.
        self.DISCUSSION_COMMENTS_PER_HOUR = int(
            os.environ.get("DISCUSSION_COMMENTS_PER_HOUR", "10"))

        # Flask-Limiter: in memory by default, Redis (redis://127.0.0.1:6379/0) in production.
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        if self.RATELIMIT_STORAGE_URI.startswith(("redis://", "rediss://")):
            # An unreachable Redis is given up on within a second: limits are then counted
            # in memory (portal/ratelimit.py), rather than every login waiting.
            self.RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}

        # The community an installation that served one community becomes when it is
        # upgraded (migration 0017): its КАТОТТГ code and the path prefix of its pages.
        self.COMMUNITY_CODE = os.environ.get("COMMUNITY_CODE", "UA14020010000053517")
        self.COMMUNITY_SLUG = os.environ.get("COMMUNITY_SLUG", "bakhmut")
        # The community served without a path prefix on the platform's host: its code.
        # Unset, the only community there is (an upgraded installation's own).
        self.DEFAULT_COMMUNITY = os.environ.get("DEFAULT_COMMUNITY", "")
        self.COMMUNITY_NAME = os.environ.get("COMMUNITY_NAME",
                                             "Бахмутська міська територіальна громада")
        self.COMMUNITY_NAME_EN = os.environ.get("COMMUNITY_NAME_EN",
                                                "Bakhmut City Territorial Community")
        # The settlements of that community, written into its row when it is made; from then
        # on each community's own settlements decide residence (an e-ID address there).
        self.COMMUNITY_LOCALITIES = env_list("COMMUNITY_LOCALITIES", "Бахмут")

        # e-ID over OpenID Connect (BankID NBU, Diia and the like).
        self.OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
        self.OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
        self.OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
        # OIDC Core 5.4: the provider releases the address (residence) only for "address".
        self.OIDC_SCOPE = os.environ.get("OIDC_SCOPE", "openid profile address")
        # The token endpoint's client authentication: client_secret_basic, client_secret_post,
        # client_secret_jwt, or private_key_jwt with a PEM key (a file, or the PEM itself).
        self.OIDC_CLIENT_AUTH_METHOD = os.environ.get("OIDC_CLIENT_AUTH_METHOD",
                                                      "client_secret_basic")
        self.OIDC_CLIENT_PRIVATE_KEY_FILE = os.environ.get("OIDC_CLIENT_PRIVATE_KEY_FILE", "")
        self.OIDC_CLIENT_PRIVATE_KEY = os.environ.get("OIDC_CLIENT_PRIVATE_KEY", "")
        self.OIDC_CLAIM_TAX_NUMBER = os.environ.get("OIDC_CLAIM_TAX_NUMBER", "drfo_code")
        self.OIDC_CLAIM_BIRTH_DATE = os.environ.get("OIDC_CLAIM_BIRTH_DATE", "birthdate")
        self.OIDC_CLAIM_ADDRESS = os.environ.get("OIDC_CLAIM_ADDRESS", "address")
        self.OIDC_TIMEOUT = float(os.environ.get("OIDC_TIMEOUT", "10"))

        # Photos and documents of projects: checked by content, stored under generated names
        # (portal/uploads/storage.py) in UPLOAD_FOLDER ("disk"), in the database ("database")
        # or in an S3-compatible object store ("s3://bucket/prefix", at
        # UPLOAD_S3_ENDPOINT_URL, Amazon's when empty; boto3 finds the credentials in
        # AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile or an instance role). With
        # several machines serving the portal: "database" or S3, or a folder they share.
        self.UPLOAD_STORAGE = os.environ.get("UPLOAD_STORAGE", "disk").strip() or "disk"
        self.UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(instance / "uploads"))
        self.UPLOAD_S3_ENDPOINT_URL = os.environ.get("UPLOAD_S3_ENDPOINT_URL", "").strip()
        self.UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_MB", "10")) * 1024 * 1024

        # The background of the maps (Leaflet tiles): OpenStreetMap's standard tiles unless
        # set; MAP_TILE_URL="" draws the districts and points on a plain background. An https
        # tile host is allowed by the CSP's img-src (portal/security.py); the attribution is
        # HTML that the map shows in its corner, as the tile source's licence requires.
        self.MAP_TILE_URL = os.environ.get("MAP_TILE_URL", OSM_TILES)
        self.MAP_TILE_ATTRIBUTION = os.environ.get(
            "MAP_TILE_ATTRIBUTION", OSM_ATTRIBUTION if self.MAP_TILE_URL == OSM_TILES else "")

    def check(self) -> None:
        """Refuse settings that are unsafe for this environment or cannot work: a malformed
        public address, an upload storage that is none of those known."""
        problem = public_url_problem(self.PUBLIC_URL) or upload_storage_problem(
            self.UPLOAD_STORAGE)
        if problem:
            raise RuntimeError(f"Refusing to start: {problem}")


class DevelopmentConfig(Config):
    def read_environment(self) -> None:
        super().read_environment()
        self.DEBUG = debug_requested()


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    # Cheap argon2 parameters: the password rules are tested on their own.
    FAST_PASSWORD_HASHES = True
    # The tests' name for the portal (their SERVER_NAME): a reserved .test name.
    DEFAULT_PUBLIC_URL = "http://portal.test"
    # Every page made anew: a test sees what it has just written (portal.pagecache's own
    # tests turn the copies on).
    PUBLIC_PAGE_SECONDS = 0

    def read_environment(self) -> None:
        super().read_environment()
        self.DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or "sqlite:///:memory:"
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.PUBLIC_PAGE_SECONDS = 0  # whatever the environment says
        self.MAIL_BACKEND = "outbox"
        # Each job runs the moment it is queued, in the test's process; the worker's own
        # tests (tests/jobs) start a worker on an SQLite file or Redis instead.
        self.JOBS_URL = "immediate"
        # Tests that store files point this at their own temporary folder, or choose the
        # database or an object store of their own (tests/conftest.py, ``stored_files``).
        self.UPLOAD_STORAGE = "disk"
        self.UPLOAD_FOLDER = str(Path(tempfile.gettempdir()) / "portal-test-uploads")
        self.UPLOAD_S3_ENDPOINT_URL = ""

    def read_secrets(self) -> None:
        # Fixed, obviously fake secrets: tests must not depend on files under instance/.
        self._secret_sources = {name: "testing" for name in SECRET_NAMES}
        for name, value in TESTING_SECRETS.items():
            setattr(self, name, value)

    def read_audit_key(self) -> None:
        self.AUDIT_SIGNING_KEY = TESTING_AUDIT_KEY


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    # Production never invents secrets: a missing one stops the start instead.
    GENERATE_SECRETS = False
    # Nor its address: it answers its public host only.
    DEFAULT_PUBLIC_URL = ""
    LOCAL_HOSTS = ()

    def read_environment(self) -> None:
        super().read_environment()
        self.MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")

    def check(self) -> None:
        problems = []
        for name in SECRET_NAMES:
            value = getattr(self, name)
            if self._secret_sources[name] != "environment":
                problems.append(f"{name} must be set in the environment")
            elif value == TESTING_SECRETS[name] or value == _stored_secret(self, name):
                problems.append(f"{name} is a development or testing secret; generate a new one")
            elif len(value) < MIN_SECRET_LENGTH:
                problems.append(f"{name} must be at least {MIN_SECRET_LENGTH} characters")
        hint = (" Generate a secret with: python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'") if problems else ""
        problems += _audit_key_problems(self)
        if self.DEBUG or debug_requested():
            problems.append("debug must be off (unset FLASK_DEBUG)")
        if not self.PUBLIC_URL:
            problems.append("PUBLIC_URL must be set to the portal's public address, like "
                            "https://budget.example.ua (every link in mail is built on it)")
        elif problem := public_url_problem(self.PUBLIC_URL):
            problems.append(problem)
        elif not self.PUBLIC_URL.startswith("https://"):
            problems.append("PUBLIC_URL must start with https:// (the session cookie is sent "
                            "over HTTPS only)")
        if problem := upload_storage_problem(self.UPLOAD_STORAGE):
            problems.append(problem)
        if problems:
            raise RuntimeError("Refusing to start in production: " + "; ".join(problems)
                               + "." + hint)


def _audit_key_problems(config: Config) -> list[str]:
    """Why the audit signing key cannot sign production's checkpoints, if it cannot."""
    from portal.audit.signing import private_key, public_key_text

    if not config.AUDIT_SIGNING_KEY:
        return ["AUDIT_SIGNING_KEY (or AUDIT_SIGNING_KEY_FILE) must be set; generate a key "
                "with: openssl genpkey -algorithm ed25519"]
    try:
        public = public_key_text(private_key(config.AUDIT_SIGNING_KEY))
    except ValueError as error:
        return [f"AUDIT_SIGNING_KEY is not an Ed25519 private key ({error})"]
    stored = Path(config.INSTANCE_PATH) / AUDIT_KEY_FILE
    known = [TESTING_AUDIT_KEY] + ([stored.read_text(encoding="ascii")] if stored.is_file() else [])
    if public in {public_key_text(private_key(text)) for text in known}:
        return ["AUDIT_SIGNING_KEY is a development or testing key; generate a new one"]
    return []


def _stored_secret(config: Config, name: str) -> str | None:
    """The development secret kept under ``instance/``, if there is one."""
    path = Path(config.INSTANCE_PATH) / "secrets.json"
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8")).get(name)
    except (OSError, ValueError):
        return None


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
