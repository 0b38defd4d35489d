"""``flask --app portal audit verify``: check the chain and its signed checkpoints;
``flask --app portal audit checkpoint``: sign one (a systemd timer runs it, see
``deploy/portal-audit-checkpoint.timer``)."""

from __future__ import annotations

import click
from flask import Blueprint, current_app
from flask_babel import force_locale

from portal.audit.checkpoints import latest_checkpoint, take_checkpoint, verify_log
from portal.audit.messages import PROBLEMS, finding_problem
from portal.audit.rules import Tampering
from portal.audit.signing import configured_key, trusted_keys
from portal.clock import utcnow
from portal.db import db_session
from portal.i18n import kyiv_datetime
from portal.refusal import Refused
from portal.tenancy.commands import community_option

cli = Blueprint("audit_cli", __name__, cli_group="audit")
community_option(cli.cli)

#: The exit code of ``audit verify`` for each kind of tampering (of the first one found).
EXIT_CODES = {
    Tampering.TRUNCATION: 3,
    Tampering.REWRITE: 4,
    Tampering.REORDERING: 5,
    Tampering.DELETION: 6,
    Tampering.FORGED_CHECKPOINT: 7,
    Tampering.MISSING_CHECKPOINT: 8,
}

_LANGUAGE = click.option("--language", type=click.Choice(["uk", "en"]), default=None,
                         help="The language of the messages (the portal's default).")


def _in(language: str | None):
    return force_locale(language or current_app.config["BABEL_DEFAULT_LOCALE"])


@cli.cli.command("verify")
@_LANGUAGE
def verify(language: str | None) -> None:
    """Check every link of the audit log, its head, and the log against the signed
    checkpoints; name each kind of tampering found.

    Exit codes: 0 intact, 3 truncation, 4 rewrite, 5 reordering, 6 events deleted from the
    middle, 7 forged checkpoint, 8 missing checkpoint (of the first finding).
    """
    session = db_session()
    result = verify_log(session, public_keys=trusted_keys(current_app.config))
    with _in(language):
        for finding in result.findings:
            click.echo(str(finding_problem(finding)), err=True)
        if result.findings:
            raise SystemExit(EXIT_CODES[result.findings[0].kind])
        click.echo(str(PROBLEMS("intact", count=result.total,
                                checkpoints=len(result.statements))))
        if result.statements:
            last = result.statements[-1]
            click.echo(str(PROBLEMS("since_checkpoint", after=result.total - last.count,
                                    number=last.number, at=kyiv_datetime(last.at))))


@cli.cli.command("checkpoint")
@_LANGUAGE
def checkpoint(language: str | None) -> None:
    """Sign the audit log's present state (count, last event, hash) with the audit key.

    Nothing is signed when nothing was appended since the last checkpoint, nor over a log
    that does not check out since then (exit code 1).
    """
    session = db_session()
    with _in(language):
        try:
            taken = take_checkpoint(session, key=configured_key(current_app.config),
                                    now=utcnow())
        except Refused as refused:
            raise click.ClickException(str(refused)) from None
        session.commit()
        if taken is None:
            latest = latest_checkpoint(session)
            click.echo(str(PROBLEMS("unchanged", number=latest.number) if latest
                           else PROBLEMS("empty")))
            return
        click.echo(str(PROBLEMS("taken", number=taken.number, count=taken.event_count,
                                event=taken.last_event_id, head=taken.head_hash[:16])))

