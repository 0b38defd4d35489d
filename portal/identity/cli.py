"""``flask --app portal eid check``: do the e-ID settings fit what the provider publishes?"""

from __future__ import annotations

import click
from flask import Blueprint, current_app
from requests import RequestException

from portal.identity import eid

cli = Blueprint("identity_cli", __name__, cli_group="eid")


@cli.cli.command("check")
def check() -> None:
    """Fetch the provider's discovery document and name every setting it does not support."""
    if not eid.is_configured():
        click.echo("e-ID is off: OIDC_ISSUER is not set.")
        return
    config = current_app.config
    try:
        metadata = eid.provider_metadata()
    except (RequestException, ValueError) as error:
        click.echo(f"e-ID provider unreachable at {eid.discovery_url(config['OIDC_ISSUER'])}: "
                   f"{error!r}.", err=True)
        raise SystemExit(1) from None
    problems = eid.settings_problems(metadata)
    for problem in problems:
        click.echo(f"e-ID: {problem}.", err=True)
    if problems:
        raise SystemExit(1)
    iss = metadata.get("authorization_response_iss_parameter_supported") is True
    click.echo(f"e-ID provider {metadata['issuer']}: {config['OIDC_CLIENT_AUTH_METHOD']} is "
               f"supported; the iss of authorization responses (RFC 9207) is "
               f"{'required' if iss else 'not advertised'}.")
