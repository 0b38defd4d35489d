"""Which community the code is working for, and the scoping of every query by it.

The current community is a context variable: a request enters the one its address names
(``routing.py``), a job the one it was queued in, a command the one it was given. Where
nothing was entered, the installation's default community is current
(``DEFAULT_COMMUNITY``, or the only community there is); with several and no default,
none is, and reads of community-owned rows see nothing. The platform's own pages and jobs
that go through every community enter ``everywhere()``.

Every ORM read, update and delete of a ``CommunityOwned`` class is narrowed to the
current community (``with_loader_criteria``); a new row takes the current community
unless it names one. On PostgreSQL, row-level security is the second guard (``rls.py``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, with_loader_criteria
from sqlalchemy.pool import Pool

from portal.tenancy.models import Community, CommunityOwned

#: Entered by the platform's own pages and jobs: no narrowing.
EVERYWHERE = 0
#: No community could be chosen: reads see nothing, writes are refused.
NOWHERE = -1

_UNSET: Any = object()
_current: ContextVar[int] = ContextVar("portal_community", default=_UNSET)


class NoCommunity(RuntimeError):
    """A community-owned row was written where no community is current."""


def enter(community_id: int) -> Token:
    return _current.set(community_id)


def leave(token: Token) -> None:
    _current.reset(token)


@contextmanager
def inside(community_id: int) -> Iterator[None]:
    """Work for ``community_id`` within the block."""
    token = enter(community_id)
    try:
        yield
    finally:
        leave(token)


def everywhere():
    """Work across every community within the block (the platform's own work)."""
    return inside(EVERYWHERE)


def entered() -> int | None:
    """The community entered explicitly (or EVERYWHERE), None when nothing was."""
    value = _current.get()
    return None if value is _UNSET else value


def current_community_id(session: Session, connection: Any = None) -> int:
    """The community the session works for: entered, else the default, else NOWHERE."""
    value = _current.get()
    if value is not _UNSET:
        return value
    return default_community_id(session, connection)


def writing_community_id(session: Session, what: str = "a row") -> int:
    """The community a new row goes to; refused where none is current."""
    community = current_community_id(session)
    if community in (EVERYWHERE, NOWHERE):
        raise NoCommunity(f"{what} written where no community is current")
    return community


def default_community_id(session: Session, connection: Any = None) -> int:
    """The installation's default community (cached on the session): the one whose code
    ``DEFAULT_COMMUNITY`` names, else the only one there is; NOWHERE otherwise."""
    cached = session.info.get("default_community")
    if cached is not None:
        return cached
    # The session's own connection, and Core: no ORM event runs again, and on SQLite no
    # second connection waits for the write lock this session may hold.
    found = _default_on(connection if connection is not None else session.connection())
    session.info["default_community"] = found
    return found


def forget_default(session: Session) -> None:
    """After communities were created or removed, look the default up again."""
    session.info.pop("default_community", None)
    _defaults.clear()


#: The default community as last read per database, for inserts (see ``for_insert``).
_defaults: dict[str, tuple[int, float]] = {}
DEFAULT_FRESH_SECONDS = 5.0


def for_insert(context: Any) -> int:
    """The ``community_id`` of a row inserted without one: the column default of every
    community-owned table, so ORM writes, bulk inserts and Core inserts alike get it."""
    value = _current.get()
    if value is _UNSET:
        key = str(context.engine.url)
        found = _defaults.get(key)
        if found is None or time.monotonic() - found[1] > DEFAULT_FRESH_SECONDS:
            found = (_default_on(context.connection), time.monotonic())
            _defaults[key] = found
        value = found[0]
    if value in (EVERYWHERE, NOWHERE):
        raise NoCommunity("a community-owned row written where no community is current")
    return value


def _default_on(connection: Any) -> int:
    code = (current_app.config.get("DEFAULT_COMMUNITY") if has_app_context()
            else os.environ.get("DEFAULT_COMMUNITY")) or ""
    table = Community.__table__
    query = select(table.c.id).where(table.c.code == code) if code else select(table.c.id).limit(2)
    ids = connection.execute(query).scalars().all()
    return ids[0] if len(ids) == 1 else NOWHERE


#: What a connection last told PostgreSQL (kept with the pooled connection).
RLS_KEY = "row_security_community"
#: A session begun on PostgreSQL (whose statements may need to tell it again).
ON_POSTGRESQL = "row_security_postgresql"


def _setting(community: int) -> str:
    """The value of ``portal.community`` (row-level security, migration 0018): a
    community's id, 0 for every community, -1 for none."""
    return str(community)


def _tell_the_database(session: Session, connection: Any) -> None:
    """Make the connection's ``portal.community`` the current community's: PostgreSQL's
    row-level security, the second guard, then shows and accepts only its rows.

    The setting is the connection's (not the transaction's), so a pooled connection that
    served the same community last time needs no statement at all; a rollback undoes a
    setting made in its transaction, so it makes the connection forget what it told
    (``_forget_on_rollback``), and the next transaction tells again."""
    value = _setting(current_community_id(session, connection))
    if connection.info.get(RLS_KEY) != value:
        connection.exec_driver_sql("SELECT set_config('portal.community', %s, false)",
                                   (value,))
        connection.info[RLS_KEY] = value


def _retell(session: Session) -> None:
    """Within a transaction the code may enter another community (a command that creates one
    and records it in its chain): tell the database again before the next statement. (Not
    begun yet, the transaction is told as it begins: ``after_begin``.)"""
    if session.info.get(ON_POSTGRESQL) and session.in_transaction():
        _tell_the_database(session, session.connection())


def _forget_on_rollback() -> None:
    def forget(connection: Any, *_args: Any) -> None:
        if connection.invalidated:
            return  # a connection the server ended: a new one will be told anew
        connection.info.pop(RLS_KEY, None)

    event.listen(Engine, "rollback", forget)
    event.listen(Engine, "rollback_savepoint", forget)

    @event.listens_for(Pool, "reset")
    def forget_on_reset(_dbapi_connection: Any, record: Any, _reset_state: Any) -> None:
        record.info.pop(RLS_KEY, None)


_installed = False


def install() -> None:
    """Narrow the reads and fill the writes of every session (once per process: the
    listeners sit on the Session class, so the tests' sessions have them too)."""
    global _installed
    if _installed:
        return
    _installed = True

    _forget_on_rollback()

    @event.listens_for(Session, "after_begin")
    def guarded_from_the_start(session: Session, _transaction: Any, connection: Any) -> None:
        if connection.dialect.name == "postgresql":
            session.info[ON_POSTGRESQL] = True
            _tell_the_database(session, connection)

    @event.listens_for(Session, "before_flush")
    def guarded_writes(session: Session, _context: Any, _instances: Any) -> None:
        _retell(session)

    @event.listens_for(Session, "do_orm_execute", insert=True)
    def narrowed(state: Any) -> None:
        _retell(state.session)
        if state.is_column_load or state.is_relationship_load:
            return  # follows a row already read: its community's by the composite keys
        if not (state.is_select or state.is_update or state.is_delete):
            return
        if state.execution_options.get("all_communities"):
            return
        community = current_community_id(state.session)
        if community == EVERYWHERE:
            return
        state.statement = state.statement.options(with_loader_criteria(
            CommunityOwned, lambda cls: cls.community_id == community, include_aliases=True))
