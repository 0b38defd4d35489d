"""A Bakhmut program loaded once per test module, in a transaction rolled back afterwards."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.demo.programs import load_programs


@pytest.fixture(scope="module")
def bakhmut_session(app):
    """(session, program) with the demo program stored; nothing outlives the module."""
    database = app.extensions["portal.db"]
    connection = database.engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        with app.test_request_context("/"), force_locale("uk"):
            yield session, load_programs(session, now=utcnow())
    finally:
        session.close()
        transaction.rollback()
        connection.close()
