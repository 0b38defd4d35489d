"""``flask --app portal audit verify``: check the whole hash chain."""

from __future__ import annotations

import click
from flask import Blueprint

from portal.audit.services import verify_chain
from portal.db import db_session

cli = Blueprint("audit_cli", __name__, cli_group="audit")


@cli.cli.command("verify")
def verify() -> None:
    """Check every link of the audit log; name the first broken one."""
    session = db_session()
    broken = verify_chain(session)
    if broken is None:
        click.echo("Audit log intact.")
        return
    event_id, reason = broken
    click.echo(f"Audit log broken at event {event_id} ({reason}).", err=True)
    raise SystemExit(1)
