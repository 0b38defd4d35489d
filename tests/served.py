"""A real server for the tests and benchmarks that need one: a scratch PostgreSQL database,
gunicorn with several workers on a free port, voters with ready session cookies, and a
client that casts through the real pages (GET the ballot for its CSRF token, POST it).

``app`` at the bottom is the WSGI entry point gunicorn loads (``tests.served:app``).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "served-secret-key-for-tests-and-benchmarks-0123456789"
PERSON_KEY_SECRET = "served-person-key-secret-for-tests"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
RECEIPT_RE = re.compile(r"<code>([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})</code>")


def scratch_database(base_url: str, name: str, *, community: bool = True) -> str:
    """A fresh, migrated PostgreSQL database ``name`` on the server of ``base_url``, with
    the tests' community (``tests.factories.communities.TEST_COMMUNITY``) unless not asked."""
    from portal.db import make_engine
    from portal.migrate import upgrade

    admin = create_engine(make_url(base_url).set(database="postgres"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    with engine.begin() as connection:
        upgrade(connection)
        if community:
            from tests.factories.communities import TEST_COMMUNITY, add_community

            add_community(connection, **TEST_COMMUNITY)
    engine.dispose()
    return url


def drop_queue(redis_url: str, name: str) -> None:
    """Delete the keys of the huey queue ``name`` (a test's or a benchmark's) from Redis."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"huey.*{name}*"):
        client.delete(key)


def drop_database(base_url: str, name: str) -> None:
    admin = create_engine(make_url(base_url).set(database="postgres"),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@dataclass
class Election:
    cycle_id: int
    category_id: int
    project_ids: list[int]
    voters: list[tuple[int, str, str]]  # (user id, session token, tax number)
    verifier: tuple[int, str]


def populate(url: str, *, voters: int, projects: int = 5, votes_per_voter: int = 3) -> Election:
    """An open vote with ``voters`` verified residents, inserted in bulk."""
    from portal.accounts.models import AccountSession, Role, User, UserRole
    from portal.audit.models import GENESIS_HASH, AuditHead
    from portal.cycles.models import Category, Cycle
    from portal.cycles.rules import CategoryKind
    from portal.db import make_engine
    from portal.identity.models import Verification, VerificationMethod
    from portal.identity.rules import NumberKind, PersonNumber, make_rnokpp, person_key
    from portal.projects.models import Project
    from portal.projects.rules import ProjectStatus

    now = datetime.now(UTC)
    engine = make_engine(url)
    with engine.begin() as db:
        # The audit chain's head, as the first recorded event of any real portal makes it.
        if db.scalar(select(AuditHead.id)) is None:
            db.execute(insert(AuditHead), [{"id": 1, "last_hash": GENESIS_HASH, "count": 0}])
        cycle_id = db.execute(insert(Cycle).returning(Cycle.id), [{
            "name": f"Навантажувальний цикл {now.timestamp()}", "budget_year": 2027,
            "total_budget": 10**10, "submission_start": now - timedelta(days=90),
            "submission_end": now - timedelta(days=60), "review_start": now - timedelta(days=59),
            "review_end": now - timedelta(days=1), "voting_start": now - timedelta(days=1),
            "voting_end": now + timedelta(days=7), "results_date": now + timedelta(days=8),
            "votes_per_voter": votes_per_voter, "created_at": now, "description": "",
            "last_project_number": projects,
        }]).scalar_one()
        category_id = db.execute(insert(Category).returning(Category.id), [{
            "cycle_id": cycle_id, "name": "Загальноміські", "kind": CategoryKind.CITYWIDE.value,
            "budget": 10**10, "min_cost": 0, "max_cost": 10**10, "description": "",
            "position": 0}]).scalar_one()
        stamp = "0" * 32
        user_ids = db.execute(insert(User).returning(User.id, sort_by_parameter_order=True), [
            {"email": f"voter{n}-{cycle_id}@load.test", "display_name": f"Виборець {n}",
             "password_hash": "!", "created_at": now, "email_confirmed_at": now,
             "security_stamp": stamp, "active": True, "locale": "uk"}
            for n in range(voters + 1)]).scalars().all()
        db.execute(insert(UserRole), [
            {"user_id": uid, "role": Role.RESIDENT.value, "granted_at": now} for uid in user_ids]
            + [{"user_id": user_ids[-1], "role": Role.VERIFIER.value, "granted_at": now}])
        # Each one signed in already: a server-side session whose token the cookie carries.
        tokens = [secrets.token_urlsafe(32) for _ in user_ids]
        db.execute(insert(AccountSession), [
            {"user_id": uid, "token_hash": hashlib.sha256(token.encode()).hexdigest(),
             "created_at": now, "last_seen_at": now, "remembered": False, "address": "",
             "device": ""}
            for uid, token in zip(user_ids, tokens, strict=True)])
        numbers = [make_rnokpp(f"{500000000 + cycle_id * 100000 + n:09d}")
                   for n in range(voters)]
        db.execute(insert(Verification), [
            {"user_id": uid, "method": VerificationMethod.IN_PERSON.value,
             "person_key": person_key(PersonNumber(NumberKind.RNOKPP, number),
                                      PERSON_KEY_SECRET),
             "birth_date": date(1985, 1, 1), "community": "Громада", "resident": True,
             "verified_at": now}
            for uid, number in zip(user_ids[:-1], numbers, strict=True)])
        project_ids = db.execute(insert(Project).returning(Project.id,
                                                           sort_by_parameter_order=True), [
            {"cycle_id": cycle_id, "category_id": category_id, "author_id": user_ids[0],
             "number": n + 1, "status": ProjectStatus.ADMITTED.value,
             "title": f"Проєкт {n + 1}", "total_cost": 1_000_000_00, "created_at": now,
             "updated_at": now, "submitted_at": now, "status_changed_at": now,
             "summary": "", "problem": "", "solution": "", "beneficiaries": "", "address": "",
             "search_text": ""}
            for n in range(projects)]).scalars().all()
    engine.dispose()
    return Election(cycle_id, category_id, list(project_ids),
                    [(uid, token, number) for uid, token, number in zip(user_ids, tokens, numbers,
                                                                         strict=False)],
                    (user_ids[-1], tokens[-1]))


_serializer = None


def session_cookie(token: str, **more: object) -> str:
    """The signed Flask session cookie of the server-side session ``token`` (what logging in
    would set), holding ``more`` too (``locale="en"``)."""
    global _serializer
    if _serializer is None:
        from flask import Flask

        signer = Flask("cookies")
        signer.secret_key = SECRET_KEY
        _serializer = signer.session_interface.get_signing_serializer(signer)
    return _serializer.dumps({"_user_id": token, "_fresh": True, **more})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serving(url: str, process: subprocess.Popen, *, seconds: float) -> bool:
    """Whether ``url`` answers 200 within ``seconds``, while the server ``process`` runs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return True
        except requests.RequestException:
            time.sleep(0.2)
    return False


def stop_process(process: subprocess.Popen | None, *, how: int = signal.SIGTERM,
                 timeout: float = 30) -> None:
    """Stop a server this process started in a session of its own: ``how`` (it finishes
    what it is doing), then, after ``timeout`` seconds, SIGKILL to its whole group."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(how)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


class Gunicorn:
    """gunicorn serving ``target`` on a free port; stopped (or killed) by its PID."""

    def __init__(self, database_url: str, *, workers: int = 2, threads: int = 4,
                 worker_class: str = "gthread", target: str = "tests.served:app",
                 log: Path | None = None, paths: tuple[Path, ...] = (),
                 environment: dict[str, str] | None = None) -> None:
        self.database_url = database_url
        self.environment = environment or {}
        self.workers = workers
        self.threads = threads
        self.worker_class = worker_class
        self.target = target
        self.paths = paths
        self.port = free_port()
        self.log = log or ROOT / "tests" / "artifacts" / f"gunicorn-{self.port}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Gunicorn:
        env = {**os.environ, "DATABASE_URL": self.database_url, "PORTAL_ENV": "development",
               "SECRET_KEY": SECRET_KEY, "PERSON_KEY_SECRET": PERSON_KEY_SECRET,
               "PYTHONPATH": ":".join(str(p) for p in (*self.paths, ROOT)),
               "SERVED_APP": "1", **self.environment}
        with open(self.log, "ab") as log:
            # A session of its own: the kill test can signal the master and its workers.
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", str(self.workers), "--threads", str(self.threads),
                 "--worker-class", self.worker_class, "--keep-alive", "30",
                 "--log-level", "warning",
                 "--timeout", "60", self.target],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        if serving(f"{self.base}/healthz", self.process, seconds=60):
            return self
        self.stop()
        raise RuntimeError(f"gunicorn did not start; see {self.log}")

    def stop(self) -> None:
        stop_process(self.process)

    def kill(self) -> None:
        """SIGKILL the master and every worker at once (they share the session we started)."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@contextmanager
def served(database_url: str, **options):
    server = Gunicorn(database_url, **options).start()
    try:
        yield server
    finally:
        server.stop()


class Voter:
    """One resident's browser: a session cookie and keep-alive connection."""

    def __init__(self, base: str, user_id: int, token: str) -> None:
        self.base = base
        self.user_id = user_id
        self.http = requests.Session()
        self.http.cookies.set("session", session_cookie(token), domain="127.0.0.1")

    def cast(self, cycle_id: int, choices: list[str]) -> requests.Response:
        url = f"{self.base}/voting/{cycle_id}/ballot"
        page = self.http.get(url, timeout=30, allow_redirects=False)
        if page.status_code == 302:  # already voted: the ballot page leads to it
            return page
        token = CSRF_RE.search(page.text)
        if token is None:
            raise RuntimeError(f"no CSRF token ({page.status_code})")
        return self.http.post(url, data={"csrf_token": token.group(1), "choice": choices,
                                         "action": "cast"},
                              timeout=30, allow_redirects=False)

    def receipt(self, cycle_id: int) -> str | None:
        page = self.http.get(f"{self.base}/voting/{cycle_id}/my-ballot", timeout=30,
                             allow_redirects=False)
        found = RECEIPT_RE.search(page.text)
        return found.group(1) if found else None


def receipt_hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").encode()).hexdigest()


def _wsgi():
    from portal import create_app

    return create_app(None, {"FAST_PASSWORD_HASHES": True})


app = _wsgi() if os.environ.get("SERVED_APP") == "1" else None
