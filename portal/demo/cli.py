"""``flask --app portal demo load``: demo data; running it twice changes nothing."""

from __future__ import annotations

import click
from flask import Blueprint, current_app

from portal.audit.signing import configured_key
from portal.clock import utcnow
from portal.db import db_session
from portal.demo.accounts import DEMO_PASSWORD, load_accounts
from portal.demo.cycles import load_cycles
from portal.demo.programs import load_programs
from portal.demo.review import load_review
from portal.demo.voting import load_voting

cli = Blueprint("demo_cli", __name__, cli_group="demo")


@cli.cli.command("load")
def load() -> None:
    """Load the demo community and accounts, then print how to log in."""
    session = db_session()
    loaded = load_accounts(session, secret=current_app.config["PERSON_KEY_SECRET"], now=utcnow())
    load_cycles(session, secret=current_app.config["PERSON_KEY_SECRET"], now=utcnow())
    load_review(session)
    load_voting(session, secret=current_app.config["PERSON_KEY_SECRET"],
                audit_key=configured_key(current_app.config), now=utcnow())
    load_programs(session, now=utcnow())
    session.commit()
    engine = session.get_bind().engine
    if engine.dialect.name == "postgresql":
        # Tables just filled have no planner statistics (16 500 ballots estimated at 41
        # rows) until autovacuum comes by; VACUUM also lets index-only scans skip the heap.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for user, roles in loaded:
        click.echo(f"  {user.email:32} {', '.join(r.value for r in roles)}")
