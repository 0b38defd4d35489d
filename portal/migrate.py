"""Alembic, driven from the application: ``flask --app portal db upgrade`` and friends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, has_app_context
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

from portal.db import Base, database
from portal.i18n import _

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

cli = Blueprint("db_cli", __name__, cli_group="db")


def alembic_config(url: str, connection: Connection | None = None) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(connection: Connection, revision: str = "head") -> None:
    config = alembic_config(str(connection.engine.url), connection)
    if has_app_context():
        # An installation in use becomes one community, named by its settings.
        config.attributes["community"] = {
            name: ",".join(value) if isinstance(value, list | tuple) else value
            for name, value in current_app.config.items() if name.startswith("COMMUNITY_")}
    command.upgrade(config, revision)


def heads() -> list[str]:
    return list(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


@contextmanager
def sqlite_keys_checked_at_the_end(bind: Connection) -> Iterator[None]:
    """For a migration, SQLite's own procedure for changing tables: with foreign keys
    off, copy each table and move the copy in its place, then check every key before
    committing. With them on, dropping a table to move its copy in would delete its
    children by cascade.

    ``PRAGMA foreign_keys`` is ignored inside a transaction, so the migration's
    transaction is committed (what earlier migrations did is whole) and one is begun again.
    """
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys = OFF")
    bind.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        yield
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"keys broken by the migration: {broken[:10]}")
        bind.exec_driver_sql("COMMIT")
    except BaseException:
        bind.exec_driver_sql("ROLLBACK")
        raise
    finally:
        bind.exec_driver_sql("PRAGMA foreign_keys = ON")
        bind.exec_driver_sql("BEGIN IMMEDIATE")


def drop_checked_column(op: Any, table: str, column: str, check: str) -> None:
    """For a downgrade: drop ``column`` of ``table`` and its CHECK constraint ``check``.

    SQLite drops a column in place only while its check is the column's own (as it was
    added); once a later migration copied the table (batch mode), the check is the table's
    and the table is copied again without either, keys off while the copy moves in.
    """
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(check, table, type_="check")
        op.drop_column(table, column)
        return
    try:
        with bind.begin_nested():
            op.drop_column(table, column)
        return
    except OperationalError:  # "error in table ... after drop column": the table's check
        pass
    with sqlite_keys_checked_at_the_end(bind), \
            op.batch_alter_table(table, recreate="always") as batch:
        batch.drop_constraint(check, type_="check")
        batch.drop_column(column)


def differences(connection: Connection) -> list:
    """What autogenerate would add to a migration: empty when the models match the schema."""
    from portal.tenancy.guards import include_object

    context = MigrationContext.configure(connection, opts={
        "compare_type": True, "include_object": include_object})
    return compare_metadata(context, Base.metadata)


@cli.cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Bring the database schema up to REVISION (the newest by default)."""
    engine = database().engine
    with engine.begin() as connection:
        upgrade(connection, revision)
    url = engine.url.render_as_string(hide_password=True)
    click.echo(_("The database is up to date: %(url)s", url=url) if revision == "head" else
               _("The database is at the version %(revision)s: %(url)s", revision=revision,
                 url=url))


@cli.cli.command("revision")
@click.option("-m", "--message", required=True)
def revision_command(message: str) -> None:
    """Write a new migration by comparing the models with the database."""
    config = alembic_config(current_app.config["DATABASE_URL"])
    command.revision(config, message=message, autogenerate=True)


@cli.cli.command("check")
def check_command() -> None:
    """Fail when the models and the migrated schema differ."""
    with database().engine.connect() as connection:
        found = differences(connection)
    if found:
        for item in found:
            click.echo(repr(item), err=True)
        raise SystemExit(1)
    click.echo("Models and migrations agree.")
