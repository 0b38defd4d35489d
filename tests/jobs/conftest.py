"""A real worker for the background jobs: its own database (an SQLite file, or a scratch
PostgreSQL database when the suite runs on PostgreSQL), its queue in an SQLite file or in
Redis, a real SMTP server (aiosmtpd) that can be stopped and started, and the worker itself
as a separate process (``flask --app portal worker``), stopped by its PID."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import create_app
from portal.db import make_engine
from portal.migrate import upgrade
from tests.served import drop_database, drop_queue, free_port, scratch_database

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).with_name("flask")
REDIS_URL = "redis://127.0.0.1:6379/15"


class Inbox:
    """What the SMTP server received (aiosmtpd calls ``handle_DATA``)."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope)
        return "250 Message accepted"


@dataclass
class MailServer:
    port: int
    inbox: Inbox = field(default_factory=Inbox)
    controller: object | None = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@dataclass
class Setting:
    """One worker's world: settings shared by the app in the test and the worker process."""

    database_url: str
    jobs_url: str
    jobs_name: str
    instance: Path
    smtp: MailServer
    extra: dict[str, str] = field(default_factory=dict)
    apps: list = field(default_factory=list)

    @property
    def environment(self) -> dict[str, str]:
        return {
            "PORTAL_ENV": "development", "PORTAL_INSTANCE": str(self.instance),
            "DATABASE_URL": self.database_url, "JOBS_URL": self.jobs_url,
            "JOBS_NAME": self.jobs_name, "MAIL_BACKEND": "smtp",
            "MAIL_SMTP_HOST": "127.0.0.1", "MAIL_SMTP_PORT": str(self.smtp.port),
            "MAIL_SMTP_STARTTLS": "0", "MAIL_SMTP_TIMEOUT": "5",
            "JOBS_RETRY_SECONDS": "0.2", "JOBS_RETRY_MAX_SECONDS": "1",
            "PUBLIC_URL": "http://portal.test", **self.extra,
        }

    def app(self):
        """The web side, in this process: the same database, queue and mail server."""
        settings = self.environment
        overrides = {name: settings[name] for name in (
            "DATABASE_URL", "JOBS_URL", "JOBS_NAME", "MAIL_BACKEND", "MAIL_SMTP_HOST")}
        overrides.update(MAIL_SMTP_PORT=self.smtp.port, MAIL_SMTP_STARTTLS=False,
                         SERVER_NAME="portal.test", MAIL_OUTBOX=str(self.instance / "outbox"))
        if "JOBS_RETRIES" in self.extra:  # a task carries the tries its producer gave it
            overrides["JOBS_RETRIES"] = int(self.extra["JOBS_RETRIES"])
        made = create_app("testing", overrides)
        self.apps.append(made)
        return made

    def close(self) -> None:
        for made in self.apps:
            made.extensions["portal.db"].engine.dispose()

    @contextmanager
    def worker(self, *arguments: str) -> Iterator[subprocess.Popen]:
        """``flask --app portal worker`` running until the block ends (SIGINT, then kill)."""
        log = open(self.instance / "worker.log", "ab")  # noqa: SIM115 (closed below)
        process = subprocess.Popen(
            [str(FLASK), "--app", "portal", "worker", *arguments], cwd=ROOT,
            env={**os.environ, **self.environment}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)  # the jobs under way finish
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
            log.close()

    def log(self) -> str:
        path = self.instance / "worker.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def wait_for(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {what}")


@pytest.fixture(params=["sqlite", "redis"])
def storage(request) -> str:
    if request.param == "redis" and not redis_reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_URL} (.ci/run starts it)")
    return request.param


@pytest.fixture
def setting(storage, tmp_path) -> Iterator[Setting]:
    base = os.environ.get("TEST_DATABASE_URL", "")
    scratch = None
    if base.startswith("postgresql"):
        scratch = f"portal_worker_{uuid.uuid4().hex[:8]}"
        database_url = scratch_database(base, scratch)
    else:
        database_url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
        engine = make_engine(database_url)
        with engine.begin() as connection:
            upgrade(connection)
        engine.dispose()
    name = f"portal-test-{uuid.uuid4().hex[:8]}"
    jobs_url = f"sqlite:///{tmp_path / 'jobs.sqlite3'}" if storage == "sqlite" else REDIS_URL
    found = Setting(database_url=database_url, jobs_url=jobs_url, jobs_name=name,
                    instance=tmp_path / "instance", smtp=MailServer(free_port()))
    found.instance.mkdir()
    yield found
    found.close()
    found.smtp.stop()
    if storage == "redis":
        drop_queue(REDIS_URL, name)
    if scratch:
        drop_database(base, scratch)


def rows(app, statement):
    from portal.db import db_session

    with app.app_context():
        session = db_session()
        return session.execute(statement).all()


__all__ = ["Setting", "rows", "select", "wait_for"]
