"""Migration 0004 links cycles to measures without touching the cycles already stored.

On SQLite the foreign key is written into the table's definition instead of copying the
table (which, with foreign keys on, would delete the cycles' categories by cascade).
"""

from __future__ import annotations

import warnings

from alembic import command
from sqlalchemy import func, select, text
from sqlalchemy.exc import SAWarning
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.clock import utcnow
from portal.cycles.models import Category, Cycle
from portal.db import make_engine
from portal.migrate import alembic_config, upgrade
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus
from tests.factories.communities import TEST_COMMUNITY, add_community
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project


def downgrade_to_0002(connection, url: str) -> None:
    # Going down through 0017 copies the cycles table (SQLite) after 0004 had written its
    # key into the table's definition by hand: reading that table back, SQLAlchemy warns
    # that the key it parsed is not the one SQLite lists. What is kept is checked below.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*SQL-parsed foreign key constraint",
                                category=SAWarning)
        command.downgrade(alembic_config(url, connection), "0002_cycles")


def test_upgrading_a_sqlite_database_with_cycles_keeps_them_and_adds_the_key(app, tmp_path):
    url = f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        upgrade(connection)
        add_community(connection, **TEST_COMMUNITY)
    # The cycle is made with today's models, then the schema goes back to before 0004.
    with app.test_request_context("/"), Session(bind=engine) as session:
        author = User(email="author@example.org", display_name="Авторка", password_hash="x",
                      created_at=utcnow())
        session.add(author)
        session.flush()
        cycle = make_cycle(session, author)
        make_project(session, cycle, author, status=ProjectStatus.WINNER)
        session.commit()
    with engine.begin() as connection:
        downgrade_to_0002(connection, url)

    def state():
        with engine.connect() as connection:
            keys = {row[2] for row in connection.execute(text("PRAGMA foreign_key_list(cycles)"))}
            counts = tuple(connection.execute(select(func.count()).select_from(table)).scalar()
                           for table in (Cycle.__table__, Category.__table__,
                                         Project.__table__))
            return keys, counts

    with engine.begin() as connection, warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*SQL-parsed foreign key constraint",
                                category=SAWarning)
        upgrade(connection)
    keys, counts = state()
    assert "measures" in keys and counts == (1, 2, 1)
    with engine.begin() as connection:
        downgrade_to_0002(connection, url)
    keys, counts = state()
    assert "measures" not in keys and counts == (1, 2, 1)
    engine.dispose()
