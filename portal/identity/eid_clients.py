"""The e-ID clients: the platform's OpenID client from the configuration, and a community's
own (``Community.eid_settings``, set by ``flask eid set``), each registered in the
application's own Authlib registry (``app.extensions["portal.eid"]``), and how each
authenticates at the token endpoint. ``provider()`` picks the client of the request's
community; ``portal.identity.eid`` runs the login with it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from authlib.integrations.flask_client import OAuth
from authlib.oauth2.rfc7523 import ClientSecretJWT, PrivateKeyJWT
from flask import Flask, current_app
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey

EXTENSION = "portal.eid"
AUTH_EXTENSION = "portal.eid.client_auth"

#: The client authentication methods of the token endpoint the portal can use.
CLIENT_AUTH_METHODS = ("client_secret_basic", "client_secret_post", "client_secret_jwt",
                       "private_key_jwt")
_HMAC_ASSERTION_ALG = "HS256"  # client_secret_jwt signs with the shared secret
_CURVE_ALGS = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}


@dataclass(frozen=True)
class ClientAuth:
    """How the portal authenticates at the token endpoint: the method, the secret or
    private key it signs or sends, and the JWT algorithm of the two assertion methods."""

    method: str
    credential: Any
    alg: str | None


def client_auth(config: Mapping[str, Any]) -> ClientAuth:
    """The configured client authentication, or a ``RuntimeError`` saying what to set.

    ``private_key_jwt`` signs with the PEM key of ``OIDC_CLIENT_PRIVATE_KEY_FILE`` (a path)
    or ``OIDC_CLIENT_PRIVATE_KEY`` (the PEM itself): RS256 for an RSA key, ES256 for P-256.
    """
    method = config.get("OIDC_CLIENT_AUTH_METHOD") or "client_secret_basic"
    if method not in CLIENT_AUTH_METHODS:
        raise RuntimeError(f"Refusing to start: OIDC_CLIENT_AUTH_METHOD is {method!r}; use one "
                           f"of {', '.join(CLIENT_AUTH_METHODS)}.")
    if method != "private_key_jwt":
        if not config.get("OIDC_CLIENT_SECRET"):
            raise RuntimeError(f"Refusing to start: OIDC_CLIENT_AUTH_METHOD {method} needs "
                               "OIDC_CLIENT_SECRET.")
        alg = _HMAC_ASSERTION_ALG if method == "client_secret_jwt" else None
        return ClientAuth(method, config["OIDC_CLIENT_SECRET"], alg)
    key, alg = _private_key(config)
    return ClientAuth(method, key, alg)


def _private_key(config: Mapping[str, Any]) -> tuple[RSAKey | ECKey, str]:
    path = config.get("OIDC_CLIENT_PRIVATE_KEY_FILE") or ""
    try:
        pem = Path(path).read_bytes() if path else str(
            config.get("OIDC_CLIENT_PRIVATE_KEY") or "").encode()
    except OSError as error:
        raise RuntimeError(f"Refusing to start: OIDC_CLIENT_PRIVATE_KEY_FILE cannot be read "
                           f"({error.strerror}: {path}).") from None
    if not pem.strip():
        raise RuntimeError("Refusing to start: OIDC_CLIENT_AUTH_METHOD private_key_jwt needs "
                           "a PEM private key in OIDC_CLIENT_PRIVATE_KEY_FILE (a path) or "
                           "OIDC_CLIENT_PRIVATE_KEY.")
    not_private = RuntimeError("Refusing to start: the e-ID client key is not an unencrypted "
                               "PEM private key.")
    for kind in (RSAKey, ECKey):
        try:
            key = kind.import_key(pem)
        except JoseError:  # a key, of another kind
            continue
        except (ValueError, TypeError):  # not a key, or one locked by a password
            raise not_private from None
        if not key.is_private:
            raise not_private
        if isinstance(key, RSAKey):
            return key, "RS256"
        if key.curve_name in _CURVE_ALGS:
            return key, _CURVE_ALGS[key.curve_name]
    raise RuntimeError("Refusing to start: the e-ID client key must be an RSA key or an EC key "
                       "on P-256, P-384 or P-521.")


def discovery_url(issuer: str) -> str:
    """Where the provider publishes its metadata (OpenID Connect Discovery 4: a terminating
    slash of the issuer is dropped before the well-known path)."""
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


#: The settings a community may hold of its own (``Community.eid_settings``, a JSON object
#: of these keys). A community with its own ``OIDC_ISSUER`` signs its residents in through
#: its own client and never borrows the platform's issuer, client or key; what says how to
#: read the provider's answer and how long to wait for it comes from the platform's
#: configuration unless the community says otherwise.
COMMUNITY_KEYS = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_CLIENT_AUTH_METHOD",
                  "OIDC_CLIENT_PRIVATE_KEY", "OIDC_SCOPE", "OIDC_CLAIM_TAX_NUMBER",
                  "OIDC_CLAIM_BIRTH_DATE", "OIDC_CLAIM_ADDRESS")
INHERITED_KEYS = ("OIDC_SCOPE", "OIDC_CLAIM_TAX_NUMBER", "OIDC_CLAIM_BIRTH_DATE",
                  "OIDC_CLAIM_ADDRESS", "OIDC_TIMEOUT")
PLATFORM_CLIENT = "eid"


@dataclass(frozen=True)
class Provider:
    """One e-ID client: the platform's, or a community's own."""

    #: The client's name in this application's Authlib registry.
    name: str
    settings: Mapping[str, Any]
    auth: ClientAuth

    @property
    def issuer(self) -> str:
        return self.settings["OIDC_ISSUER"]

    @property
    def client_id(self) -> str:
        return self.settings["OIDC_CLIENT_ID"]


def own_settings(raw: str | None) -> dict[str, Any]:
    """A community's own settings as stored (only the keys it may hold)."""
    try:
        held = json.loads(raw or "{}")
    except ValueError:
        return {}
    if not isinstance(held, dict):
        return {}
    return {key: held[key] for key in COMMUNITY_KEYS if held.get(key)}


def community_settings(own: Mapping[str, Any], platform: Mapping[str, Any]) -> dict[str, Any]:
    """The settings a community's own client works with."""
    inherited = {key: platform[key] for key in INHERITED_KEYS if key in platform}
    return {**inherited, **own}


def _register(app: Flask, name: str, settings: Mapping[str, Any], auth: ClientAuth) -> None:
    methods = {"client_secret_jwt": ClientSecretJWT, "private_key_jwt": PrivateKeyJWT}
    app.extensions[EXTENSION].register(
        name,
        client_id=settings["OIDC_CLIENT_ID"],
        client_secret=auth.credential,
        server_metadata_url=discovery_url(settings["OIDC_ISSUER"]),
        client_auth_methods=([methods[auth.method](alg=auth.alg)]
                             if auth.method in methods else None),
        client_kwargs={
            "scope": settings.get("OIDC_SCOPE") or "openid profile address",
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": auth.method,
            "default_timeout": settings.get("OIDC_TIMEOUT", 10),
        },
    )


def init_app(app: Flask) -> None:
    """The registry of e-ID clients, and the platform's client; platform settings that can
    never work stop the start (a community's are checked when they are stored)."""
    app.extensions[EXTENSION] = OAuth(app)
    app.extensions[AUTH_EXTENSION] = {}
    if not app.config.get("OIDC_ISSUER"):
        return
    auth = client_auth(app.config)
    _register(app, PLATFORM_CLIENT, app.config, auth)
    app.extensions[AUTH_EXTENSION][PLATFORM_CLIENT] = Provider(PLATFORM_CLIENT, app.config, auth)


def provider(place: Any = None) -> Provider | None:
    """The e-ID client of ``place`` (the request's community when not given): its own when
    it has one, else the platform's; None when neither is set up.

    A community's client is registered on first use under a name made of its settings, so
    settings changed since are a new client and never the old one's cached metadata.
    """
    from portal.tenancy.routing import current_place

    app = current_app._get_current_object()
    place = place if place is not None else current_place()
    own = own_settings(place.eid_settings) if place is not None else {}
    if not own.get("OIDC_ISSUER"):
        return app.extensions[AUTH_EXTENSION].get(PLATFORM_CLIENT)
    settings = community_settings(own, app.config)
    name = "eid-" + hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:20]
    providers = app.extensions[AUTH_EXTENSION]
    if name not in providers:
        try:
            auth = client_auth(settings)
        except RuntimeError as error:  # stored before a check existed, or edited by hand
            app.logger.warning("e-ID of community %s is off: %s", place.code, error)
            return None
        _register(app, name, settings, auth)
        providers[name] = Provider(name, settings, auth)
    return providers[name]
