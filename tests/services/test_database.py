"""The database engine: SQLite settings for an embedded production database."""

from __future__ import annotations

import pytest
from sqlalchemy import text

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


def test_database_url_for_postgresql_gives_a_postgresql_engine_with_pre_ping():
    engine = make_engine("postgresql+psycopg://portal@127.0.0.1:5432/portal")
    try:
        assert engine.dialect.name == "postgresql" and engine.pool._pre_ping
    finally:
        engine.dispose()
