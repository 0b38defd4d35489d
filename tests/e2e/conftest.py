"""Browser tests: the real portal in its own process, driven by Chromium through Playwright.

``live_server`` (one per run, shared by every browser test) migrates a fresh SQLite file
with the real migrations and starts ``python -m tests.e2e.serve`` with the development
configuration: secrets, database and mail outbox all under a temporary instance folder.
Tests seed data through ``live_server.session()`` with the builders of ``tests.factories``
(``live_server.person_key_secret`` for verified people) or the real command line
(``live_server.cli(...)``), read mail with ``live_server.latest_mail(...)``, and drive pages
from ``browser_context()`` / ``page``; ``log_in(page, email)`` signs in (through the form
when given the password).
Since the database is shared, tests make their own accounts and cycles and look for those.
``shoot(page, "name")`` saves a numbered full-page screenshot under
``tests/artifacts/<module>/``; when a test fails, every page it left open is saved under
``tests/artifacts/failures/``.
"""

from __future__ import annotations

import base64
import email
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.accounts.sessions import start_session
from portal.clock import utcnow
from tests.conftest import prepare_database
from tests.factories.accounts import make_user
from tests.factories.communities import TEST_COMMUNITY
from tests.factories.cycles import make_cycle

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 10_000


class LiveServer:
    """The portal served from a child process, and the means to seed and inspect it."""

    def __init__(self, folder: Path, env: dict[str, str] | None = None) -> None:
        """``env``: settings of this server beyond the development defaults (e-ID, say)."""
        self.folder = folder
        self.extra_env = env or {}
        self.instance = folder / "instance"
        self.outbox = self.instance / "outbox"
        self.database_url = f"sqlite:///{folder / 'portal.sqlite3'}"
        # One audit signing key for the server and the tests' own app: a checkpoint signed by
        # either (approving a count signs one) verifies for the other.
        self.secrets = {"SECRET_KEY": secrets.token_urlsafe(48),
                        "PERSON_KEY_SECRET": secrets.token_urlsafe(48),
                        "AUDIT_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode()}
        self.person_key_secret = self.secrets["PERSON_KEY_SECRET"]
        self._url = ""
        self._port_file = folder / "server.out"
        self.log = folder / "server.log"
        self._process: subprocess.Popen | None = None
        self._app = None

    def start(self) -> LiveServer:
        """Start the server and, while it boots, migrate its database; ``url`` waits for it."""
        self.instance.mkdir(parents=True, exist_ok=True)
        keep = {k: v for k, v in os.environ.items()
                if not k.startswith(("PORTAL_", "DATABASE_", "MAIL_", "OIDC_", "FLASK_"))}
        env = {**keep, **self.secrets, "PORTAL_ENV": "development",
               "PORTAL_INSTANCE": str(self.instance), "DATABASE_URL": self.database_url,
               "MAIL_BACKEND": "outbox", "PYTHONUNBUFFERED": "1",
               # Tests write between pages and look at once: every page made anew (the
               # copies are tested in tests/web/test_page_cache.py and measured by the bench).
               "PUBLIC_PAGE_SECONDS": "0",
               # Each job (mail, a report's PDF) runs in the server as it is queued, so a
               # test finds the mail in the outbox at once; tests/jobs starts a real worker.
               "JOBS_URL": "immediate", **self.extra_env}
        with open(self._port_file, "wb") as out, open(self.log, "wb") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "tests.e2e.serve"], cwd=ROOT, env=env,
                stdout=out, stderr=log,
            )
        try:  # the server reads nothing from the database until a page is asked for
            prepare_database(self.database_url)
        except BaseException:
            self.stop()
            raise
        return self

    @property
    def url(self) -> str:
        """The server's base URL, once it listens."""
        if not self._url:
            deadline = time.monotonic() + 30
            while not self._port_file.read_text().strip():
                if self._process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("the portal did not start:\n" + self.log.read_text())
                time.sleep(0.05)
            self._url = f"http://127.0.0.1:{self._port_file.read_text().split()[0]}"
        return self._url

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)
        if self._app is not None:
            self._app.extensions["portal.db"].engine.dispose()

    @property
    def audit_key(self):
        """The audit signing key the server signs checkpoints with."""
        from portal.audit.signing import private_key

        return private_key(self.secrets["AUDIT_SIGNING_KEY"])

    @property
    def app(self):
        """An application on the same database and secrets, for seeding and the CLI."""
        if self._app is None:
            from portal import create_app

            self._app = create_app("testing", {
                "DATABASE_URL": self.database_url, "MAIL_OUTBOX": str(self.outbox),
                # The same community served without a prefix as the server's.
                "DEFAULT_COMMUNITY": self.extra_env.get("DEFAULT_COMMUNITY", ""),
                **self.secrets,
            })
        return self._app

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session on the portal's database; committed when the block ends without error."""
        with self.app.app_context():
            session = self.app.extensions["portal.db"].sessionmaker()
            try:
                yield session
                session.commit()
            finally:
                session.close()

    def cli(self, *args: str, input: str | None = None) -> str:
        """Run ``flask --app portal ARGS`` against the portal's database; its output."""
        result = self.app.test_cli_runner().invoke(args=list(args), input=input)
        assert result.exit_code == 0, result.output
        return result.output

    def latest_mail(self, to: str, *, timeout: float = 5.0) -> EmailMessage:
        """The newest .eml in the outbox addressed to ``to``, waiting for it a little."""
        deadline = time.monotonic() + timeout
        while True:
            found = []
            for path in self.outbox.glob("*.eml"):
                message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
                if message["To"] == to:
                    found.append((path.stat().st_mtime_ns, message))
            if found:
                return max(found, key=lambda item: item[0])[1]
            if time.monotonic() > deadline:
                raise AssertionError(f"no mail to {to} in {self.outbox}")
            time.sleep(0.05)

    def link_in_mail(self, to: str, path_pattern: str) -> str:
        body = self.latest_mail(to).get_content()
        found = re.search(re.escape(self.url) + path_pattern, body)
        assert found, body
        return found.group(0)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("live")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live server of its own with the whole demo loaded (three communities), Bakhmut's
    served without a prefix as ``make run`` serves it; shared by the tests that read the
    demo (the page sweep, the communities' pages)."""
    server = LiveServer(tmp_path_factory.mktemp("demo"),
                        env={"DEFAULT_COMMUNITY": TEST_COMMUNITY["code"]}).start()
    try:
        server.cli("demo", "load")
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


OUTSIDE = re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])")


@pytest.fixture
def browser_context(browser, request) -> Iterator[Callable]:
    """Make browser contexts (one per person: separate cookies) closed after the test."""
    contexts = []

    def make(**options):
        context = browser.new_context(**{"locale": "uk-UA", "timezone_id": "Europe/Kyiv",
                                         "viewport": {"width": 1280, "height": 900},
                                         **options})
        context.set_default_timeout(TIMEOUT_MS)
        # Offline: nothing but the portal itself (the default map tiles are on the internet).
        context.route(OUTSIDE, lambda route: route.abort())
        contexts.append(context)
        return context

    yield make
    for number, context in enumerate(contexts):
        if getattr(request.node, "e2e_failed", False):
            folder = ARTIFACTS / "failures"
            folder.mkdir(parents=True, exist_ok=True)
            for index, open_page in enumerate(context.pages):
                open_page.screenshot(path=folder / f"{request.node.name}-{number}-{index}.png",
                                     full_page=True)
        context.close()


@pytest.fixture
def page(browser_context):
    return browser_context().new_page()


@pytest.fixture
def shoot(request) -> Callable:
    """``shoot(page, "name")``: a numbered full-page screenshot of this module's steps."""
    folder = ARTIFACTS / request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def save(page, name: str) -> Path:
        path = folder / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return save


@pytest.fixture
def log_in(live_server) -> Callable:
    """``log_in(page, email)``: a signed-in session for ``email``, then the home page.

    Through the login form when a password is given (what the foundation test exercises);
    otherwise a server-side session is started in the database and the session cookie
    naming it is signed with the live server's secret, as the form would leave it, since
    signing in is only the set-up of the other tests.
    """

    def sign_in(page, email: str, password: str | None = None) -> None:
        if password is not None:
            page.goto(live_server.url + "/login")
            page.get_by_label("Електронна пошта").fill(email)
            page.get_by_label("Пароль").fill(password)
            page.locator("main").get_by_role("button", name="Увійти").click()
        else:
            with live_server.session() as session:
                user = session.scalars(select(User).where(User.email == email)).one()
                token = start_session(session, user=user, now=utcnow(), address="127.0.0.1",
                                      user_agent="").token
            app = live_server.app
            cookie = app.session_interface.get_signing_serializer(app).dumps(
                {"_user_id": token, "_fresh": True})
            page.context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"],
                                       "value": cookie, "url": live_server.url}])
            page.goto(live_server.url + "/")
        expect(page.get_by_role("button", name="Вийти")).to_be_visible()

    return sign_in


@dataclass(frozen=True)
class Submission:
    cycle_id: int
    cycle_name: str
    budget_year: int
    author_email: str
    admin_email: str


@pytest.fixture
def submission(live_server) -> Submission:
    """A cycle open for submission (small projects 50 000–300 000 грн) and a verified
    author, on the live server."""
    with live_server.session() as session:
        admin = make_user(session, Role.ADMIN, name="Олена Адміністраторка")
        author = make_user(session, name="Оксана Авторка", verified=True,
                           birth_date=utcnow().date().replace(year=1988),
                           secret=live_server.person_key_secret)
        cycle = make_cycle(session, admin)
        seeded = Submission(cycle.id, cycle.name, cycle.budget_year, author.email, admin.email)
    return seeded
