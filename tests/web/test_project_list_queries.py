"""The project list renders with a bounded number of SQL statements, however many projects."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from portal.accounts.models import Role
from tests.conftest import sign_in
from tests.factories import accounts
from tests.factories.cycles import make_cycle
from tests.factories.projects import bulk_projects

#: Statements of one list page: the filter options (cycles, categories, districts), the
#: count and one page of rows (5); the default cycle when none is asked for (1); the
#: signed-in user and their roles (2).
MAX_STATEMENTS = 8


@contextmanager
def counted(engine):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        # Transaction plumbing is not a query: savepoints, and telling PostgreSQL the
        # community (row-level security; once per connection and community).
        if not statement.lstrip().upper().startswith(
                ("SAVEPOINT", "RELEASE", "ROLLBACK", "SELECT SET_CONFIG('PORTAL.COMMUNITY'")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


# The projects are built once; each test runs in a savepoint rolled back after it.
pytestmark = pytest.mark.module_transaction


@pytest.fixture(scope="module")
def crowded(module_db):
    """A cycle with 20 projects and another with 2 000."""
    db = module_db
    admin = accounts.make_user(db, Role.ADMIN)
    authors = [accounts.make_user(db, verified=True).id for _n in range(5)]
    small, large = make_cycle(db, admin), make_cycle(db, admin)
    bulk_projects(db, small, authors, 20)
    bulk_projects(db, large, authors, 2000)
    return small, large


@pytest.mark.parametrize("query", ["", "&sort=cost_desc&page=37", "&q=сквер&status=admitted",
                                   "&category={category}&district=1"])
def test_the_list_costs_the_same_few_statements_for_20_and_2000_projects(
        app, client, crowded, query):
    engine = app.extensions["portal.db"].engine
    client.get("/healthz")  # (the first request of a while also reads the communities)
    counts = []
    for cycle in crowded:
        url = f"/projects/?cycle={cycle.id}" + query.format(category=cycle.categories[0].id)
        with counted(engine) as statements:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] == 5, counts


def test_the_list_of_2000_projects_shows_20_of_them_with_their_total(app, client, crowded):
    _small, large = crowded
    body = client.get(f"/projects/?cycle={large.id}").get_data(as_text=True)
    assert "Знайдено 2000 проєктів" in body
    assert body.count('class="card project-card"') == 20


def test_a_signed_in_visitor_adds_only_the_account_statements(app, client, crowded, make_user):
    engine = app.extensions["portal.db"].engine
    _small, large = crowded
    sign_in(client, make_user())
    with counted(engine) as statements:
        client.get(f"/projects/?cycle={large.id}")
    assert len(statements) <= MAX_STATEMENTS


def test_the_map_data_is_one_statement_for_2000_projects(app, client, crowded):
    engine = app.extensions["portal.db"].engine
    _small, large = crowded
    with counted(engine) as statements:
        data = client.get(f"/projects/map.json?cycle={large.id}").get_json()
    assert len(data["projects"]) == 2000
    assert len(statements) <= 5  # the filter options, then the points in one statement
