"""e-ID over OpenID Connect (BankID NBU, Diia and the like), through Authlib's Flask client.

Authlib keeps ``state``, ``nonce`` and the PKCE ``code_verifier`` (S256) in the session,
refuses a callback whose state it did not issue, sends the verifier with the code and
validates the ID token: signature against the provider's JWKS, issuer, audience, expiry and
the nonce of this very login. The portal then asks the userinfo endpoint for the claims a
provider keeps there (plain JSON, or a JWT signed with the provider's keys), and only
believes them when they name the same subject as the ID token. Which claims carry the tax
number, birth date and address differs by provider, so their names come from the
configuration.

The issuer is compared exactly as discovery publishes it, a trailing slash included: it must
be the configured ``OIDC_ISSUER`` itself, the ``iss`` of every token, and, when the provider
advertises RFC 9207, the ``iss`` parameter of the authorization response (a response another
provider produced is refused: the mix-up attack). The client authenticates at the token
endpoint by the configured method (``client_secret_basic``, ``client_secret_post``,
``client_secret_jwt`` or ``private_key_jwt``); settings that cannot work refuse the start,
and a method or algorithm the provider does not advertise makes e-ID unavailable, with the
reason in the log and in ``flask eid check``.

Each application gets its own Authlib registry (``app.extensions["portal.eid"]``): two apps
in one process, as in the tests, never share a client or its cached provider metadata. The
platform's client comes from the configuration; a community may have its own (its
``eid_settings``, set by ``flask eid set``), used for its residents instead: the clients
and their settings are ``portal.identity.eid_clients``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from authlib.integrations.base_client.errors import OAuthError
from flask import current_app, request
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from requests import RequestException
from werkzeug.wrappers import Response

from portal.identity.census import parse_date
from portal.identity.eid_clients import EXTENSION, ClientAuth, Provider, provider
from portal.identity.messages import PROBLEMS
from portal.refusal import Refused


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
    #: The person's name as the provider gives it (OIDC ``name``, else given and family
    #: names): the display name of an account made by an e-ID sign-in.
    name: str = ""


def is_configured() -> bool:
    return provider() is not None


def _client():
    return current_app.extensions[EXTENSION].create_client(_provider().name)


def _provider() -> Provider:
    found = provider()
    if found is None:
        raise _unavailable("e-ID is not set up for this community")
    return found


def provider_problems(metadata: Mapping[str, Any], issuer: str, auth: ClientAuth) -> list[str]:
    """Why the provider's published metadata and the portal's settings (``OIDC_ISSUER``,
    the client authentication) cannot work together, for whoever runs the portal: the log
    and ``flask eid check``. Empty when they can."""
    problems = []
    if metadata.get("issuer") != issuer:
        problems.append(f"the provider's discovery publishes the issuer "
                        f"{metadata.get('issuer')!r}, but OIDC_ISSUER is {issuer!r}; they "
                        f"must be identical")
    # RFC 8414: without the list, only client_secret_basic is supported.
    supported = metadata.get("token_endpoint_auth_methods_supported", ["client_secret_basic"])
    if auth.method not in supported:
        problems.append(f"OIDC_CLIENT_AUTH_METHOD {auth.method} is not among the provider's "
                        f"token_endpoint_auth_methods_supported ({', '.join(supported)})")
    algs = metadata.get("token_endpoint_auth_signing_alg_values_supported")
    if auth.alg and algs is not None and auth.alg not in algs:
        problems.append(f"the client assertion's algorithm {auth.alg} is not among the "
                        f"provider's token_endpoint_auth_signing_alg_values_supported "
                        f"({', '.join(algs)})")
    if "S256" not in metadata.get("code_challenge_methods_supported", ["S256"]):
        problems.append("the provider does not support PKCE with S256")
    return problems


def provider_metadata() -> dict[str, Any]:
    """The provider's discovery document (fetched once per application)."""
    return _client().load_server_metadata()


def settings_problems(metadata: Mapping[str, Any]) -> list[str]:
    """``provider_problems`` of the settings of this community's client."""
    found = _provider()
    return provider_problems(metadata, found.issuer, found.auth)


def _unavailable(reason: str) -> Refused:
    current_app.logger.warning("e-ID start failed: eid_unavailable: %s", reason)
    return Refused(PROBLEMS("eid_unavailable"))


def start(redirect_uri: str) -> Response:
    """The redirect to the provider; state, nonce and PKCE verifier go into the session.

    Refused (``eid_unavailable``) when the provider cannot be reached or its metadata does
    not fit the settings; the log says why.
    """
    try:
        problems = settings_problems(provider_metadata())
        if problems:
            raise _unavailable("; ".join(problems))
        return _client().authorize_redirect(redirect_uri)
    except (RequestException, ValueError, KeyError) as error:  # provider metadata unreachable
        raise _unavailable(repr(error)) from None


def _failed(reason: str) -> Refused:
    """The refusal of an answer the portal cannot trust: the person reads ``eid_failed``'s
    words; the reason goes to the log, for whoever runs the portal."""
    current_app.logger.warning("e-ID callback refused: eid_failed: %s", reason)
    return Refused(PROBLEMS("eid_failed"))


def _check_response_issuer(metadata: Mapping[str, Any]) -> None:
    """RFC 9207: the authorization response names the provider that produced it.

    When the provider advertises the parameter, a response without it, or naming another
    issuer, is refused before its code goes anywhere (a mix-up attack sends a code from
    one provider to another's callback). Any ``iss`` that is present must match.
    """
    iss = request.args.get("iss")
    if iss is None:
        if metadata.get("authorization_response_iss_parameter_supported") is True:
            raise _failed("the authorization response has no iss parameter (RFC 9207)")
    elif iss != metadata.get("issuer"):
        raise _failed(f"the authorization response's iss {iss!r} is not the issuer "
                      f"(RFC 9207, mix-up)")


def finish() -> dict[str, Any]:
    """The verified claims of the person returning from the provider.

    Refused (``eid_failed``) for an authorization response of another issuer, a state the
    portal did not issue, a refused code exchange (a wrong PKCE verifier among others), an
    ID token that fails validation (a replayed token carries another login's nonce), or
    userinfo that fails its signature or names another subject, issuer or audience.
    """
    client = _client()
    try:
        metadata = provider_metadata()
    except (RequestException, ValueError) as error:
        raise _failed(repr(error)) from None
    _check_response_issuer(metadata)
    claims_options = {
        "iss": {"essential": True, "value": metadata.get("issuer")},
        "aud": {"essential": True, "value": _provider().client_id},
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
    if metadata.get("userinfo_endpoint"):
        try:
            info = _userinfo(client, metadata, token)
        except (OAuthError, JoseError, RequestException, ValueError) as error:
            raise _failed(repr(error)) from None
        if info.get("sub") != claims.get("sub"):
            raise _failed("userinfo names another subject")
        claims.update(info)
    return claims


def _userinfo(client, metadata: Mapping[str, Any], token) -> dict[str, Any]:
    """The userinfo claims: a JSON object, or a JWT (``application/jwt``, OIDC Core 5.3.2)
    signed with one of the provider's keys by an algorithm it signs ID tokens with, whose
    ``iss`` and ``aud``, when present, must be the issuer and this client."""
    response = client.get(metadata["userinfo_endpoint"], token=token)
    response.raise_for_status()
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type != "application/jwt":
        info = response.json()
        if not isinstance(info, dict):
            raise ValueError("userinfo is not a JSON object")
        return info
    algorithms = [alg for alg in metadata.get("id_token_signing_alg_values_supported", ["RS256"])
                  if alg != "none" and not alg.startswith("HS")]
    registry = JWSRegistry(algorithms=algorithms, strict_check_header=False)
    try:
        decoded = jwt.decode(response.text.strip(), KeySet.import_key_set(client.fetch_jwk_set()),
                             registry=registry)
    except InvalidKeyIdError:  # the provider rotated its keys since they were fetched
        decoded = jwt.decode(response.text.strip(),
                             KeySet.import_key_set(client.fetch_jwk_set(force=True)),
                             registry=registry)
    info = dict(decoded.claims)
    if "iss" in info and info["iss"] != metadata.get("issuer"):
        raise ValueError(f"signed userinfo from another issuer: {info['iss']!r}")
    if "aud" in info:
        audience = info["aud"] if isinstance(info["aud"], list) else [info["aud"]]
        if _provider().client_id not in audience:
            raise ValueError(f"signed userinfo for another audience: {info['aud']!r}")
    return info


def claim_names() -> ClaimNames:
    settings = _provider().settings
    return ClaimNames(settings["OIDC_CLAIM_TAX_NUMBER"], settings["OIDC_CLAIM_BIRTH_DATE"],
                      settings["OIDC_CLAIM_ADDRESS"])


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
    name = str(claims.get("name") or " ".join(
        str(claims[key]) for key in ("given_name", "family_name") if claims.get(key)
    )).strip()
    return EidIdentity(number=number, birth_date=birth, address=address, locality=locality,
                       name=name)
