"""An installation that served one community upgrades into one community of the platform
(migration 0017) with nothing of it changed: every row of every table, the tallies and the
receipts among them, its reports, and its audit chain (which becomes the community's).

Bakhmut's part of the demo (the demo's other communities could not exist before 0017) is
loaded at today's schema, the database taken back to 0016 (an installation as it was
before communities), then upgraded again: what 0016 held is compared, row by row,
with the same columns after the upgrade. Runs on the suite's database kind (SQLite, or a
scratch PostgreSQL database)."""

from __future__ import annotations

import os

from alembic import command
from flask_babel import force_locale
from sqlalchemy import MetaData, select

from config import TESTING_AUDIT_KEY
from portal import create_app
from portal.audit.checkpoints import verify_log
from portal.audit.signing import private_key, public_key_text
from portal.clock import utcnow
from portal.db import db_session, make_engine
from portal.demo.loading import COMMUNITIES, load_community
from portal.migrate import alembic_config, upgrade
from portal.programs.models import Program
from portal.projects.views import upload_store
from portal.reports.services import ReportFormat, ReportKind, ReportSpec, generate
from portal.tenancy.models import Community
from tests import served
from tests.factories.communities import TEST_COMMUNITY, add_community

BEFORE = "0016_notifications"


def _database(tmp_path) -> tuple[str, callable]:
    base = os.environ.get("TEST_DATABASE_URL", "")
    if base.startswith("postgresql"):
        url = served.scratch_database(base, "portal_upgrade_test", community=False)
        return url, lambda: served.drop_database(base, "portal_upgrade_test")
    url = f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        upgrade(connection)
    engine.dispose()
    return url, lambda: None


def _rows(engine, tables: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """Every row of ``tables`` (name: columns), or of every table there is, in key order."""
    metadata = MetaData()
    metadata.reflect(engine)
    found = {}
    with engine.connect() as connection:
        for table in sorted(metadata.tables.values(), key=lambda table: table.name):
            if table.name == "alembic_version":
                continue
            if tables is not None and table.name not in tables:
                continue
            names = tables[table.name] if tables is not None else [c.name for c in table.c]
            columns = [table.c[name] for name in names]
            order = list(table.primary_key.columns) or columns
            found[table.name] = [tuple(row) for row in connection.execute(
                select(*columns).order_by(*order))]
    return found


def _reports_and_log(app) -> tuple[dict[str, bytes], tuple[list, int]]:
    with app.test_request_context("/"), force_locale("uk"):
        session = db_session()
        reports = {}
        for program in session.scalars(select(Program).order_by(Program.id)):
            for year in program.years:
                for fmt in (ReportFormat.JSON, ReportFormat.HTML):
                    output = generate(session, program, ReportSpec(ReportKind.ANNUAL, year), fmt)
                    reports[f"{program.code} {year} {fmt.value}"] = output.content
        key = private_key(TESTING_AUDIT_KEY)
        public = public_key_text(key)
        from portal.audit.signing import key_id

        checked = verify_log(session, public_keys={key_id(public): public})
        session.rollback()
        return reports, (checked.findings, checked.total)


def test_the_demo_upgrades_into_one_community_unchanged(tmp_path):
    url, drop = _database(tmp_path)
    settings = {"DATABASE_URL": url, "MAIL_OUTBOX": str(tmp_path),
                "UPLOAD_FOLDER": str(tmp_path / "uploads"), "SERVER_NAME": "portal.test",
                "COMMUNITY_CODE": "UA14020010000053517", "COMMUNITY_SLUG": "bakhmut",
                "COMMUNITY_NAME": TEST_COMMUNITY["name"]}
    app = create_app("testing", settings)
    engine = app.extensions["portal.db"].engine
    try:
        with engine.begin() as connection:
            add_community(connection, **TEST_COMMUNITY)
        with app.test_request_context("/"):
            session = db_session()
            load_community(session, COMMUNITIES[0], secret=app.config["PERSON_KEY_SECRET"],
                           audit_key=private_key(TESTING_AUDIT_KEY), store=upload_store(),
                           now=utcnow())
            session.commit()
        with engine.begin() as connection:
            # What a community holds beyond 0016's data (the signatories the demo sets, whom
            # the reports print) an installation before 0017 never had; nor a program's own
            # signatories (0023).
            connection.execute(Community.__table__.update().values(signatories="[]"))
            connection.execute(Program.__table__.update().values(signatories="[]"))
        app.extensions["portal.communities"].forget()
        reports, log = _reports_and_log(app)
        assert log[0] == [] and log[1] > 0 and reports

        with engine.begin() as connection:
            command.downgrade(alembic_config(url, connection), BEFORE)
        before = _rows(engine)
        assert len(before["ballots"]) > 16_000 and before["tallies"] and before["audit_events"]
        columns = {name: list(_columns(engine, name)) for name in before}

        with app.app_context(), engine.begin() as connection:
            upgrade(connection)  # as `flask db upgrade` runs it: with the settings
        after = _rows(engine, columns)
        for table in before:
            assert after[table] == before[table], table
        with engine.connect() as connection:
            community = connection.execute(select(Community.__table__)).one()
            owned = connection.execute(select(Community.__table__.c.id)).scalars().all()
        assert (community.id, community.code, community.slug, community.name) == (
            1, "UA14020010000053517", "bakhmut", TEST_COMMUNITY["name"])
        assert owned == [1]

        app.extensions["portal.communities"].forget()
        assert _reports_and_log(app) == (reports, log)
    finally:
        engine.dispose()
        drop()


def _columns(engine, table: str) -> list[str]:
    metadata = MetaData()
    metadata.reflect(engine, only=[table])
    return [column.name for column in metadata.tables[table].c]
