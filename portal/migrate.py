"""Alembic, driven from the application: ``flask --app portal db upgrade`` and friends."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app
from sqlalchemy import Connection

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
    command.upgrade(alembic_config(str(connection.engine.url), connection), revision)


def heads() -> list[str]:
    return list(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def differences(connection: Connection) -> list:
    """What autogenerate would add to a migration: empty when the models match the schema."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
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
