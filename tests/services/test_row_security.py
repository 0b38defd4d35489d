"""PostgreSQL's row-level security, the second guard: with the portal connected as a role
that does not bypass it, a query without the transaction's community sees none of the
community-owned rows, a community sees only its own, and the portal works under it."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from portal.projects.rules import ProjectStatus
from portal.tenancy import scope
from tests.factories.accounts import make_user
from tests.factories.communities import make_community
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project

ROLE = "portal_rls_test"


@pytest.fixture
def guarded(app, db):
    """Two communities with a public project each, and the test's connection acting as a
    role that row-level security binds (the suite itself connects as a superuser)."""
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    with app.test_request_context("/"):
        other = make_community(db, slug="khmilnyk")
        author = make_user(db)
        make_project(db, make_cycle(db, author), author, status=ProjectStatus.ADMITTED,
                     title="Сквер першої громади")
        with scope.inside(other.id):
            make_project(db, make_cycle(db, author), author, status=ProjectStatus.ADMITTED,
                         title="Сквер другої громади")
    db.flush()
    db.execute(text(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}')"
                    f" THEN CREATE ROLE {ROLE} NOLOGIN; END IF; END $$"))
    db.execute(text(f"GRANT USAGE ON SCHEMA public TO {ROLE}"))
    db.execute(text(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {ROLE}"))
    db.execute(text(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {ROLE}"))
    db.execute(text(f"SET LOCAL ROLE {ROLE}"))
    yield other
    db.execute(text("RESET ROLE"))


def _titles(db) -> set[str]:
    return set(db.execute(text("SELECT title FROM projects")).scalars())


def test_a_query_without_the_setting_sees_none_of_the_rows(db, guarded):
    db.execute(text("SELECT set_config('portal.community', '', true)"))
    assert _titles(db) == set()
    assert db.execute(text("SELECT count(*) FROM cycles")).scalar() == 0
    db.execute(text("SELECT set_config('portal.community', 'все', true)"))
    assert _titles(db) == set()


def test_each_community_sees_only_its_rows_and_the_platform_all(db, guarded):
    db.execute(text("SELECT set_config('portal.community', '1', true)"))
    assert _titles(db) == {"Сквер першої громади"}
    db.execute(text("SELECT set_config('portal.community', :c, true)"), {"c": str(guarded.id)})
    assert _titles(db) == {"Сквер другої громади"}
    db.execute(text("SELECT set_config('portal.community', '0', true)"))
    assert _titles(db) == {"Сквер першої громади", "Сквер другої громади"}


def test_a_row_cannot_be_written_into_another_community(db, guarded):
    from sqlalchemy.exc import ProgrammingError

    db.execute(text("SELECT set_config('portal.community', '1', true)"))
    with pytest.raises(ProgrammingError, match="row-level security"), db.begin_nested():
        db.execute(text("INSERT INTO districts (name, position, community_id) "
                        "VALUES ('Чужий', 0, :c)"), {"c": guarded.id})


def test_the_portal_works_under_it(client, db, guarded):
    """The requests' sessions run on the test's connection, as the bound role: each
    transaction tells the database its community, and the pages show each its own."""
    page = client.get("/projects/").get_data(as_text=True)
    assert "Сквер першої громади" in page and "Сквер другої громади" not in page
    page = client.get("/khmilnyk/projects/").get_data(as_text=True)
    assert "Сквер другої громади" in page and "Сквер першої громади" not in page


def test_every_community_table_has_the_policy(db):
    """A table added later without its policy is found here (the migration adds it)."""
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    from portal.db import Base
    from portal.tenancy.models import CommunityOwned

    owned = {mapper.local_table.name for mapper in Base.registry.mappers
             if issubclass(mapper.class_, CommunityOwned)}
    rows = db.execute(text(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
        "       EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid "
        "               AND p.polname = 'community_rows') "
        "FROM pg_class c WHERE c.relname = ANY(:names) AND c.relkind = 'r'"),
        {"names": sorted(owned)}).all()
    assert {row[0] for row in rows} == owned
    assert [row[0] for row in rows if not (row[1] and row[2] and row[3])] == []
