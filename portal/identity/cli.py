"""``flask --app portal eid ...``: the e-ID clients, the platform's and communities' own.

``eid check`` asks the provider whether the settings can work and names the callback
addresses to register with it; ``eid set CODE`` gives a community a client of its own (its
residents then sign in through it, never through the platform's), ``eid off CODE`` takes it
away again.
"""

from __future__ import annotations

import click
from flask import Blueprint, current_app, g
from requests import RequestException

from portal.clock import utcnow
from portal.db import db_session
from portal.identity import eid, eid_clients, services
from portal.links import external_url
from portal.refusal import Refused
from portal.tenancy import scope
from portal.tenancy.models import Community
from portal.tenancy.routing import Place, directory

cli = Blueprint("identity_cli", __name__, cli_group="eid")


def _place(code: str) -> Place:
    places = directory()
    places.refresh(force=True)
    place = places.by_code.get(code)
    if place is None:
        raise click.ClickException(f"There is no active community {code}.")
    return place


def _callbacks(found: eid_clients.Provider) -> list[str]:
    """The portal's callback addresses that come back to ``found``: the community's own
    client serves that community; the platform's every community without one."""
    places = directory()
    places.refresh(force=True)
    addresses = []
    for place in places.by_id.values():
        if eid_clients.provider(place) is found:
            with scope.inside(place.id):
                addresses.append(external_url("identity.eid_callback"))
    return sorted(set(addresses))


@cli.cli.command("check")
@click.option("--community", "code", default="",
              help="The КАТОТТГ code of a community: check the client its residents use.")
def check(code: str) -> None:
    """Fetch the provider's discovery document and name every setting it does not support."""
    if code:
        g.community = _place(code)
    found = eid_clients.provider()
    if found is None:
        click.echo(f"e-ID is off for {code}: it has no client of its own and OIDC_ISSUER is not "
                   f"set." if code else "e-ID is off: OIDC_ISSUER is not set.")
        return
    try:
        metadata = eid.provider_metadata()
    except (RequestException, ValueError) as error:
        click.echo(f"e-ID provider unreachable at {eid_clients.discovery_url(found.issuer)}: "
                   f"{error!r}.", err=True)
        raise SystemExit(1) from None
    problems = eid.settings_problems(metadata)
    for problem in problems:
        click.echo(f"e-ID: {problem}.", err=True)
    if problems:
        raise SystemExit(1)
    iss = metadata.get("authorization_response_iss_parameter_supported") is True
    whose = "the platform's" if found.name == eid_clients.PLATFORM_CLIENT else "the community's own"
    click.echo(f"e-ID provider {metadata['issuer']} ({whose} client {found.client_id}): "
               f"{found.auth.method} is supported; the iss of authorization responses "
               f"(RFC 9207) is {'required' if iss else 'not advertised'}.")
    for address in _callbacks(found):
        click.echo(f"Redirect URI to register: {address}")


@cli.cli.command("set")
@click.argument("code")
@click.option("--issuer", required=True, help="The provider's issuer, exactly as it publishes it.")
@click.option("--client-id", required=True)
@click.option("--client-secret", default="", envvar="EID_CLIENT_SECRET",
              help="The client secret (or the EID_CLIENT_SECRET environment variable).")
@click.option("--auth-method", default="client_secret_basic",
              type=click.Choice(eid_clients.CLIENT_AUTH_METHODS),
              help="How the portal authenticates at the token endpoint.")
@click.option("--private-key-file", type=click.File("r"), default=None,
              help="The PEM private key of private_key_jwt (stored, not its path).")
@click.option("--scope", default="", help="Scopes to ask for (default: the platform's).")
@click.option("--claim-tax-number", default="", help="The claim with the tax number.")
@click.option("--claim-birth-date", default="", help="The claim with the birth date.")
@click.option("--claim-address", default="", help="The claim with the address.")
def set_client(code: str, issuer: str, client_id: str, client_secret: str, auth_method: str,
               private_key_file, scope: str, claim_tax_number: str, claim_birth_date: str,
               claim_address: str) -> None:
    """Give the community CODE an e-ID client of its own."""
    settings = {
        "OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": client_id, "OIDC_CLIENT_SECRET": client_secret,
        "OIDC_CLIENT_AUTH_METHOD": auth_method,
        "OIDC_CLIENT_PRIVATE_KEY": private_key_file.read() if private_key_file else "",
        "OIDC_SCOPE": scope, "OIDC_CLAIM_TAX_NUMBER": claim_tax_number,
        "OIDC_CLAIM_BIRTH_DATE": claim_birth_date, "OIDC_CLAIM_ADDRESS": claim_address,
    }
    _store(code, settings)
    click.echo(f"Community {code} signs its residents in through its own client {client_id} at "
               f"{issuer}. Check it with: flask --app portal eid check --community {code}")


@cli.cli.command("off")
@click.argument("code")
def off(code: str) -> None:
    """Take the community CODE's own e-ID client away (the platform's serves it again)."""
    _store(code, {})
    click.echo(f"Community {code} has no e-ID client of its own"
               + ("; the platform's serves it." if current_app.config.get("OIDC_ISSUER")
                  else "; e-ID is off there."))


def _store(code: str, settings: dict) -> None:
    session = db_session()
    place = _place(code)
    with scope.inside(place.id):
        community = session.get(Community, place.id)
        try:
            services.set_eid_settings(session, community=community, settings=settings,
                                      actor=None, now=utcnow())
        except Refused as refused:
            session.rollback()
            raise click.ClickException(
                "\n".join(str(problem) for problem in refused.problems)) from None
        session.commit()
    directory().forget()
