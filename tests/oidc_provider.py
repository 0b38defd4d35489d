"""A real, small OpenID provider for the e-ID tests, built from Authlib's server parts.

It speaks the authorization code flow the way BankID NBU or Diia would to the portal:
a discovery document, an authorize endpoint, a token endpoint that authenticates the
client and checks the PKCE ``code_verifier`` (S256 is required), RS256-signed ID tokens
carrying the login's nonce, a JWKS with the public half of a key generated per run, and a
userinfo endpoint behind a bearer token (a JWT signed with that key for a client registered
with ``userinfo_signed_response_alg``; the address only for the scope ``address``, as OIDC
Core 5.4 says). A client authenticates by ``client_secret_basic`` or ``client_secret_post``,
as it was registered. ``OidcProvider(iss_parameter=True)`` adds RFC 9207's ``iss`` to every
authorization response and says so in its discovery document; ``start(issuer_suffix="/")``
makes the issuer end with a slash. Clients, codes and tokens live in memory.

Nobody types a password here: the authorize endpoint logs in ``provider.person``, the test
person, at once. Tests may make the provider misbehave (``forced_nonce``) to check that the
portal notices, and read ``provider.refusals`` to see what the provider itself refused.

``OidcProvider.start()`` serves it with werkzeug's ``make_server`` on 127.0.0.1 on a free
port in a thread; ``stop()`` shuts that server down.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc9207 import IssuerParameter
from authlib.oidc.core import AuthorizationCodeMixin, OpenIDCode, UserInfo, UserInfoEndpoint
from flask import Flask, jsonify
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server


@dataclass
class Person:
    """The person the provider vouches for: a subject and the claims it releases."""

    sub: str
    claims: dict[str, Any] = field(default_factory=dict)


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    scope: str = "openid profile address"
    client_metadata: dict[str, Any] = field(default_factory=dict)
    token_endpoint_auth_method: str = "client_secret_basic"
    id_token_signed_response_alg: str = "RS256"

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        allowed = set(self.scope.split())
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == self.token_endpoint_auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    person: Person
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time


@dataclass
class Token(TokenMixin):
    access_token: str
    scope: str
    client: Client
    person: Person
    issued_at: float
    expires_in: int

    def check_client(self, client: Client) -> bool:
        return client.client_id == self.client.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return self.expires_in

    def is_expired(self) -> bool:
        return time.time() > self.issued_at + self.expires_in

    def is_revoked(self) -> bool:
        return False

    def get_user(self) -> Person:
        return self.person

    def get_client(self) -> Client:
        return self.client


class S256Required(CodeChallenge):
    """PKCE as a bank's provider should run it: every authorization needs an S256 challenge."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE with code_challenge_method=S256 is required.")
        super().validate_code_challenge(grant, redirect_uri)


class OidcProvider:
    """The provider's state and its Flask app."""

    def __init__(self, person: Person | None = None, *, iss_parameter: bool = False) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8),
                                                         "use": "sig", "alg": "RS256"})
        self.clients: dict[str, Client] = {}
        self.codes: dict[str, Code] = {}
        self.tokens: dict[str, Token] = {}
        self.nonces: set[str] = set()
        self.person = person or Person(sub="person-1")
        self.forced_nonce: str | None = None  # sign ID tokens with this nonce (a replay)
        self.refusals: list[str] = []  # what the token endpoint refused, for the tests
        self.iss_parameter = iss_parameter
        self.userinfo_key = self.key  # signs userinfo; a test may swap in a stranger's key
        self.userinfo_claims: dict[str, Any] = {}  # added to signed userinfo (a wrong iss)
        self.issuer = ""
        self._server = None
        self._thread: threading.Thread | None = None
        self.app = self._make_app()

    # Serving ------------------------------------------------------------------------------

    def start(self, issuer_suffix: str = "") -> OidcProvider:
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}{issuer_suffix}"
        # A short poll: stop() waits for the loop to notice, half a second by default.
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        kwargs={"poll_interval": 0.05}, name="oidc-provider")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def add_client(self, client_id: str, client_secret: str, redirect_uri: str,
                   **options: Any) -> Client:
        client = Client(client_id, client_secret, [redirect_uri], **options)
        self.clients[client_id] = client
        return client

    # The app --------------------------------------------------------------------------------

    def _make_app(self) -> Flask:
        provider = self
        app = Flask("oidc_provider")
        app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {"authorization_code": 300}

        def save_token(token: dict, request) -> None:
            provider.tokens[token["access_token"]] = Token(
                access_token=token["access_token"], scope=token.get("scope", ""),
                client=request.client, person=request.user, issued_at=time.time(),
                expires_in=int(token.get("expires_in", 300)),
            )

        server = AuthorizationServer(app, query_client=self.clients.get, save_token=save_token)

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code: str, request) -> None:
                data = request.payload.data
                provider.codes[code] = Code(
                    code=code, client_id=request.client.client_id,
                    redirect_uri=request.payload.redirect_uri, scope=request.scope,
                    person=request.user, nonce=data.get("nonce"),
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                    auth_time=int(time.time()),
                )
                if data.get("nonce"):
                    provider.nonces.add(data["nonce"])

            def query_authorization_code(self, code: str, client: Client) -> Code | None:
                found = provider.codes.get(code)
                return found if found and found.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code: Code) -> None:
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> Person:
                return authorization_code.person

        class OpenIDCodeExtension(OpenIDCode):
            def exists_nonce(self, nonce: str, request) -> bool:
                return nonce in provider.nonces

            def resolve_client_private_key(self, client: Client) -> RSAKey:
                return provider.key

            def get_client_algorithm(self, client: Client) -> str:
                return "RS256"

            def get_encode_header(self, client: Client) -> dict[str, str]:
                return {"alg": "RS256", "kid": provider.key.kid}

            def get_client_claims(self, client: Client) -> dict[str, Any]:
                return {"iss": provider.issuer, "aud": [client.client_id]}

            def get_authorization_code_claims(self, authorization_code: Code) -> dict:
                claims = super().get_authorization_code_claims(authorization_code)
                if provider.forced_nonce is not None:
                    claims["nonce"] = provider.forced_nonce
                return claims

            def generate_user_info(self, user: Person, scope: str) -> UserInfo:
                # The ID token names the subject; the person's data is at userinfo.
                return UserInfo(sub=user.sub)

        class PersonValidator(BearerTokenValidator):
            def authenticate_token(self, token_string: str) -> Token | None:
                return provider.tokens.get(token_string)

        class PersonInfo(UserInfoEndpoint):
            def get_issuer(self) -> str:
                return provider.issuer

            def get_supported_algorithms(self) -> list[str]:
                return ["RS256"]

            def resolve_private_key(self) -> RSAKey:
                return provider.userinfo_key

            def generate_user_info(self, user: Person, scope: str) -> UserInfo:
                claims = dict(user.claims)
                if "address" not in scope.split():
                    claims.pop("address", None)
                return UserInfo(sub=user.sub, **claims)

            def __call__(self, request):
                status, body, headers = super().__call__(request)
                if provider.userinfo_claims and isinstance(body, str):  # signed: re-sign
                    claims = {**jwt.decode(body, provider.userinfo_key).claims,
                              **provider.userinfo_claims}
                    body = jwt.encode({"alg": "RS256"}, claims, provider.userinfo_key)
                return status, body, headers

        class ResponseIssuer(IssuerParameter):
            def get_issuer(self) -> str | None:
                return provider.issuer if provider.iss_parameter else None

        protector = ResourceProtector()
        protector.register_token_validator(PersonValidator())
        server.register_grant(CodeGrant, [S256Required(required=True),
                                          OpenIDCodeExtension(require_nonce=True)])
        server.register_endpoint(PersonInfo(resource_protector=protector))
        server.register_extension(ResponseIssuer())

        @app.get("/.well-known/openid-configuration")
        def discovery():
            base = provider.issuer.rstrip("/")
            return jsonify({
                "issuer": provider.issuer,
                "authorization_endpoint": base + "/authorize",
                "token_endpoint": base + "/token",
                "userinfo_endpoint": base + "/userinfo",
                "jwks_uri": base + "/jwks",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic",
                                                          "client_secret_post"],
                "scopes_supported": ["openid", "profile", "address"],
                **({"authorization_response_iss_parameter_supported": True}
                   if provider.iss_parameter else {}),
            })

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": [provider.key.as_dict(private=False)]})

        @app.get("/authorize")
        def authorize():
            try:
                grant = server.get_consent_grant(end_user=provider.person)
            except OAuth2Error as error:
                return server.handle_error_response(None, error)
            return server.create_authorization_response(grant_user=provider.person, grant=grant)

        @app.post("/token")
        def token():
            response = server.create_token_response()
            if response.status_code != 200:
                provider.refusals.append(response.get_data(as_text=True))
            return response

        @app.route("/userinfo", methods=["GET", "POST"])
        def userinfo():
            return server.create_endpoint_response("userinfo")

        return app
