"""Registration numbers name one project of the community: two cycles of the same budget year
are told apart by their series (``2027-001`` and ``2027-2-001``), a UNIQUE constraint keeps
the series apart (a unique index), and migration 0009 renumbered the cycles that shared a year."""

from __future__ import annotations

import dataclasses
import os

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.clock import utcnow
from portal.cycles import services
from portal.cycles.models import Cycle
from portal.cycles.rules import registration_code
from portal.db import make_engine
from portal.migrate import upgrade
from portal.projects import services as projects
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus
from tests.factories.communities import TEST_COMMUNITY, add_community
from tests.factories.cycles import cycle_data, make_cycle
from tests.factories.projects import make_project


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


def test_the_codes_of_a_series_cannot_be_read_as_another_series():
    assert registration_code(2027, 1) == "2027-001"
    assert registration_code(2027, 1, 2) == "2027-2-001"
    assert registration_code(2027, 21, 1) != registration_code(2027, 1, 2)


def test_two_cycles_of_one_year_give_different_codes_to_their_first_projects(
        db, app_ctx, admin):
    first = make_cycle(db, admin, budget_year=2190, name="Перший цикл 2190")
    second = make_cycle(db, admin, budget_year=2190, name="Шкільний цикл 2190")
    other_year = make_cycle(db, admin, budget_year=2191, name="Цикл 2191")
    assert (first.registration_series, second.registration_series,
            other_year.registration_series) == (1, 2, 1)
    a = make_project(db, first, admin, status=ProjectStatus.SUBMITTED)
    b = make_project(db, second, admin, status=ProjectStatus.SUBMITTED)
    assert a.number == b.number == 1
    assert (a.registration_code, b.registration_code) == ("2190-001", "2190-2-001")


def test_a_submitted_project_is_found_by_its_code_with_the_series(db, app_ctx, admin,
                                                                    make_user):
    make_cycle(db, admin, budget_year=2192, name="Перший цикл 2192")
    second = make_cycle(db, admin, budget_year=2192, name="Другий цикл 2192")
    author = make_user(verified=True)
    draft = make_project(db, second, author)
    projects.submit_project(db, project=draft, actor=author, now=utcnow())
    assert draft.registration_code == "2192-2-001"
    assert draft.search_text.startswith("2192-2-001 ")


def test_moving_a_cycle_to_another_year_takes_that_years_next_series(db, app_ctx, admin):
    make_cycle(db, admin, budget_year=2193, name="Цикл 2193")
    moving = make_cycle(db, admin, budget_year=2194, name="Цикл, що переїде")
    assert moving.registration_series == 1
    data = dataclasses.replace(cycle_data(budget_year=2193), name=moving.name)
    services.update_cycle(db, cycle=moving, data=data, actor=admin, now=utcnow())
    assert (moving.budget_year, moving.registration_series) == (2193, 2)


def test_the_database_refuses_a_second_cycle_with_the_same_series(db, app_ctx, admin):
    make_cycle(db, admin, budget_year=2195, name="Цикл 2195")
    twin = make_cycle(db, admin, budget_year=2195, name="Близнюк 2195")
    twin.registration_series = 1
    with pytest.raises(IntegrityError), db.begin_nested():
        db.flush()


# -- migration 0009 --------------------------------------------------------------------------

def _migration_engine(tmp_path):
    """A database of its own for going down and up: a file on SQLite, a schema on
    PostgreSQL (the test database's other tables stay untouched)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        return make_engine(f"sqlite:///{tmp_path / 'numbers.sqlite3'}")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS forms_migration CASCADE"))
        connection.execute(text("CREATE SCHEMA forms_migration"))
    engine.dispose()
    joiner = "&" if "?" in url else "?"
    return make_engine(f"{url}{joiner}options=-csearch_path%3Dforms_migration")


def test_migration_0009_renumbers_the_later_cycles_of_a_year_deterministically(app, tmp_path):
    engine = _migration_engine(tmp_path)
    with engine.begin() as connection:
        upgrade(connection)
        add_community(connection, **TEST_COMMUNITY)
    with app.test_request_context("/"), Session(bind=engine) as session:
        admin = User(email="admin@example.org", display_name="Адмін", password_hash="x",
                     created_at=utcnow())
        session.add(admin)
        session.flush()
        cycles = [make_cycle(session, admin, budget_year=2027, name=f"Цикл {n}")
                  for n in range(3)]
        make_cycle(session, admin, budget_year=2028, name="Цикл 2028")
        for cycle in cycles:
            project = make_project(session, cycle, admin, status=ProjectStatus.SUBMITTED)
            project.search_text = f"2027-001 {project.title}".casefold()
        session.commit()
    with engine.begin() as connection:
        from alembic import command

        from portal.migrate import alembic_config
        command.downgrade(alembic_config(str(engine.url), connection),
                          "0010_maps_district_boundaries")
    with engine.connect() as connection:  # as before: three projects "2027-001"
        texts = connection.execute(text("SELECT search_text FROM projects")).scalars().all()
    assert [t[:8] for t in texts] == ["2027-001"] * 3
    with engine.begin() as connection:
        upgrade(connection)
    with Session(bind=engine) as session:
        series = session.execute(select(Cycle.name, Cycle.registration_series)
                                 .order_by(Cycle.id)).all()
        assert [tuple(row) for row in series] == [
            ("Цикл 0", 1), ("Цикл 1", 2), ("Цикл 2", 3), ("Цикл 2028", 1)]
        found = session.execute(select(Project).order_by(Project.id)).scalars().all()
        codes = [p.registration_code for p in found]
        assert codes == ["2027-001", "2027-2-001", "2027-3-001"]
        assert [p.search_text.split(" ")[0] for p in found] == codes
    engine.dispose()
    if engine.dialect.name == "postgresql":
        cleaner = make_engine(os.environ["TEST_DATABASE_URL"])
        with cleaner.begin() as connection:
            connection.execute(text("DROP SCHEMA forms_migration CASCADE"))
        cleaner.dispose()
