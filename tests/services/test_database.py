"""The database engine: SQLite settings for an embedded production database."""

from __future__ import annotations

import os
import socket
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from portal import db
from portal.db import make_engine


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.sqlite3'}")
    yield engine
    engine.dispose()


def pragmas(connection) -> dict[str, object]:
    return {name: connection.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}


def test_every_sqlite_connection_reports_wal_full_sync_foreign_keys_and_a_busy_timeout(
        sqlite_engine):
    for _ in range(2):  # a new connection each time: the settings are made on connect
        with sqlite_engine.connect() as connection:
            # synchronous: 2 is FULL; busy_timeout is in milliseconds.
            assert pragmas(connection) == {"journal_mode": "wal", "synchronous": 2,
                                           "foreign_keys": 1, "busy_timeout": 15000}
        sqlite_engine.dispose()


def test_the_applications_engine_has_them_too(app):
    engine = app.extensions["portal.db"].engine
    if engine.dialect.name != "sqlite":
        pytest.skip("the SQLite settings apply to SQLite only")
    with engine.connect() as connection:
        assert pragmas(connection) == {"journal_mode": "wal", "synchronous": 2,
                                       "foreign_keys": 1, "busy_timeout": 15000}


def test_sqlite_refuses_a_row_pointing_at_nothing(sqlite_engine):
    from sqlalchemy.exc import IntegrityError

    with sqlite_engine.begin() as connection:
        connection.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
        connection.execute(text("CREATE TABLE child (id INTEGER PRIMARY KEY, "
                                "parent_id INTEGER REFERENCES parent(id))"))
    with pytest.raises(IntegrityError), sqlite_engine.begin() as connection:
        connection.execute(text("INSERT INTO child (parent_id) VALUES (42)"))


def test_a_transaction_holds_the_write_lock_from_its_start(sqlite_engine):
    """Writers queue at BEGIN instead of failing mid-transaction with SQLITE_BUSY."""
    from sqlalchemy.exc import OperationalError

    with sqlite_engine.connect() as holder, sqlite_engine.connect() as other:
        # Straight to the driver: through SQLAlchemy the PRAGMA would begin a transaction.
        other.connection.driver_connection.execute("PRAGMA busy_timeout=50")
        holder.execute(text("SELECT 1"))  # begins the transaction: BEGIN IMMEDIATE
        with pytest.raises(OperationalError, match="locked"):
            other.execute(text("SELECT 1"))
        holder.rollback()
        other.rollback()
        assert other.execute(text("SELECT 1")).scalar() == 1


def test_database_url_for_postgresql_gives_a_postgresql_engine():
    engine = make_engine("postgresql+psycopg://portal@127.0.0.1:5432/portal")
    try:
        assert engine.dialect.name == "postgresql"
    finally:
        engine.dispose()


POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")


needs_postgres = pytest.mark.skipif(not POSTGRES_URL.startswith("postgresql"),
                                    reason="needs PostgreSQL")


@pytest.fixture
def pinged(monkeypatch):
    """A PostgreSQL engine and the list of pings it made."""
    engine = make_engine(POSTGRES_URL)
    pings = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping",
                        lambda connection: pings.append(1) or real_ping(connection))
    yield engine, pings
    engine.dispose()


@needs_postgres
def test_a_connection_the_server_dropped_while_idle_is_replaced_before_use(pinged,
                                                                            monkeypatch):
    """A restart of the server (here: its backend terminated) while a pooled connection sat
    idle does not fail the next request: the idle connection is pinged and replaced."""
    engine, pings = pinged
    with engine.connect() as connection:
        backend = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    with engine.connect() as connection:  # returned moments ago: used without a ping
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar() == backend
    assert pings == []
    terminate(backend)
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0.0)  # as if idle for long
    with engine.connect() as connection:
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar() != backend
    assert len(pings) == 1


@needs_postgres
def test_a_connection_the_server_hung_up_on_moments_after_its_use_is_replaced(pinged):
    """A quick restart of the server between two requests: the connection the first one
    returned is not idle for long, but the server wrote its goodbye on it, so it is pinged
    (and replaced) rather than handed to the next request, which would fail."""
    engine, pings = pinged
    with engine.connect() as connection:
        backend = connection.execute(text("SELECT pg_backend_pid()")).scalar()
    terminate(backend)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT pg_backend_pid()")).scalar() != backend
    assert len(pings) == 1
    with engine.connect() as connection:  # the new one is in use: no ping
        connection.execute(text("SELECT 1"))
    assert len(pings) == 1


def terminate(*backends: int) -> None:
    """End the server processes of ``backends`` as a restart does, and wait until they are
    gone (as they are before a restarted server accepts connections)."""
    killer = make_engine(POSTGRES_URL)
    try:
        with killer.connect() as other:
            for backend in backends:
                assert other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"),
                                     {"pid": backend}).scalar()
    finally:
        killer.dispose()


@pytest.mark.timeout(30)
def test_a_server_that_never_answers_is_given_up_on_within_the_connect_timeout(monkeypatch):
    """A host that swallows packets would hold a worker until the operating system gives
    up (minutes); the engine stops waiting after its connect timeout."""
    monkeypatch.setattr(db, "CONNECT_TIMEOUT_SECONDS", 1)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # accepts the connection, never says a word
        port = silent.getsockname()[1]
        engine = make_engine(f"postgresql+psycopg://portal@127.0.0.1:{port}/portal")
        started = time.monotonic()
        try:
            with pytest.raises(OperationalError) as failure, engine.connect():
                pass
        finally:
            engine.dispose()
    assert time.monotonic() - started < 5
    assert db.is_outage(failure.value)


def test_a_url_may_set_its_own_connect_timeout():
    engine = make_engine("postgresql+psycopg://portal@127.0.0.1:5432/portal?connect_timeout=9")
    try:
        _args, options = engine.dialect.create_connect_args(engine.url)
        assert options["connect_timeout"] == "9"
    finally:
        engine.dispose()


def test_what_counts_as_an_outage_and_what_as_a_statement_refused(sqlite_engine, tmp_path):
    """An outage is answered "try again later"; a statement the database refused is a bug
    or a rule, and must not hide behind that answer (SQLite calls both OperationalError)."""
    missing = make_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'x.sqlite3'}")
    with pytest.raises(OperationalError) as cannot_open, missing.connect():
        pass
    missing.dispose()
    assert db.is_outage(cannot_open.value)

    with sqlite_engine.connect() as connection:
        with pytest.raises(OperationalError) as syntax:
            connection.execute(text("SELEC 1"))
        connection.rollback()
        with pytest.raises(OperationalError) as no_table:
            connection.execute(text("SELECT * FROM no_such_table"))
        connection.rollback()
        connection.execute(text("CREATE TABLE one (id INTEGER PRIMARY KEY)"))
        connection.execute(text("INSERT INTO one VALUES (1)"))
        with pytest.raises(IntegrityError) as duplicate:
            connection.execute(text("INSERT INTO one VALUES (1)"))
    assert not db.is_outage(syntax.value)
    assert not db.is_outage(no_table.value)
    assert not db.is_outage(duplicate.value)
    assert not db.is_outage(ValueError("not a database error"))

    with sqlite_engine.connect() as holder, sqlite_engine.connect() as other:
        other.connection.driver_connection.execute("PRAGMA busy_timeout=50")
        holder.execute(text("SELECT 1"))  # holds the write lock
        with pytest.raises(OperationalError) as locked:
            other.execute(text("SELECT 1"))
        holder.rollback()
        other.rollback()
    assert db.is_outage(locked.value)


@needs_postgres
def test_what_counts_as_an_outage_on_postgresql():
    """"Not now" from the server (a statement or lock timeout, a deadlock) is an outage to
    try again after; a statement the server refuses (a typo, a duplicate) is not."""
    engine = make_engine(POSTGRES_URL)
    failures = {}
    try:
        for name, statements in {
            "statement timeout": ["SET LOCAL statement_timeout = 10", "SELECT pg_sleep(1)"],
            "syntax": ["SELEC 1"],
            "duplicate": ["CREATE TEMPORARY TABLE one (id integer PRIMARY KEY)",
                          "INSERT INTO one VALUES (1)", "INSERT INTO one VALUES (1)"],
        }.items():
            with engine.connect() as connection:
                try:
                    for statement in statements:
                        connection.execute(text(statement))
                except DBAPIError as error:
                    failures[name] = error
                connection.rollback()
    finally:
        engine.dispose()
    assert db.is_outage(failures["statement timeout"])
    assert not db.is_outage(failures["syntax"])
    assert not db.is_outage(failures["duplicate"])


@pytest.fixture
def unwatched(monkeypatch):
    """The application's database on PostgreSQL, its sockets not looked at on checkout: a
    connection the server ended is then found only by using it (as when it was ended a
    moment before, too recently for its socket to show)."""
    monkeypatch.setattr(db, "_server_has_written", lambda _connection: False)
    database = db.Database(POSTGRES_URL)
    yield database
    database.engine.dispose()


def backend_of(session) -> int:
    return session.execute(text("SELECT pg_backend_pid()")).scalar()


@needs_postgres
def test_a_first_statement_that_finds_its_connection_ended_runs_again_on_a_new_one(
        unwatched):
    with unwatched.sessionmaker() as session:
        ended = backend_of(session)
        session.commit()
    terminate(ended)
    with unwatched.sessionmaker() as session:
        assert backend_of(session) != ended


@needs_postgres
def test_a_later_statement_of_a_transaction_is_not_run_again(unwatched):
    """Its transaction's earlier work died with the connection: the request fails (503)."""
    with unwatched.sessionmaker() as session:
        ended = backend_of(session)
        terminate(ended)
        with pytest.raises(DBAPIError) as failure:
            backend_of(session)
    assert failure.value.connection_invalidated and db.is_outage(failure.value)


@needs_postgres
def test_a_first_statement_with_changes_waiting_is_not_run_again(unwatched):
    """Rolling back would drop the changes waiting to be flushed: the request fails."""
    from portal.community.models import District

    with unwatched.sessionmaker() as session:
        ended = backend_of(session)
        session.commit()
    terminate(ended)
    with unwatched.sessionmaker() as session:
        session.add(District(name="Центральний"))
        with pytest.raises(DBAPIError) as failure:
            backend_of(session)
    assert db.is_outage(failure.value)
