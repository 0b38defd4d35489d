"""Two web nodes behind nginx, as an installation past one machine runs: the web tier keeps
no state of its own, so any node serves any request (DESIGN.md, rule 10).

Each node is gunicorn with two workers, in a process of its own with an instance folder of
its own; they share one PostgreSQL database, Redis (the login limits and the job queue) and
the uploaded files' store (the database, or an S3 server: moto's). A worker process runs the
queue; nginx, started here from a configuration of its own, hands requests to the nodes in
turn. A photo uploaded through one node is served by the other and through nginx; ballots
cast through both nodes at once keep one per person; failed logins through both add up to
one limit; mail a node queues is sent by the worker.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, insert, select, update

from portal.accounts.models import User
from portal.audit import signing
from portal.clock import utcnow
from portal.db import make_engine
from portal.mail.models import MailStatus, OutgoingMail
from portal.projects.models import Attachment, Project
from portal.projects.rules import ProjectStatus
from portal.uploads.models import StoredFile
from portal.voting.models import Ballot
from tests import served
from tests.conftest import CSRF_RE
from tests.factories.files import png
from tests.objectstore import BUCKET, CREDENTIALS

pytestmark = pytest.mark.postgres

BASE_URL = os.environ.get("TEST_DATABASE_URL", "")
NGINX = Path("/usr/sbin/nginx")
#: Redis's database for these tests' login limits and queue (tests/jobs uses 15).
REDIS_URL = "redis://127.0.0.1:6379/13"
FLASK = Path(sys.executable).with_name("flask")


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


if not BASE_URL.startswith("postgresql"):
    pytest.skip("needs PostgreSQL: the one database every node shares (SQLite is a file on "
                "one machine)", allow_module_level=True)
if not NGINX.exists():
    pytest.skip(f"needs nginx at {NGINX} in front of the nodes (apt-get install nginx)",
                allow_module_level=True)
if not _redis_answers():
    pytest.skip(f"needs Redis at {REDIS_URL}: the login limits and the queue the nodes share",
                allow_module_level=True)

NGINX_CONF = """\
daemon off;
master_process on;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {prefix}/access.log;
    # Bodies and answers are held in memory: nothing needs writing where the workers,
    # started as another user when nginx runs as root, could not.
    client_max_body_size 30m;
    client_body_buffer_size 30m;
    proxy_max_temp_file_size 0;
    upstream portal {{
        server 127.0.0.1:{first};
        server 127.0.0.1:{second};
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://portal;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # Which node answered, for the test to see the turns.
            add_header X-Node $upstream_addr always;
        }}
    }}
}}
"""


class Nginx:
    """nginx in front of ``nodes``, from its own configuration, prefix and pid file under
    ``folder``; not a daemon, so it is this process's child, stopped by its PID."""

    def __init__(self, folder: Path, port: int, nodes: list[served.Gunicorn]) -> None:
        self.folder = folder
        self.port = port
        folder.mkdir(parents=True, exist_ok=True)
        self.config = folder / "nginx.conf"
        self.config.write_text(NGINX_CONF.format(prefix=folder, port=self.port,
                                                 first=nodes[0].port, second=nodes[1].port))
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Nginx:
        with open(self.folder / "stderr.log", "ab") as log:
            self.process = subprocess.Popen(
                [str(NGINX), "-p", str(self.folder), "-c", str(self.config),
                 "-e", str(self.folder / "error.log")],
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        if served.serving(f"{self.base}/healthz", self.process, seconds=20):
            return self
        self.stop()
        raise RuntimeError(f"nginx did not start; see {self.folder}/error.log")

    def stop(self) -> None:
        served.stop_process(self.process, timeout=10)


class Cluster:
    """Two nodes, a worker and nginx, sharing one database, Redis and ``storage``."""

    def __init__(self, database_url: str, folder: Path, storage: str,
                 object_store: str = "") -> None:
        self.database_url = database_url
        self.folder = folder
        self.queue = f"two-nodes-{uuid.uuid4().hex[:8]}"
        self.proxy_port = served.free_port()  # nginx's, known before the nodes start
        self.shared = {
            "UPLOAD_STORAGE": storage, "UPLOAD_S3_ENDPOINT_URL": object_store, **CREDENTIALS,
            "RATELIMIT_STORAGE_URI": REDIS_URL, "JOBS_URL": REDIS_URL,
            "JOBS_NAME": self.queue, "PROXY_HOPS": "1",
            "PUBLIC_URL": f"http://127.0.0.1:{self.proxy_port}",
            "AUDIT_SIGNING_KEY": signing.new_key_pem(), "MAIL_BACKEND": "outbox",
        }
        self.nodes = [served.Gunicorn(
            database_url, workers=2, threads=2, log=folder / f"node-{name}.log",
            environment={**self.shared, "PORTAL_INSTANCE": str(folder / f"node-{name}")})
            for name in ("a", "b")]
        self.nginx: Nginx | None = None
        self.worker: subprocess.Popen | None = None

    @property
    def a(self) -> str:
        return self.nodes[0].base

    @property
    def b(self) -> str:
        return self.nodes[1].base

    @property
    def proxy(self) -> str:
        assert self.nginx is not None
        return self.nginx.base

    @contextmanager
    def running(self) -> Iterator[Cluster]:
        with ExitStack() as stack:
            with ThreadPoolExecutor(2) as pool:  # the nodes start side by side
                started = [pool.submit(node.start) for node in self.nodes]
            for node, future in zip(self.nodes, started, strict=True):
                stack.callback(node.stop)
                future.result()
            self.nginx = Nginx(self.folder / "nginx", self.proxy_port, self.nodes)
            stack.callback(self.nginx.stop)
            self.nginx.start()
            stack.enter_context(self._worker())
            stack.callback(served.drop_queue, REDIS_URL, self.queue)
            yield self

    @contextmanager
    def _worker(self) -> Iterator[None]:
        instance = self.folder / "worker"
        instance.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PORTAL_ENV": "development", "DATABASE_URL": self.database_url,
               "SECRET_KEY": served.SECRET_KEY, "PERSON_KEY_SECRET": served.PERSON_KEY_SECRET,
               "PORTAL_INSTANCE": str(instance), **self.shared}
        with open(self.folder / "worker.log", "ab") as log:
            self.worker = subprocess.Popen([str(FLASK), "--app", "portal", "worker"],
                                           cwd=served.ROOT, env=env, stdout=log,
                                           stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield
        finally:
            # SIGINT lets a job under way finish.
            served.stop_process(self.worker, how=signal.SIGINT, timeout=15)


@pytest.fixture(scope="module")
def shared_database():
    """One scratch PostgreSQL database, with an open vote and its voters (signed in)."""
    name = f"{served.make_url(BASE_URL).database}_two_nodes"
    url = served.scratch_database(BASE_URL, name)
    yield url, served.populate(url, voters=12)
    served.drop_database(BASE_URL, name)


@pytest.fixture(scope="module")
def cluster(shared_database, tmp_path_factory):
    """The files kept in the database."""
    url, _election = shared_database
    with Cluster(url, tmp_path_factory.mktemp("cluster-db"), "database").running() as running:
        yield running


@pytest.fixture(scope="module")
def s3_cluster(shared_database, tmp_path_factory, object_store):
    """The files kept in moto's S3 server, under a prefix of the run's."""
    url, _election = shared_database
    storage = f"s3://{BUCKET}/two-nodes-{uuid.uuid4().hex[:8]}"
    with Cluster(url, tmp_path_factory.mktemp("cluster-s3"), storage,
                 object_store.endpoint).running() as running:
        yield running


def _rows(url: str, statement):
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(statement).all()
    finally:
        engine.dispose()


def _draft_of(url: str, election: served.Election) -> int:
    """A draft project of the first voter, who is signed in (its session cookie)."""
    now = utcnow()
    engine = make_engine(url)
    with engine.begin() as connection:
        project_id = connection.execute(insert(Project).returning(Project.id), [{
            "cycle_id": election.cycle_id, "category_id": election.category_id,
            "author_id": election.voters[0][0], "status": ProjectStatus.DRAFT.value,
            "title": "Лавки в сквері", "total_cost": 50_000_00, "created_at": now,
            "updated_at": now, "status_changed_at": now, "summary": "", "problem": "",
            "solution": "", "beneficiaries": "", "address": "", "search_text": ""}]
        ).scalar_one()
    engine.dispose()
    return project_id


def _browser(token: str) -> requests.Session:
    browser = requests.Session()
    browser.cookies.set("session", served.session_cookie(token), domain="127.0.0.1")
    return browser


@pytest.mark.parametrize("place", ["cluster", "s3_cluster"], ids=["database", "s3"])
def test_a_photo_uploaded_through_one_node_is_served_by_the_other_and_through_nginx(
        request, shared_database, place):
    cluster = request.getfixturevalue(place)
    url, election = shared_database
    project_id = _draft_of(url, election)
    author = _browser(election.voters[0][1])
    edit = author.get(f"{cluster.a}/projects/{project_id}/edit", timeout=30)
    token = CSRF_RE.search(edit.text).group(1)
    sent = author.post(f"{cluster.a}/projects/{project_id}/attachments",
                       data={"csrf_token": token},
                       files={"file": ("сквер.png", png(64, 48, colour=2), "image/png")},
                       timeout=30, allow_redirects=False)
    assert sent.status_code == 302, sent.text[:500]

    [(attachment_id, stored_name)] = _rows(url, select(Attachment.id, Attachment.stored_name)
                                           .where(Attachment.project_id == project_id))
    if place == "s3_cluster":
        object_store = request.getfixturevalue("object_store")
        prefix = cluster.shared["UPLOAD_STORAGE"].removeprefix(f"s3://{BUCKET}/")
        assert object_store.keys(prefix) == [f"{prefix}/{stored_name}"]
        stored = object_store.client().get_object(
            Bucket=BUCKET, Key=f"{prefix}/{stored_name}")["Body"].read()
    else:
        [(stored,)] = _rows(url, select(StoredFile.data).where(StoredFile.name == stored_name))
    # No node kept it on its own disk.
    assert not [path for path in cluster.folder.glob("node-*/**/*") if path.name == stored_name]
    address = f"/projects/{project_id}/files/{attachment_id}"
    other = author.get(f"{cluster.b}{address}", timeout=30)
    assert other.status_code == 200 and other.headers["Content-Type"] == "image/png"
    assert other.content == bytes(stored)
    assert other.headers["X-Content-Type-Options"] == "nosniff"
    # Through nginx, in turn from each node: the same file, and the same ETag for a 304.
    answered = {}
    for _ in range(4):
        through = author.get(f"{cluster.proxy}{address}", timeout=30)
        assert through.status_code == 200 and through.content == bytes(stored)
        answered[through.headers["X-Node"]] = through.headers["ETag"]
    assert set(answered) == {f"127.0.0.1:{node.port}" for node in cluster.nodes}
    assert set(answered.values()) == {other.headers["ETag"]}
    again = author.get(f"{cluster.a}{address}", headers={"If-None-Match": other.headers["ETag"]},
                       timeout=30)
    assert again.status_code == 304


def test_ballots_cast_through_both_nodes_at_once_keep_one_per_person(cluster, shared_database):
    url, election = shared_database
    choice = [f"{election.category_id}:{election.project_ids[0]}"]
    voters = election.voters[1:]
    start = threading.Barrier(len(voters) * 3)

    def cast(voter: tuple[int, str, str], base: str) -> requests.Response:
        user_id, token, _number = voter
        casting = served.Voter(base, user_id, token)
        start.wait(timeout=60)  # every voter on every way at once
        return casting.cast(election.cycle_id, choice)

    ways = [(voter, base) for voter in voters for base in (cluster.a, cluster.b, cluster.proxy)]
    with ThreadPoolExecutor(len(ways)) as pool:
        answers = list(pool.map(lambda way: cast(*way), ways))
    # Each way is led to the voter's receipt: the ballot cast, or the one cast already.
    assert {(a.status_code, a.headers["Location"].rsplit("/", 1)[-1]) for a in answers} == {
        (302, "my-ballot")}

    counted = dict(_rows(url, select(Ballot.user_id, func.count()).where(
        Ballot.cycle_id == election.cycle_id).group_by(Ballot.user_id)))
    assert counted == {user_id: 1 for user_id, _token, _number in voters}
    # Every node shows each voter the same receipt.
    for user_id, token, _number in voters[:3]:
        receipts = {served.Voter(base, user_id, token).receipt(election.cycle_id)
                    for base in (cluster.a, cluster.b)}
        assert len(receipts) == 1 and None not in receipts


def _log_in(browser: requests.Session, base: str, email: str) -> requests.Response:
    page = browser.get(f"{base}/login", timeout=30)
    token = CSRF_RE.search(page.text).group(1)
    return browser.post(f"{base}/login", data={
        "csrf_token": token, "email": email, "password": "not-the-password-at-all"},
        timeout=30, allow_redirects=False)


def test_failed_logins_through_both_nodes_add_up_to_one_limit(cluster):
    """Five failures allowed per account and address (LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS):
    three through node A and two through node B are five, so node B, which saw two of them,
    refuses the sixth, as does nginx."""
    email = f"guess-{uuid.uuid4().hex[:8]}@example.org"
    browser = requests.Session()
    for base in (cluster.a, cluster.b, cluster.a, cluster.b, cluster.a):
        failed = _log_in(browser, base, email)
        assert failed.status_code == 200
        assert "Неправильна електронна пошта або пароль." in failed.text
    for base in (cluster.b, cluster.proxy):
        held = _log_in(browser, base, email)
        assert held.status_code == 429
        assert "Забагато невдалих спроб увійти з вашої адреси." in held.text


def test_mail_a_node_queues_is_sent_by_the_worker(cluster, shared_database):
    url, election = shared_database
    user_id = election.verifier[0]  # an account with an address the form takes
    email = f"reset-{uuid.uuid4().hex[:8]}@example.org"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(update(User).where(User.id == user_id).values(email=email))
    engine.dispose()
    browser = requests.Session()
    page = browser.get(f"{cluster.b}/forgot", timeout=30)
    sent = browser.post(f"{cluster.b}/forgot", data={
        "csrf_token": CSRF_RE.search(page.text).group(1), "email": email},
        timeout=30, allow_redirects=False)
    assert sent.status_code == 302
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        statuses = [MailStatus(status) for (status,) in _rows(url, select(
            OutgoingMail.status).where(OutgoingMail.recipient == email))]
        if statuses == [MailStatus.SENT]:
            break
        time.sleep(0.2)
    assert statuses == [MailStatus.SENT], f"the reset mail to user {user_id}: {statuses}"
    written = list((cluster.folder / "worker" / "outbox").glob("*.eml"))
    assert any(re.search(rf"To: {re.escape(email)}", mail.read_text(errors="replace"))
               for mail in written)
