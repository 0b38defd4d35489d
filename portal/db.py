"""Database wiring: the declarative base, the engine, and one session per request.

Models use plain SQLAlchemy 2.x with typed ``Mapped[...]`` columns. Constraint names follow
one convention so that Alembic migrations name them the same on SQLite and PostgreSQL.
Services receive the session explicitly and only flush; the request commits
(:func:`end_transaction`).
"""

from __future__ import annotations

import importlib
import logging
import select
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Flask, Response, abort, current_app, g
from flask import session as flask_session
from sqlalchemy import DateTime, Engine, Index, MetaData, create_engine, event, exc, make_url, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

T = TypeVar("T")
log = logging.getLogger("portal.db")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Every module that defines tables; Alembic and the tests import them all through here.
MODEL_MODULES = (
    "portal.tenancy.models",
    "portal.audit.models",
    "portal.jobs.models",
    "portal.mail.models",
    "portal.documents.models",
    "portal.uploads.models",
    "portal.community.models",
    "portal.accounts.models",
    "portal.identity.models",
    "portal.notifications.models",
    "portal.cycles.models",
    "portal.projects.models",
    "portal.review.models",
    "portal.programs.models",
    "portal.implementation.models",
    "portal.voting.models",
    "portal.results.models",
    "portal.discussion.models",
    "portal.demo.models",
    "portal.pabulib.models",
)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no zone; PostgreSQL keeps ``timestamptz``. Either way the application only
    ever sees aware UTC datetimes and converts to Europe/Kyiv for display.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware UTC datetime is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def unique_per_community(table: str, *columns: str) -> tuple[Index, Index]:
    """``columns`` unique within each community and, among the rows of no community (the
    platform's own), unique among those: two partial indexes, as NULLs are never equal."""
    return (
        Index(f"uq_{table}_community", "community_id", *columns, unique=True,
              sqlite_where=text("community_id IS NOT NULL"),
              postgresql_where=text("community_id IS NOT NULL")),
        Index(f"uq_{table}_platform", *columns, unique=True,
              sqlite_where=text("community_id IS NULL"),
              postgresql_where=text("community_id IS NULL")),
    )


def import_models() -> MetaData:
    """Import every model module so that ``Base.metadata`` knows all tables."""
    for name in MODEL_MODULES:
        importlib.import_module(name)
    return Base.metadata


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url``; SQLite gets the settings an embedded production database needs."""
    if url.startswith("sqlite"):
        options: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 15}}
        if ":memory:" in url or url in ("sqlite://", "sqlite:///"):
            from sqlalchemy.pool import StaticPool

            options["poolclass"] = StaticPool
        engine = create_engine(url, echo=echo, **options)
        _configure_sqlite(engine)
        return engine
    # A connect_timeout in the URL wins over the default.
    connect_args = ({} if "connect_timeout" in make_url(url).query
                    else {"connect_timeout": CONNECT_TIMEOUT_SECONDS})
    engine = create_engine(url, echo=echo, pool_size=10, max_overflow=10,
                           connect_args=connect_args)
    _ping_idle_connections(engine)
    return engine


#: How long connecting to PostgreSQL may take before the request is answered "unavailable":
#: without a limit, a server that does not answer at all (a host down, a firewall dropping
#: packets) holds every worker for minutes, until the operating system gives up.
CONNECT_TIMEOUT_SECONDS = 5

#: A pooled connection unused for longer than this is pinged before it is handed out.
PING_AFTER_IDLE_SECONDS = 2.0


def _ping_idle_connections(engine: Engine) -> None:
    """Check a pooled connection before use when it has been idle, as ``pool_pre_ping`` does
    for every checkout, but without its round trip on connections in constant use.

    A connection the server dropped (a restart, an idle timeout on a proxy) sits idle in
    the pool; the ping finds it and the pool replaces it, so no request fails on it. A
    connection that was returned moments ago (under load, every one) was working then; it
    is pinged only when the server has written to it since, which between transactions it
    does when it hangs up (a restart ends each connection with "terminating connection due
    to administrator command"), so the first request after a quick restart does not fail
    on a connection the old server closed. Looking costs a system call, not a round trip.
    One ended too recently to show is caught by ``_retry_a_first_statement_once``.
    """

    @event.listens_for(engine, "checkin")
    def remember_return(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned_at = record.info.get("returned_at")
        if returned_at is None:
            return  # new: just connected
        if (time.monotonic() - returned_at < PING_AFTER_IDLE_SECONDS
                and not _server_has_written(dbapi_connection)):
            return  # in constant use, and the server has said nothing since
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool closes this connection and hands out a fresh one.
            raise exc.DisconnectionError(str(error)) from error


def _server_has_written(dbapi_connection: Any) -> bool:
    """Whether the server sent something on an idle connection (or closed it), without
    reading it: a readable socket, checked with a zero timeout."""
    try:
        poller = select.poll()
        poller.register(dbapi_connection.fileno(), select.POLLIN)
    except (OSError, ValueError, AttributeError):
        return True  # closed already, or not a socket: let the ping decide
    return bool(poller.poll(0))


def is_outage(error: BaseException) -> bool:
    """Whether ``error`` says the database cannot serve just now, rather than that it
    refused a statement: no connection could be made (a server down, an SQLite file that
    cannot be opened), the connection was lost, no pooled connection came free in time,
    or the server said it is shutting down, starting, short of resources or too busy
    (a deadlock, a lock or statement timeout). Trying again later is the answer to all.
    """
    if isinstance(error, exc.TimeoutError | exc.DisconnectionError):
        return True
    if not isinstance(error, exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if isinstance(error, exc.OperationalError | exc.InterfaceError) and error.statement is None:
        return True  # connecting, committing or rolling back failed
    sqlstate = getattr(error.orig, "sqlstate", None) or ""
    if sqlstate[:2] in _OUTAGE_SQLSTATE_CLASSES or sqlstate == "55P03":
        return True
    return getattr(error.orig, "sqlite_errorname", "").startswith(_OUTAGE_SQLITE_ERRORS)


#: PostgreSQL's error classes that mean "not now": connection exception, transaction
#: rollback (serialization failure, deadlock), insufficient resources, operator intervention
#: (shutting down, starting up, statement cancelled); and 55P03 is a lock not obtained in time.
_OUTAGE_SQLSTATE_CLASSES = ("08", "40", "53", "57")
#: SQLite's: the file cannot be opened or read or written, or another writer kept the lock.
_OUTAGE_SQLITE_ERRORS = ("SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_FULL", "SQLITE_BUSY",
                         "SQLITE_LOCKED")


def _retry_a_first_statement_once(sessions: sessionmaker) -> None:
    """Run a transaction's first statement again, once, when it found its connection dead.

    The pool may hand out a connection the server ended a moment ago, too recently to show
    on the socket (see ``_ping_idle_connections``). The first statement fails on it; as the
    transaction has done nothing yet (no connection, nothing waiting to be flushed), rolling
    back and running it on a new connection changes nothing else, and the request goes on.
    A later statement's failure is the request's: its earlier work is lost with the server.
    """

    @event.listens_for(sessions, "after_begin")
    def connected(session: Session, _transaction: Any, _connection: Any) -> None:
        session.info["connected"] = True

    @event.listens_for(sessions, "after_transaction_end")
    def ended(session: Session, transaction: Any) -> None:
        if transaction.parent is None:
            session.info.pop("connected", None)

    @event.listens_for(sessions, "do_orm_execute")
    def retry_once(state: Any) -> Any:
        session = state.session
        if session.info.get("connected") or session.new or session.deleted or session.dirty:
            return None  # executed as usual
        try:
            return state.invoke_statement()
        except exc.DBAPIError as error:
            if not error.connection_invalidated:
                raise
            log.info("A pooled connection was found closed; running the statement again: %s",
                     type(error.orig).__name__)
        session.rollback()
        return state.invoke_statement()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, open transactions (see begin_immediate below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin_immediate(connection: Any) -> None:
        if connection.get_execution_options().get("portal_read_only"):
            # A connection that only reads (the communities' directory) takes no write
            # lock: it cannot then wait for one its own thread holds in another session.
            connection.exec_driver_sql("BEGIN")
            return
        # A deferred transaction that reads and then writes fails with SQLITE_BUSY when
        # another writer committed in between; taking the write lock up front makes
        # writers queue (up to busy_timeout) instead. Rails does the same since 7.1.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """The engine and session factory of one application."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)
        if not self.is_sqlite:  # a file has no server to restart
            _retry_a_first_statement_once(self.sessionmaker)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"


def init_app(app: Flask) -> None:
    app.extensions["portal.db"] = Database(
        app.config["DATABASE_URL"], echo=app.config.get("DATABASE_ECHO", False)
    )
    import_models()
    app.after_request(end_transaction)

    @app.teardown_appcontext
    def close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def end_transaction(response: Response) -> Response:
    """The request commits: when the view has answered without an error and without showing
    a refusal, its work is committed, then what waited for the commit runs (mail, caches);
    otherwise all of it is rolled back. Views write no ``commit()`` or ``rollback()``.

    This runs before the response leaves, so a commit that fails (the database went away)
    is answered with the error page, not with a success that was never stored.
    """
    session = g.get("db_session")
    waiting = g.pop("after_commit", [])
    if session is None:
        return response
    if response.status_code >= 400 or g.pop("db_doomed", False):
        session.rollback()
        return response
    try:
        session.commit()
    except Exception:
        # The error page answers instead; no "saved" message may outlive what was not saved.
        flask_session.pop("_flashes", None)
        raise
    for callback in waiting:
        callback()
    return response


def doom() -> None:
    """Keep nothing this request changed: it ends in a rollback, whatever it answers."""
    g.db_doomed = True


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the request's work is committed (never if it is rolled back)."""
    g.setdefault("after_commit", []).append(callback)


def get_or_404(model: type[T], ident: int, **options: Any) -> T:
    """The row of ``model`` with primary key ``ident`` in the request's session, or 404."""
    return db_session().get(model, ident, **options) or abort(404)


def database() -> Database:
    return current_app.extensions["portal.db"]


def db_session() -> Session:
    """The session of the current request (or app context), created on first use."""
    if "db_session" not in g:
        g.db_session = database().sessionmaker()
    return g.db_session
