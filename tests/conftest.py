"""Fixtures shared by the database, web and browser tests.

The schema is built once per run by the real Alembic migrations, on SQLite (a file in a
temporary folder) or on PostgreSQL when ``TEST_DATABASE_URL`` is set. Each test runs inside
a transaction that is rolled back afterwards; the code under test commits to savepoints
(``join_transaction_mode="create_savepoint"``), as warehouse's tests do. In a module marked
``module_transaction`` the tests share one transaction, each in a savepoint rolled back after
it, so that module-scoped fixtures build what the tests read once (``module_db``).

Test data comes from the builders of ``tests.factories``.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session, sessionmaker

import tests.jobs_probe  # noqa: F401 (its job must be known when the app's queue is made)
from portal import create_app
from portal.db import make_engine
from tests.factories import accounts
from tests.factories.accounts import PASSWORD
from tests.factories.communities import TEST_COMMUNITY, add_community, remember_app
from tests.factories.communities import forget as forget_communities

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def prepare_database(url: str) -> None:
    """An empty database at the newest migration."""
    from portal.migrate import upgrade

    if url.startswith("postgresql"):
        reset_postgres(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        upgrade(connection)
        add_community(connection, **TEST_COMMUNITY)
    engine.dispose()




@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    prepare_database(url)
    return url


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory):
    outbox = tmp_path_factory.mktemp("outbox")
    app = create_app("testing", {
        "DATABASE_URL": database_url,
        "MAIL_OUTBOX": str(outbox),
        "SERVER_NAME": "portal.test",
        # The test's own community stays the one served without a prefix when a test
        # adds others (tests.factories.communities).
        "DEFAULT_COMMUNITY": TEST_COMMUNITY["code"],
    })
    remember_app(app)
    # What exists now (modules, collected tests, this app) lives until the run ends: take it
    # out of the cyclic garbage collector's sweeps, which would otherwise walk it again after
    # every few thousand allocations of every test. What is garbage now is collected first.
    gc.collect()
    gc.freeze()
    yield app
    app.extensions["portal.db"].engine.dispose()


@contextmanager
def joined_transaction(app, connection: Connection) -> Iterator[sessionmaker]:
    """Send every session ``app`` opens into ``connection``'s open transaction.

    What the app commits lands in savepoints, so the test's rollback undoes it. A second
    app against the same database (e-ID settings, say) joins the same transaction and
    sees what the test's ``db`` session wrote.
    """
    database = app.extensions["portal.db"]
    original = database.sessionmaker
    database.sessionmaker = sessionmaker(bind=connection, expire_on_commit=False,
                                         join_transaction_mode="create_savepoint")
    try:
        yield database.sessionmaker
    finally:
        database.sessionmaker = original


@contextmanager
def rolled_back(app) -> Iterator[Session]:
    """A session on a connection whose transaction is rolled back at the end, and which
    every session ``app`` opens meanwhile joins."""
    connection = app.extensions["portal.db"].engine.connect()
    transaction = connection.begin()
    try:
        with joined_transaction(app, connection) as make_session:
            session = make_session()
            try:
                yield session
            finally:
                session.close()
    finally:
        if transaction.is_active:
            transaction.rollback()
        connection.close()


def reset_rate_limits() -> None:
    """Forget every hit the rate limiter counted: each test starts with full allowances."""
    from portal.ratelimit import limiter

    limiter.reset()


@pytest.fixture
def db(request, app) -> Iterator[Session]:
    """A session whose work is rolled back after the test, shared with the app's requests.

    In a module marked ``module_transaction`` it is ``module_db`` and the test runs in a
    savepoint of the module's transaction (``module_case``), so that the module's fixtures
    can build the data its tests share once.
    """
    if request.node.get_closest_marker("module_transaction"):
        request.getfixturevalue("module_case")
        yield request.getfixturevalue("module_db")
        return
    reset_rate_limits()
    forget_communities()  # communities a test made are gone with its transaction
    with rolled_back(app) as session:
        yield session


@pytest.fixture(scope="module")
def module_db(app) -> Iterator[Session]:
    """A session whose work lasts the module: data that many tests read, built once by a
    module fixture and rolled back after the module's last test.

    Tests that use it take ``module_case``, or ``db`` in a module marked
    ``module_transaction`` (elsewhere ``db`` opens a connection of its own, which would
    wait for this one's write lock on SQLite): each runs in a savepoint rolled back after it.
    """
    with rolled_back(app) as session:
        yield session


@pytest.fixture
def module_case(module_db) -> Iterator[None]:
    """Run the test in a savepoint of the module's transaction, rolled back after it, so
    that what it and its requests write is gone for the next test and the module's data
    is not."""
    reset_rate_limits()
    module_db.commit()  # the module's data leaves the session's own savepoint
    module_db.expire_all()  # each test reads the module's rows afresh, as a new session would
    savepoint = module_db.bind.begin_nested()
    try:
        yield
    finally:
        module_db.rollback()  # the session's savepoint inside this one, if the test used it
        if savepoint.is_active:
            savepoint.rollback()


@pytest.fixture
def app_ctx(app, db):
    with app.test_request_context("/"):
        yield


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def outbox(app) -> Path:
    path = Path(app.config["MAIL_OUTBOX"])
    for old in path.glob("*.eml"):
        old.unlink()
    return path


def made_file(client, url: str, **options):
    """A file the worker makes (``portal.documents``): the first request asks for it and is
    answered 202 with a page that waits; the job runs at the commit (the tests' queue runs
    each job at once), and the request after it gets the file."""
    first = client.get(url, **options)
    assert first.status_code == 202, f"{url}: {first.status_code}"
    assert first.headers["Retry-After"] and first.headers["Cache-Control"] == "no-store"
    return client.get(url, **options)


def csrf_token(client, url: str) -> str:
    page = client.get(url)
    found = CSRF_RE.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {url} ({page.status_code})"
    return found.group(1)


def post_form(client, url: str, data: dict, *, token_from: str | None = None, **kwargs):
    """POST ``data`` with a valid CSRF token taken from ``token_from`` (``url`` by default)."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, token_from or url)},
                       **kwargs)


@pytest.fixture
def make_user(db, app):
    """``make_user(*roles, verified=..., ...)``: ``tests.factories.accounts.make_user`` on
    this test's session, inside a request of the app."""

    def make(*roles, **options):
        with app.test_request_context("/"):
            return accounts.make_user(db, *roles, secret=app.config["PERSON_KEY_SECRET"],
                                      **options)

    return make


def database_dump(session: Session) -> str:
    """Every value of every table, as text: what a stolen backup would show."""
    from sqlalchemy import select

    from portal.db import Base

    session.flush()
    return "\n".join(
        f"{table.name}: {tuple(row)!r}"
        for table in Base.metadata.sorted_tables for row in session.execute(select(table))
    )


def sign_in(client, user) -> str:
    """Put ``user`` in the client's session without the login form (fast, for access tests):
    a server-side session started in the user's database session, its token in the cookie.
    Returns the token."""
    from sqlalchemy.orm import object_session

    from portal.accounts.sessions import start_session
    from portal.clock import utcnow

    started = start_session(object_session(user), user=user, now=utcnow(),
                            address="127.0.0.1", user_agent="")
    with client.session_transaction() as session:
        session["_user_id"] = started.token
        session["_fresh"] = True
    return started.token


def login(client, user, password: str = PASSWORD):
    response = post_form(client, "/login", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


@pytest.fixture(scope="session")
def object_store():
    """moto's S3 server for the run (``tests/objectstore.py``), with the credentials boto3
    reads set in this process's environment, as a deployment sets them."""
    from tests import objectstore

    if not objectstore.moto_installed():
        pytest.skip("moto is not installed (make install-dev installs moto[server])")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in objectstore.CREDENTIALS.items():
            patch.setenv(name, value)
        with objectstore.MotoServer() as server:
            yield server


#: The values of ``UPLOAD_STORAGE`` the storage tests run with (S3 at the test's own prefix).
STORAGES = ("disk", "database", "s3")


@pytest.fixture(params=STORAGES)
def stored_files(request, app, db, tmp_path, monkeypatch):
    """The app keeps uploads on disk (a folder of the test's), in the database or in the
    object store (a prefix of the test's), as ``UPLOAD_STORAGE`` says; the store returned
    (on the test's session) reads what is there."""
    from portal.uploads import open_store

    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    setting = request.param
    if setting == "s3":
        from tests.objectstore import BUCKET

        server = request.getfixturevalue("object_store")
        monkeypatch.setitem(app.config, "UPLOAD_S3_ENDPOINT_URL", server.endpoint)
        setting = f"s3://{BUCKET}/{os.urandom(8).hex()}"
    monkeypatch.setitem(app.config, "UPLOAD_STORAGE", setting)
    return open_store(app.config, db)
