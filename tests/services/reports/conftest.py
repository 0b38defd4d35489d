"""A Bakhmut program loaded once per test module, in a transaction rolled back afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask_babel import force_locale
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.demo.programs import load_programs


@contextmanager
def module_session(app) -> Iterator[Session]:
    """A session for a whole module, in Ukrainian, inside a transaction rolled back after."""
    database = app.extensions["portal.db"]
    connection = database.engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        with app.test_request_context("/"), force_locale("uk"):
            yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture(scope="module")
def bakhmut_session(app):
    """(session, program) with the demo program stored; nothing outlives the module."""
    with module_session(app) as session:
        yield session, load_programs(session, now=utcnow())
