"""e-ID against two OpenID providers: today's Authlib one (``tests/oidc_provider.py``) and
node-oidc-provider (``tests/eid/node_provider.py``), which nobody here wrote and which is
OpenID Certified.

Each test runs the portal's whole flow: the signed-in resident starts at ``/verify/eid``, the
provider is called over HTTP at the address the portal redirected to (node-oidc-provider
passes through its login and consent interactions, which log in the test's person at
once), and the provider's redirect brings the code back to the portal's callback. What a
provider supports is tested against both; what only one can be made to do wrong (a stranger's
signature on userinfo) against that one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests
from joserfc.jwk import ECKey, RSAKey
from sqlalchemy import select

from portal import create_app
from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.identity.models import Verification
from portal.identity.rules import make_rnokpp
from portal.tenancy import scope
from tests.conftest import joined_transaction, sign_in
from tests.eid.checks import verified_by_eid
from tests.eid.node_provider import NodeProvider
from tests.factories.communities import forget, make_community, remember_app, set_localities
from tests.factories.voting import make_voting_cycle
from tests.oidc_provider import OidcProvider, Person

CALLBACK = "http://portal.test/verify/eid/callback"
SECRET = "portal-test-client-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
NUMBER = make_rnokpp("456789012")
BAKHMUT = {"formatted": "Донецька обл., м. Бахмут, вул. Миру, 5", "street_address": "вул. Миру, 5",
           "locality": "Бахмут", "region": "Донецька обл.", "country": "UA"}

VERIFIED = "Ваш обліковий запис верифіковано. Ви можете подавати проєкти та голосувати."
FAILED = "Надавач електронної ідентифікації не підтвердив вашу особу"
UNAVAILABLE = "Верифікація через електронну ідентифікацію зараз недоступна"
NO_RESIDENCE = ("Вашу особу верифіковано, але ваше проживання в громаді не встановлено, тому "
                "подавати проєкти й голосувати ви поки не можете.")
WHAT_TO_DO = "прийдіть до ЦНАП із паспортом або ID-карткою та документом"
BALLOT_REFUSAL = "Проживання в громаді не встановлено"

#: The token endpoint's client authentication of each registered client, and what else
#: sets the client apart (the algorithm of its ID tokens, signed userinfo).
CLIENTS = {
    "basic": {"token_endpoint_auth_method": "client_secret_basic"},
    "post": {"token_endpoint_auth_method": "client_secret_post",
             "id_token_signed_response_alg": "PS256"},
    "secret-jwt": {"token_endpoint_auth_method": "client_secret_jwt",
                   "id_token_signed_response_alg": "ES256"},
    # The portal's key: an RSA key in a file, the PEM of one in the setting itself, an EC
    # key (its assertion is signed with ES256). The provider knows only the public half.
    "key-jwt": {"token_endpoint_auth_method": "private_key_jwt"},
    "key-jwt-inline": {"token_endpoint_auth_method": "private_key_jwt"},
    "key-jwt-ec": {"token_endpoint_auth_method": "private_key_jwt"},
    "signed": {"token_endpoint_auth_method": "client_secret_basic",
               "userinfo_signed_response_alg": "ES256"},
}
#: What the Authlib provider can do of those (it signs with RS256 only).
AUTHLIB_CLIENTS = ("basic", "post", "signed")


@dataclass
class Idp:
    """A running provider as the tests see it, whichever implementation it is."""

    name: str
    issuer: str
    set_person: Callable[[str, dict[str, Any]], None]
    authlib: OidcProvider | None = None
    stop: Callable[[], None] = field(default=lambda: None)


@pytest.fixture(scope="module")
def client_keys(tmp_path_factory) -> dict[str, tuple[dict[str, str], dict]]:
    """For each ``private_key_jwt`` client, the portal's settings of its private key and the
    public JWK the provider has registered."""
    folder = tmp_path_factory.mktemp("eid")
    rsa = RSAKey.generate_key(2048, parameters={"kid": "portal-rsa"})
    ec = ECKey.generate_key("P-256", parameters={"kid": "portal-ec"})
    (folder / "rsa.pem").write_bytes(rsa.as_pem(private=True))
    (folder / "ec.pem").write_bytes(ec.as_pem(private=True))
    return {
        "key-jwt": ({"OIDC_CLIENT_PRIVATE_KEY_FILE": str(folder / "rsa.pem")},
                    rsa.as_dict(private=False)),
        "key-jwt-inline": ({"OIDC_CLIENT_PRIVATE_KEY": rsa.as_pem(private=True).decode()},
                           rsa.as_dict(private=False)),
        "key-jwt-ec": ({"OIDC_CLIENT_PRIVATE_KEY_FILE": str(folder / "ec.pem")},
                       ec.as_dict(private=False)),
    }


@pytest.fixture(scope="module")
def idps(client_keys, tmp_path_factory) -> Iterator[Callable[..., Idp]]:
    """``idps(name, slash=False, iss_parameter=True)``: the provider, started on first use
    and stopped (by PID for the Node.js one) after the module."""
    running: dict[tuple, Idp] = {}
    log = tmp_path_factory.mktemp("eid-log") / "oidc-provider.log"

    def start(name: str, *, slash: bool = False, iss_parameter: bool = True) -> Idp:
        wanted = (name, slash, iss_parameter)
        if wanted in running:
            return running[wanted]
        suffix = "/" if slash else ""
        if name == "node":
            clients = [{"client_id": f"portal-{kind}", "client_secret": SECRET,
                        "redirect_uris": [CALLBACK], **options,
                        **({"jwks": {"keys": [client_keys[kind][1]]}}
                           if kind in client_keys else {})}
                       for kind, options in CLIENTS.items()]
            node = NodeProvider(clients, issuer_suffix=suffix, log=log).start()
            idp = Idp(name, node.issuer, node.set_person, stop=node.stop)
        else:
            provider = OidcProvider(iss_parameter=iss_parameter).start(issuer_suffix=suffix)
            for kind in AUTHLIB_CLIENTS:
                options = dict(CLIENTS[kind])
                metadata = {"userinfo_signed_response_alg": "RS256"} if kind == "signed" else {}
                provider.add_client(f"portal-{kind}", SECRET, CALLBACK, client_metadata=metadata,
                                    token_endpoint_auth_method=options["token_endpoint_auth_method"])

            def set_person(sub: str, claims: dict[str, Any], provider=provider) -> None:
                provider.person = Person(sub=sub, claims=claims)

            idp = Idp(name, provider.issuer, set_person, authlib=provider, stop=provider.stop)
        running[wanted] = idp
        return idp

    yield start
    for idp in running.values():
        idp.stop()


@pytest.fixture(scope="module")
def portals(app, client_keys) -> Iterator[Callable[..., Any]]:
    """``portals(idp, kind, **settings)``: the portal with e-ID against ``idp`` as its
    client ``kind``, on the same database as ``app``; one per combination. A client that
    is not a ``private_key_jwt`` one gets a key all the same, for tests that switch it to
    that method."""
    made: dict[str, Any] = {}

    def portal(idp: Idp, kind: str = "basic", **settings: Any):
        config = {
            "DATABASE_URL": app.config["DATABASE_URL"], "SERVER_NAME": "portal.test",
            "DEFAULT_COMMUNITY": app.config["DEFAULT_COMMUNITY"], "OIDC_ISSUER": idp.issuer,
            "OIDC_CLIENT_ID": f"portal-{kind}", "OIDC_CLIENT_SECRET": SECRET,
            "OIDC_CLIENT_AUTH_METHOD": CLIENTS[kind]["token_endpoint_auth_method"],
            **client_keys.get(kind, client_keys["key-jwt"])[0],
            **settings,
        }
        key = json.dumps(config, sort_keys=True)
        if key not in made:
            made[key] = create_app("testing", config)
            remember_app(made[key])
        return made[key]

    yield portal
    for made_app in made.values():
        made_app.extensions["portal.db"].engine.dispose()


@pytest.fixture
def resident(make_user):
    return make_user()


@contextmanager
def signed_in(portal, db, user):
    set_localities(db, 1, "Бахмут", "Опитне")  # the community's settlements decide residence
    with joined_transaction(portal, db.get_bind()):
        client = portal.test_client()
        sign_in(client, user)
        yield client


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def with_query(url: str, **changes: str | None) -> str:
    params = {**query(url), **changes}
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=urlencode(
        {key: value for key, value in params.items() if value is not None})))


def to_callback(client, start: str = "/verify/eid", callback: str = CALLBACK) -> str:
    """Start at the portal and go through the provider as a browser would; the portal
    callback URL the provider finally redirects to (it is not followed)."""
    started = client.get(start)
    assert started.status_code == 302, started.get_data(as_text=True)[:500]
    url = started.location
    browser = requests.Session()
    for _ in range(8):
        if url.startswith(callback + "?"):
            return url
        answer = browser.get(url, allow_redirects=False, timeout=10)
        assert answer.status_code in (302, 303), answer.text[:500]
        url = urljoin(url, answer.headers["Location"])
    raise AssertionError(f"the provider never came back to the portal: {url}")


def round_trip(client) -> str:
    return client.get(to_callback(client), follow_redirects=True).get_data(as_text=True)


def verification_of(db, user) -> Verification | None:
    return db.execute(select(Verification).where(Verification.user_id == user.id)
                      ).scalar_one_or_none()


def person(address: Any = None) -> dict[str, Any]:
    claims = {"drfo_code": NUMBER, "birthdate": "1990-02-03", "name": "Олена Тестова"}
    if address is not None:
        claims["address"] = address
    return claims


BOTH = pytest.mark.parametrize("idp_name", ["authlib", "node"])
EVERY_CLIENT = pytest.mark.parametrize("idp_name, kind", [
    *(("authlib", kind) for kind in AUTHLIB_CLIENTS),
    *(("node", kind) for kind in CLIENTS),
])


@EVERY_CLIENT
def test_a_full_round_trip_verifies_a_resident_from_the_address_claim(
        idps, portals, db, resident, idp_name, kind):
    """Discovery, PKCE, state and nonce, the ID token (RS256, PS256 or ES256), the client
    authentication the client was registered with, userinfo (JSON or signed), and residence
    from the ``address`` claim the default scope asks for."""
    idp = idps(idp_name)
    idp.set_person(f"{idp_name}-{kind}-1", person(BAKHMUT))
    portal = portals(idp, kind)
    with signed_in(portal, db, resident) as client:
        page = round_trip(client)
    assert VERIFIED in page and NO_RESIDENCE not in page
    verification = verified_by_eid(db, resident, number=NUMBER, birth_date=date(1990, 2, 3),
                                   secret=portal.config["PERSON_KEY_SECRET"])
    assert verification.resident is True


@BOTH
def test_the_default_scope_asks_for_the_address(idps, portals, db, resident, idp_name):
    idp = idps(idp_name)
    with signed_in(portals(idp), db, resident) as client:
        scope = query(client.get("/verify/eid").location)["scope"].split()
    assert scope == ["openid", "profile", "address"]


@BOTH
@pytest.mark.parametrize("scope, address", [
    ("openid profile", BAKHMUT),  # the provider keeps the address back (OIDC Core 5.4)
    (None, None),  # the provider has no address of the person
    (None, {"formatted": "м. Київ, вул. Бахмутська, 3", "locality": "Київ"}),  # elsewhere
])
def test_without_an_address_in_the_community_residence_is_not_established(
        idps, portals, db, resident, make_user, idp_name, scope, address):
    """The identity is verified (one person, one account), but nothing says "you can vote":
    the page says residence is not established and what to do, and so does the ballot."""
    idp = idps(idp_name)
    idp.set_person(f"{idp_name}-nowhere", person(address))
    portal = portals(idp, **({"OIDC_SCOPE": scope} if scope else {}))
    cycle = make_voting_cycle(db, make_user(Role.ADMIN))
    with signed_in(portal, db, resident) as client:
        page = round_trip(client)
        ballot = client.get(f"/voting/{cycle.id}/ballot").get_data(as_text=True)
        status = client.get("/verify/").get_data(as_text=True)
    assert NO_RESIDENCE in page and WHAT_TO_DO in page
    assert "Ви можете подавати проєкти та голосувати" not in page
    verification = verification_of(db, resident)
    assert verification is not None and verification.resident is False
    assert "Проживання не встановлено" in status and WHAT_TO_DO in status
    assert BALLOT_REFUSAL in ballot and "ЦНАП" in ballot and 'name="choice"' not in ballot
    # The verifier at the ЦНАП desk sees why the person came.
    with signed_in(portal, db, make_user(Role.VERIFIER)) as desk:
        account = desk.get(f"/desk/verify/account/{resident.id}").get_data(as_text=True)
    assert "Проживання не встановлено" in account


@BOTH
def test_in_english_too_residence_is_not_established_and_the_page_says_what_to_do(
        idps, portals, db, resident, make_user, idp_name):
    idp = idps(idp_name)
    idp.set_person(f"{idp_name}-english", person(BAKHMUT))
    resident.locale = "en"
    db.flush()
    portal = portals(idp, OIDC_SCOPE="openid profile")
    cycle = make_voting_cycle(db, make_user(Role.ADMIN))
    with signed_in(portal, db, resident) as client:
        page = round_trip(client)
        ballot = client.get(f"/voting/{cycle.id}/ballot").get_data(as_text=True)
    assert ("Your identity is verified, but your residence in the community is not "
            "established, so you cannot submit projects or vote yet.") in page
    assert "Residence not established" in page
    assert ("come to an administrative service centre (ЦНАП) with your passport or ID card "
            "and a document showing your registered address") in page
    assert "You can submit projects and vote" not in page
    assert "Residence in the community is not established" in ballot


@BOTH
def test_an_issuer_with_a_trailing_slash_is_compared_exactly(idps, portals, db, resident,
                                                             idp_name):
    idp = idps(idp_name, slash=True)
    assert idp.issuer.endswith("/")
    idp.set_person(f"{idp_name}-slash", person(BAKHMUT))
    with signed_in(portals(idp), db, resident) as client:
        page = round_trip(client)
    assert VERIFIED in page
    assert verification_of(db, resident).resident is True


@BOTH
def test_an_issuer_configured_without_the_slash_discovery_publishes_is_refused(
        idps, portals, db, resident, idp_name, caplog):
    idp = idps(idp_name, slash=True)
    portal = portals(idp, OIDC_ISSUER=idp.issuer.rstrip("/"))
    with signed_in(portal, db, resident) as client, caplog.at_level("WARNING", "portal"):
        page = client.get("/verify/eid", follow_redirects=True).get_data(as_text=True)
    assert UNAVAILABLE in page
    logged = " ".join(r.getMessage() for r in caplog.records if r.name == "portal")
    assert f"publishes the issuer '{idp.issuer}', but OIDC_ISSUER is" in logged
    assert verification_of(db, resident) is None


@BOTH
def test_signed_userinfo_is_verified_and_its_claims_are_used(idps, portals, db, resident,
                                                             idp_name):
    idp = idps(idp_name)
    # The ID token names only the subject: residence and birth date come from userinfo.
    idp.set_person(f"{idp_name}-signed", person({"locality": "м. Бахмут"}))
    with signed_in(portals(idp, "signed"), db, resident) as client:
        page = round_trip(client)
    assert VERIFIED in page
    verification = verification_of(db, resident)
    assert verification.resident is True and verification.birth_date == date(1990, 2, 3)


def _authlib_signed(idps, portals, db, resident, **change):
    idp = idps("authlib")
    idp.set_person("authlib-forged", person(BAKHMUT))
    provider = idp.authlib
    try:
        for name, value in change.items():
            if name == "userinfo_key":
                value = RSAKey.generate_key(2048, parameters={"kid": provider.key.kid})
            setattr(provider, name, value)
        with signed_in(portals(idp, "signed"), db, resident) as client:
            return round_trip(client)
    finally:
        provider.userinfo_key = provider.key
        provider.userinfo_claims = {}


@pytest.mark.parametrize("change, reason", [
    ({"userinfo_key": "a stranger's"}, "bad_signature"),
    ({"userinfo_claims": {"iss": "https://another-provider.example"}}, "another issuer"),
    ({"userinfo_claims": {"aud": "another-client"}}, "another audience"),
    ({"userinfo_claims": {"aud": ["another-client", "and-one-more"]}}, "another audience"),
    ({"userinfo_claims": {"sub": "someone-else"}}, "another subject"),
])
def test_signed_userinfo_that_fails_its_checks_is_refused(idps, portals, db, resident, caplog,
                                                          change, reason):
    with caplog.at_level("WARNING", "portal"):
        page = _authlib_signed(idps, portals, db, resident, **change)
    assert FAILED in page and VERIFIED not in page
    assert verification_of(db, resident) is None
    logged = " ".join(r.getMessage() for r in caplog.records if r.name == "portal")
    assert reason in logged


@BOTH
@pytest.mark.parametrize("iss", [None, "https://attacker.example", "mix-up"])
def test_an_authorization_response_of_another_issuer_is_refused(
        idps, portals, db, resident, caplog, idp_name, iss):
    """RFC 9207: both providers advertise the ``iss`` parameter, so a response without it
    or naming another issuer (a code from another provider: the mix-up attack) is refused
    before its code goes anywhere."""
    idp = idps(idp_name)
    idp.set_person(f"{idp_name}-mixup", person(BAKHMUT))
    with signed_in(portals(idp), db, resident) as client:
        callback = to_callback(client)
        assert query(callback)["iss"] == idp.issuer
        forged = with_query(callback, iss=idp.issuer + "/other" if iss == "mix-up" else iss)
        with caplog.at_level("WARNING", "portal"):
            page = client.get(forged, follow_redirects=True).get_data(as_text=True)
        # The genuine answer still works: the forged one neither used nor spent the state.
        genuine = client.get(callback, follow_redirects=True).get_data(as_text=True)
    assert FAILED in page and VERIFIED not in page
    logged = " ".join(r.getMessage() for r in caplog.records if r.name == "portal")
    assert "RFC 9207" in logged
    assert VERIFIED in genuine


def test_without_the_advertisement_a_response_without_iss_is_accepted_one_of_another_not(
        idps, portals, db, resident):
    idp = idps("authlib", iss_parameter=False)
    idp.set_person("authlib-no-iss", person(BAKHMUT))
    with signed_in(portals(idp), db, resident) as client:
        callback = to_callback(client)
        assert "iss" not in query(callback)
        forged = client.get(with_query(callback, iss="https://attacker.example"),
                            follow_redirects=True).get_data(as_text=True)
        page = client.get(callback, follow_redirects=True).get_data(as_text=True)
    assert FAILED in forged
    assert VERIFIED in page


def test_a_client_authentication_the_provider_does_not_advertise_makes_e_id_unavailable(
        idps, portals, db, resident, caplog):
    idp = idps("authlib")  # it advertises client_secret_basic and client_secret_post
    portal = portals(idp, OIDC_CLIENT_AUTH_METHOD="client_secret_jwt")
    with signed_in(portal, db, resident) as client, caplog.at_level("WARNING", "portal"):
        page = client.get("/verify/eid", follow_redirects=True).get_data(as_text=True)
    assert UNAVAILABLE in page
    logged = [r.getMessage() for r in caplog.records if r.name == "portal"]
    assert logged == [
        "e-ID start failed: eid_unavailable: OIDC_CLIENT_AUTH_METHOD client_secret_jwt is not "
        "among the provider's token_endpoint_auth_methods_supported (client_secret_basic, "
        "client_secret_post)"]


@BOTH
def test_eid_check_says_whether_the_provider_supports_the_settings(idps, portals, idp_name):
    idp = idps(idp_name)
    good = portals(idp).test_cli_runner().invoke(args=["eid", "check"])
    assert good.exit_code == 0, good.output
    assert good.output == (f"e-ID provider {idp.issuer} (the platform's client portal-basic): "
                           f"client_secret_basic is supported; the iss of authorization "
                           f"responses (RFC 9207) is required.\n"
                           f"Redirect URI to register: {CALLBACK}\n")
    bad = portals(idp, OIDC_CLIENT_AUTH_METHOD="private_key_jwt", OIDC_ISSUER=idp.issuer + "/"
                  ).test_cli_runner().invoke(args=["eid", "check"])
    assert bad.exit_code == 1
    assert f"publishes the issuer '{idp.issuer}', but OIDC_ISSUER is '{idp.issuer}/'" in bad.output
    if idp_name == "authlib":
        assert "private_key_jwt is not among the provider's token_endpoint_auth_methods_supported"\
            in bad.output


@pytest.mark.parametrize("settings, words", [
    ({"OIDC_CLIENT_AUTH_METHOD": "client_secret"},
     "OIDC_CLIENT_AUTH_METHOD is 'client_secret'; use one of client_secret_basic, "
     "client_secret_post, client_secret_jwt, private_key_jwt."),
    ({"OIDC_CLIENT_AUTH_METHOD": "client_secret_post", "OIDC_CLIENT_SECRET": ""},
     "OIDC_CLIENT_AUTH_METHOD client_secret_post needs OIDC_CLIENT_SECRET."),
    ({"OIDC_CLIENT_AUTH_METHOD": "private_key_jwt"},
     "OIDC_CLIENT_AUTH_METHOD private_key_jwt needs a PEM private key in "
     "OIDC_CLIENT_PRIVATE_KEY_FILE (a path) or "
     "OIDC_CLIENT_PRIVATE_KEY."),
    ({"OIDC_CLIENT_AUTH_METHOD": "private_key_jwt",
      "OIDC_CLIENT_PRIVATE_KEY_FILE": "/nonexistent/portal-client-key.pem"},
     "OIDC_CLIENT_PRIVATE_KEY_FILE cannot be read (No such file or directory: "
     "/nonexistent/portal-client-key.pem)."),
    ({"OIDC_CLIENT_AUTH_METHOD": "private_key_jwt", "OIDC_CLIENT_PRIVATE_KEY": "not a key"},
     "the e-ID client key is not an unencrypted PEM private key."),
    ({"OIDC_CLIENT_AUTH_METHOD": "private_key_jwt", "OIDC_CLIENT_PRIVATE_KEY": "public"},
     "the e-ID client key is not an unencrypted PEM private key."),
    ({"OIDC_CLIENT_AUTH_METHOD": "private_key_jwt", "OIDC_CLIENT_PRIVATE_KEY": "P-256K"},
     "the e-ID client key must be an RSA key or an EC key on P-256, P-384 or P-521."),
])
def test_settings_that_cannot_work_refuse_the_start(app, settings, words):
    if settings.get("OIDC_CLIENT_PRIVATE_KEY") == "public":
        settings = {**settings, "OIDC_CLIENT_PRIVATE_KEY": RSAKey.generate_key(2048).as_pem(
            private=False).decode()}
    elif settings.get("OIDC_CLIENT_PRIVATE_KEY") == "P-256K":  # secp256k1: no ES256 key
        settings = {**settings, "OIDC_CLIENT_PRIVATE_KEY": ECKey.generate_key("secp256k1").as_pem(
            private=True).decode()}
    with pytest.raises(RuntimeError) as refused:
        create_app("testing", {
            "DATABASE_URL": app.config["DATABASE_URL"], "OIDC_ISSUER": "http://127.0.0.1:9",
            "OIDC_CLIENT_ID": "portal", "OIDC_CLIENT_SECRET": SECRET, **settings})
    assert str(refused.value) == "Refusing to start: " + words


def test_eid_check_names_an_unreachable_provider_and_says_when_e_id_is_off(app):
    unreachable = create_app("testing", {
        "DATABASE_URL": app.config["DATABASE_URL"], "OIDC_ISSUER": "http://127.0.0.1:9",
        "OIDC_CLIENT_ID": "portal", "OIDC_CLIENT_SECRET": SECRET, "OIDC_TIMEOUT": 2})
    try:
        answer = unreachable.test_cli_runner().invoke(args=["eid", "check"])
        off = app.test_cli_runner().invoke(args=["eid", "check"])
    finally:
        unreachable.extensions["portal.db"].engine.dispose()
    assert answer.exit_code == 1
    assert answer.output.startswith("e-ID provider unreachable at "
                                    "http://127.0.0.1:9/.well-known/openid-configuration: "
                                    "ConnectionError(")
    assert off.exit_code == 0 and off.output == "e-ID is off: OIDC_ISSUER is not set.\n"


# A community's own client ------------------------------------------------------------------

OWN_CALLBACK = "http://portal.test/kozyatyn/verify/eid/callback"
KOZYATYN = {"formatted": "Вінницька обл., м. Козятин, вул. Вокзальна, 1", "locality": "Козятин",
            "country": "UA"}


@pytest.fixture
def own_client(idps, portals, db):
    """A second community, Kozyatyn, with an e-ID client of its own at a second provider
    (set by ``flask eid set``), beside the test community on the platform's client."""
    platform, own = idps("authlib"), idps("authlib", iss_parameter=False)
    if "kozyatyn-own" not in own.authlib.clients:
        own.authlib.add_client("kozyatyn-own", SECRET, OWN_CALLBACK,
                               token_endpoint_auth_method="client_secret_post")
    portal = portals(platform)
    other = make_community(db, slug="kozyatyn", name="Козятинська громада", localities="Козятин")
    with joined_transaction(portal, db.get_bind()):
        answer = portal.test_cli_runner().invoke(args=[
            "eid", "set", other.code, "--issuer", own.issuer, "--client-id", "kozyatyn-own",
            "--client-secret", SECRET, "--auth-method", "client_secret_post"])
    assert answer.exit_code == 0, answer.output
    forget()
    return portal, platform, own, other


def test_a_community_with_its_own_client_signs_its_residents_in_through_it(
        own_client, db, resident):
    portal, platform, own, other = own_client
    own.set_person("kozyatyn-1", person(KOZYATYN))
    with signed_in(portal, db, resident) as client:
        assert client.get("/verify/eid").location.startswith(platform.issuer + "/")
        assert client.get("/kozyatyn/verify/eid").location.startswith(own.issuer + "/")
        page = client.get(to_callback(client, "/kozyatyn/verify/eid", OWN_CALLBACK),
                          follow_redirects=True).get_data(as_text=True)
    assert VERIFIED in page
    verification = verification_of(db, resident)
    assert verification.resident is True and verification.community_id == other.id
    event = db.execute(select(AuditEvent).where(AuditEvent.action == "community.eid")
                       .execution_options(all_communities=True)).scalar_one()
    assert event.community_id == other.id and SECRET not in event.details
    assert json.loads(event.details)["issuer"] == own.issuer


def test_eid_check_names_each_client_and_the_callbacks_to_register(own_client, db):
    portal, platform, own, other = own_client
    with joined_transaction(portal, db.get_bind()):
        runner = portal.test_cli_runner()
        community = runner.invoke(args=["eid", "check", "--community", other.code])
        shared = runner.invoke(args=["eid", "check"])
        unknown = runner.invoke(args=["eid", "check", "--community", "UA00000000000000000"])
    assert community.exit_code == 0, community.output
    assert community.output == (
        f"e-ID provider {own.issuer} (the community's own client kozyatyn-own): "
        f"client_secret_post is supported; the iss of authorization responses (RFC 9207) is "
        f"not advertised.\nRedirect URI to register: {OWN_CALLBACK}\n")
    assert shared.output.endswith(f"Redirect URI to register: {CALLBACK}\n")
    assert OWN_CALLBACK not in shared.output
    assert unknown.exit_code == 1 and "There is no active community UA00000000000000000" \
        in unknown.output


@pytest.mark.parametrize("arguments, words", [
    (["--issuer", "ftp://idp.example", "--client-id", "x", "--client-secret", "s"],
     "Видавець e-ID має бути адресою надавача https://."),
    (["--issuer", "https://idp.example", "--client-id", "x", "--auth-method", "private_key_jwt"],
     "Ці налаштування e-ID не можуть працювати: OIDC_CLIENT_AUTH_METHOD private_key_jwt needs "
     "a PEM private key"),
    (["--issuer", "https://idp.example", "--client-id", "x"],
     "OIDC_CLIENT_AUTH_METHOD client_secret_basic needs OIDC_CLIENT_SECRET."),
])
def test_settings_a_community_client_cannot_work_with_are_refused_and_nothing_changes(
        own_client, db, arguments, words):
    portal, platform, own, other = own_client
    with joined_transaction(portal, db.get_bind()):
        answer = portal.test_cli_runner().invoke(args=["eid", "set", other.code, *arguments])
    assert answer.exit_code == 1 and words in answer.output
    db.refresh(other)
    assert json.loads(other.eid_settings)["OIDC_ISSUER"] == own.issuer


def test_off_hands_the_community_back_to_the_platforms_client(own_client, db, resident):
    portal, platform, own, other = own_client
    with joined_transaction(portal, db.get_bind()):
        answer = portal.test_cli_runner().invoke(args=["eid", "off", other.code])
    assert answer.exit_code == 0
    assert answer.output == f"Community {other.code} has no e-ID client of its own; the " \
        "platform's serves it.\n"
    forget()
    with signed_in(portal, db, resident) as client:
        assert client.get("/kozyatyn/verify/eid").location.startswith(platform.issuer + "/")


def test_the_platforms_own_pages_offer_no_eid_sign_in(own_client, portals, db):
    """With two communities and no default, the platform's host has no community whose
    residence an e-ID sign-in could settle: its login page offers none, each community's
    offers its own."""
    portal, platform, own, other = own_client
    no_default = portals(platform, DEFAULT_COMMUNITY="")
    forget()
    with joined_transaction(no_default, db.get_bind()):
        client = no_default.test_client()
        platform_login = client.get("/login").get_data(as_text=True)
        community_login = client.get("/kozyatyn/login").get_data(as_text=True)
        start = client.get("/verify/eid/sign-in")
    assert "BankID" not in platform_login and "Увійти" in platform_login
    assert 'href="/kozyatyn/verify/eid/sign-in' in community_login
    assert start.status_code == 404


def test_a_community_s_administrator_sees_which_client_signs_its_residents_in(
        own_client, db, make_user):
    portal, platform, own, other = own_client
    with scope.inside(other.id):
        theirs = make_user(Role.ADMIN)
    ours = make_user(Role.ADMIN)
    with signed_in(portal, db, theirs) as client:
        page = client.get("/kozyatyn/admin/community/").get_data(as_text=True)
    assert (f"Громада має власний клієнт e-ID: kozyatyn-own у {own.issuer}. Її мешканці входять "
            f"через нього.") in page
    assert SECRET not in page
    with signed_in(portal, db, ours) as client:
        page = client.get("/admin/community/").get_data(as_text=True)
    assert "Мешканці громади входять через спільний клієнт e-ID платформи." in page
