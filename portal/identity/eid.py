"""e-ID over OpenID Connect (BankID NBU, Diia and the like), through Authlib's Flask client.

Authlib keeps ``state``, ``nonce`` and the PKCE ``code_verifier`` (S256) in the session,
refuses a callback whose state it did not issue, sends the verifier with the code and
validates the ID token: signature against the provider's JWKS, issuer, audience, expiry and
the nonce of this very login. The portal then asks the userinfo endpoint for the claims a
provider keeps there, and only believes them when they name the same subject as the ID
token. Which claims carry the tax number, birth date and address differs by provider, so
their names come from the configuration.

Each application gets its own Authlib registry (``app.extensions["portal.eid"]``): two apps
in one process, as in the tests, never share a client or its cached provider metadata.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from joserfc.errors import JoseError
from requests import RequestException
from werkzeug.wrappers import Response

from portal.identity.census import parse_date
from portal.identity.messages import PROBLEMS
from portal.refusal import Refused

EXTENSION = "portal.eid"


@dataclass(frozen=True)
class ClaimNames:
    """Which claims of the provider carry what the portal needs."""

    tax_number: str
    birth_date: str
    address: str


@dataclass(frozen=True)
class EidIdentity:
    """What the provider said about the person, before anything is checked or stored."""

    number: str
    birth_date: date | None
    address: str
    locality: str


def init_app(app: Flask) -> None:
    if not app.config.get("OIDC_ISSUER"):
        return
    oauth = OAuth(app)
    issuer = app.config["OIDC_ISSUER"].rstrip("/")
    oauth.register(
        "eid",
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=issuer + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": app.config["OIDC_SCOPE"],
            "code_challenge_method": "S256",
            "default_timeout": app.config.get("OIDC_TIMEOUT", 10),
        },
    )
    app.extensions[EXTENSION] = oauth


def is_configured() -> bool:
    return EXTENSION in current_app.extensions


def _client():
    return current_app.extensions[EXTENSION].create_client("eid")


def start(redirect_uri: str) -> Response:
    """The redirect to the provider; state, nonce and PKCE verifier go into the session.

    Refused (``eid_unavailable``) when the provider cannot be reached; the log says why.
    """
    try:
        return _client().authorize_redirect(redirect_uri)
    except (RequestException, ValueError, KeyError) as error:  # provider metadata unreachable
        current_app.logger.warning("e-ID start failed: eid_unavailable: %r", error)
        raise Refused(PROBLEMS("eid_unavailable")) from None


def _failed(reason: str) -> Refused:
    """The refusal of an answer the portal cannot trust: the person reads ``eid_failed``'s
    words; the reason goes to the log, for whoever runs the portal."""
    current_app.logger.warning("e-ID callback refused: eid_failed: %s", reason)
    return Refused(PROBLEMS("eid_failed"))


def finish() -> dict[str, Any]:
    """The verified claims of the person returning from the provider.

    Refused (``eid_failed``) for a state the portal did not issue, a refused code exchange
    (a wrong PKCE verifier among others), an ID token that fails validation (a replayed
    token carries another login's nonce), or userinfo about another subject.
    """
    client = _client()
    config = current_app.config
    claims_options = {
        "iss": {"essential": True, "value": config["OIDC_ISSUER"].rstrip("/")},
        "aud": {"essential": True, "value": config["OIDC_CLIENT_ID"]},
    }
    try:
        token = client.authorize_access_token(claims_options=claims_options)
    except (OAuthError, JoseError, RequestException, ValueError, KeyError) as error:
        raise _failed(repr(error)) from None
    id_claims = token.get("userinfo")
    if not id_claims:
        # Authlib checks the nonce only on an ID token: without one nothing ties this
        # answer to the login the portal started.
        raise _failed("no ID token")
    claims = dict(id_claims)
    if client.load_server_metadata().get("userinfo_endpoint"):
        try:
            info = dict(client.userinfo(token=token))
        except (OAuthError, RequestException, ValueError) as error:
            raise _failed(repr(error)) from None
        if info.get("sub") != claims.get("sub"):
            raise _failed("userinfo names another subject")
        claims.update(info)
    return claims


def claim_names() -> ClaimNames:
    config = current_app.config
    return ClaimNames(config["OIDC_CLAIM_TAX_NUMBER"], config["OIDC_CLAIM_BIRTH_DATE"],
                      config["OIDC_CLAIM_ADDRESS"])


def read_identity(claims: Mapping[str, Any], names: ClaimNames) -> EidIdentity:
    """Tax number, birth date and address as the provider named them.

    The standard OpenID Connect ``address`` claim is an object; its ``locality`` is kept
    apart so that residence can be decided on the settlement alone.
    """
    number = str(claims.get(names.tax_number) or "").strip()
    birth = parse_date(str(claims.get(names.birth_date) or ""))
    raw_address = claims.get(names.address) or ""
    locality = ""
    if isinstance(raw_address, Mapping):
        locality = str(raw_address.get("locality") or "")
        address = str(raw_address.get("formatted") or ", ".join(
            str(raw_address[key]) for key in ("street_address", "locality", "region", "country")
            if raw_address.get(key)
        ))
    else:
        address = str(raw_address)
    return EidIdentity(number=number, birth_date=birth, address=address, locality=locality)
