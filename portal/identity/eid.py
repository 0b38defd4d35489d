"""e-ID over OpenID Connect (BankID NBU, Diia and the like), through Authlib's Flask client.

Authlib keeps ``state``, ``nonce`` and the PKCE ``code_verifier`` in the session, checks the
state on return, sends the verifier with the code and validates the ID token (signature,
issuer, audience, expiry and nonce). Which claims carry the tax number, birth date and
address differs by provider, so their names come from the configuration.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

from portal.identity.census import parse_date

oauth = OAuth()


def init_app(app: Flask) -> None:
    oauth.init_app(app)
    if app.config.get("OIDC_ISSUER"):
        oauth.register(
            "eid",
            client_id=app.config["OIDC_CLIENT_ID"],
            client_secret=app.config["OIDC_CLIENT_SECRET"],
            server_metadata_url=app.config["OIDC_ISSUER"].rstrip("/")
            + "/.well-known/openid-configuration",
            client_kwargs={"scope": app.config["OIDC_SCOPE"], "code_challenge_method": "S256"},
        )


def is_configured() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER")) and "eid" in oauth._registry


def client():
    return oauth.create_client("eid")


def claims_from(userinfo: dict[str, Any]) -> tuple[str, date | None, str]:
    """Tax number, birth date and address as the provider named them in the config."""
    config = current_app.config
    number = str(userinfo.get(config["OIDC_CLAIM_TAX_NUMBER"]) or "")
    birth = parse_date(str(userinfo.get(config["OIDC_CLAIM_BIRTH_DATE"]) or ""))
    address = userinfo.get(config["OIDC_CLAIM_ADDRESS"]) or ""
    if isinstance(address, dict):  # the standard OIDC address claim is an object
        address = address.get("formatted") or ", ".join(
            str(address[k]) for k in ("street_address", "locality", "region", "country")
            if address.get(k)
        )
    return number, birth, str(address)
