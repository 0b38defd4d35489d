"""Many communities in one database: each sees only its own rows, a new row is the
current community's, the database keeps a child in its parent's community, each
community's audit chain is its own, and jobs run in the community they were queued in."""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError, StatementError

from portal import audit
from portal.audit.checkpoints import verify_chain
from portal.audit.models import AuditEvent
from portal.community.models import District
from portal.cycles.models import Cycle
from portal.db import Base
from portal.projects.models import Project
from portal.tenancy import scope
from portal.tenancy.guards import owned_tables, twins, unique_name
from tests.factories.accounts import make_user
from tests.factories.communities import make_community
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project


@pytest.fixture
def two(app_ctx, db):
    """The test's own community (1) and another, each with a cycle and a project."""
    other = make_community(db)
    admin = make_user(db)
    home_cycle = make_cycle(db, admin, name="Цикл першої громади")
    home_project = make_project(db, home_cycle, admin, title="Сквер першої громади")
    with scope.inside(other.id):
        away_cycle = make_cycle(db, admin, name="Цикл другої громади")
        away_project = make_project(db, away_cycle, admin, title="Сквер другої громади")
    db.flush()
    db.expunge_all()  # what follows reads as a new request would
    return other, (home_cycle.id, home_project.id), (away_cycle.id, away_project.id)


def test_each_community_reads_only_its_own_rows(db, two):
    other, (home_cycle, home_project), (away_cycle, away_project) = two
    with scope.inside(1):
        assert set(db.scalars(select(Cycle.id))) >= {home_cycle}
        assert away_cycle not in set(db.scalars(select(Cycle.id)))
        assert db.get(Project, away_project) is None
        assert db.scalar(select(func.count()).select_from(Project)
                         .where(Project.id == away_project)) == 0
    db.expunge_all()
    with scope.inside(other.id):
        assert set(db.scalars(select(Cycle.id))) == {away_cycle}
        assert db.get(Project, home_project) is None
        assert db.get(Project, away_project).title == "Сквер другої громади"
    db.expunge_all()
    with scope.everywhere():
        assert {home_cycle, away_cycle} <= set(db.scalars(select(Cycle.id)))


def test_a_new_row_belongs_to_the_current_community(db, two):
    other, _home, _away = two
    with scope.inside(other.id):
        district = District(name="Центральний")
        db.add(district)
        db.flush()
    assert district.community_id == other.id
    # The same name is free in another community.
    with scope.inside(1):
        db.add(District(name="Центральний"))
        db.flush()


def test_no_row_is_written_where_no_community_is_current(db, two):
    with scope.everywhere():
        db.add(District(name="Нічийний"))
        with pytest.raises(StatementError, match="no community is current"):
            db.flush()
    db.rollback()


def test_the_database_keeps_a_child_in_its_parent_s_community(db, two):
    other, (home_cycle, _home_project), _away = two
    with scope.everywhere():
        project = db.get(Project, two[2][1])
        project.cycle_id = home_cycle  # a project of the other community in our cycle
        with pytest.raises(IntegrityError):
            db.flush()
    db.rollback()


def test_a_measure_names_only_departments_of_its_own_community(db, two):
    """The link table has no class of its own; the database keeps its two ends together
    all the same, and a link made in the community carries it."""
    from portal.programs.models import Department, measure_departments
    from tests.factories.programs import make_program

    other, _home, _away = two
    _program, measures = make_program(db)
    with scope.inside(other.id):
        away = Department(name="Управління іншої громади")
        db.add(away)
        db.flush()
    linked = db.execute(select(measure_departments.c.community_id)
                        .where(measure_departments.c.measure_id == measures["1.2"].id)).all()
    assert linked == [(1,)]
    with scope.everywhere(), pytest.raises(IntegrityError):
        db.execute(measure_departments.insert().values(
            measure_id=measures["1.1"].id, department_id=away.id, community_id=1))
    db.rollback()


def test_the_database_has_every_community_key_the_models_call_for(db):
    """The keys live in the migrations only (portal.tenancy.guards): a table added later
    without them is found here."""
    inspector = inspect(db.connection())
    owned = owned_tables(Base.metadata)
    assert len(owned) > 40
    parents = {twin.parent for twin in twins(Base.metadata)}
    for table in owned:
        assert "community_id" in {c["name"] for c in inspector.get_columns(table.name)}
        keys = {key["name"]: key for key in inspector.get_foreign_keys(table.name)}
        for twin in twins(Base.metadata):
            if twin.table == table.name:
                key = keys.get(twin.name)
                assert key is not None, f"{twin.name} is missing"
                assert key["constrained_columns"] == [twin.column, "community_id"]
                assert key["referred_table"] == twin.parent
        if table.name in parents:
            unique = {u["name"] for u in inspector.get_unique_constraints(table.name)}
            unique |= {i["name"] for i in inspector.get_indexes(table.name) if i["unique"]}
            assert unique_name(table.name) in unique, table.name


def test_each_community_keeps_its_own_audit_chain(db, two):
    other, _home, _away = two
    with scope.inside(other.id):
        for number in range(3):
            audit.record(db, actor=None, action="test.away", object_type="test",
                         object_id=number)
        assert verify_chain(db) is None
        events = db.scalars(select(AuditEvent).where(AuditEvent.community_id == other.id)
                            .order_by(AuditEvent.id)).all()
    assert [event.action for event in events][-3:] == ["test.away"] * 3
    assert events[0].prev_hash == "0" * 64  # its own genesis
    with scope.inside(1):
        audit.record(db, actor=None, action="test.home", object_type="test")
        assert verify_chain(db) is None
    home = db.scalars(select(AuditEvent).where(AuditEvent.action == "test.home")).one()
    assert home.community_id == 1 and home.prev_hash != events[-1].hash


def test_a_job_runs_in_the_community_it_was_queued_in(app, db, two):
    from portal import jobs
    from tests.jobs_probe import ran, where_it_ran

    other, _home, _away = two
    ran.clear()
    with scope.inside(other.id):
        jobs.enqueue(where_it_ran, "probe")
    assert ran == [("probe", other.id)]


def test_a_community_s_mail_comes_from_its_own_sender(app_ctx, db):
    import json

    from portal.mail import build_message, send_mail
    from tests.factories.communities import forget

    other = make_community(db)
    other.mail_sender = "Хмільницька міська рада <pb@khmilnyk.example>"
    db.flush()
    forget()

    def sent_from() -> str:
        mail = send_mail("resident@example.org", "Тема", "Текст", session=db, deliver=False)
        return build_message(mail.recipient, mail.subject, mail.body,
                             sender="Громадський бюджет <noreply@portal.example>",
                             headers=json.loads(mail.headers))["From"]

    with scope.inside(other.id):
        assert sent_from() == "Хмільницька міська рада <pb@khmilnyk.example>"
    with scope.inside(1):
        assert sent_from() == "Громадський бюджет <noreply@portal.example>"


def test_reading_the_communities_waits_for_no_lock_another_session_holds(tmp_path):
    """On SQLite a writer holds the file's lock from its first statement: code of the same
    thread that looks a community up (``place_of``, links) must not wait for it."""
    import time

    from sqlalchemy import text

    from portal import create_app
    from portal.db import database, make_engine
    from portal.migrate import upgrade
    from portal.tenancy.routing import place_of
    from tests.factories.communities import TEST_COMMUNITY, add_community

    url = f"sqlite:///{tmp_path / 'locks.sqlite3'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        upgrade(connection)
        add_community(connection, **TEST_COMMUNITY)
    engine.dispose()
    app = create_app("testing", {"DATABASE_URL": url, "MAIL_OUTBOX": str(tmp_path)})
    with app.app_context():
        writer = database().sessionmaker()
        writer.execute(text("UPDATE communities SET name_en = name_en"))  # the write lock
        started = time.monotonic()
        assert place_of(1).code == TEST_COMMUNITY["code"]
        assert time.monotonic() - started < 2
        writer.rollback()
        writer.close()
    app.extensions["portal.db"].engine.dispose()
