"""Alembic environment: the models' metadata and a URL or connection from the portal."""

from __future__ import annotations

from alembic import context

from portal.db import import_models, make_engine
from portal.tenancy.guards import include_object

config = context.config
target_metadata = import_models()


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True, compare_type=True,
                      include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        _run(connection)


def _run(connection) -> None:
    if connection.dialect.name == "postgresql":
        # Row-level security (0018): a migration works on every community's rows.
        connection.exec_driver_sql("SELECT set_config('portal.community', '0', true)")
    # Batch mode lets SQLite alter tables the way PostgreSQL does (copy and move).
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True,
                      include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
