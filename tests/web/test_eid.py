"""e-ID over OpenID Connect, against a live OpenID provider started by the tests.

The portal's test client starts the login, the provider is called over HTTP at the address
the portal redirected to, and the provider's redirect brings the code back to the portal's
callback, so state, nonce, PKCE, the ID token's signature and userinfo are all exercised
for real. The provider is ``tests/oidc_provider.py``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from sqlalchemy import func, select

from portal import create_app
from portal.accounts.models import Role, User
from portal.identity.models import Verification, VerificationMethod
from portal.identity.rules import make_rnokpp
from tests.conftest import csrf_token, database_dump, joined_transaction, post_form, sign_in
from tests.eid.checks import verified_by_eid
from tests.factories.accounts import verify
from tests.oidc_provider import OidcProvider, Person

CALLBACK = "http://portal.test/verify/eid/callback"
CLIENT_ID, CLIENT_SECRET = "portal-test", "portal-test-client-secret-0123456789"
NUMBER = make_rnokpp("345678901")
VERIFIED = "Ваш обліковий запис верифіковано"
FAILED = "Надавач електронної ідентифікації не підтвердив вашу особу"
NO_RESIDENCE = "Вашу особу верифіковано, але ваше проживання в громаді не встановлено"
MISSING = "Надавач електронної ідентифікації не передав ваш РНОКПП і дату народження"


@pytest.fixture(scope="module")
def provider():
    provider = OidcProvider().start()
    provider.add_client(CLIENT_ID, CLIENT_SECRET, CALLBACK)
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def eid_app(app, provider):
    """The portal with e-ID switched on, against the same database as ``app``."""
    portal = create_app("testing", {
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SERVER_NAME": "portal.test",
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
    })
    yield portal
    portal.extensions["portal.db"].engine.dispose()


@pytest.fixture
def person(provider) -> Person:
    """The person the provider logs in for this test; misbehaviour is reset."""
    provider.person = Person(sub="bankid-0001", claims={
        "drfo_code": NUMBER,
        "birthdate": "1988-04-12",
        "address": {"formatted": "Донецька обл., м. Бахмут, вул. Миру, 5", "locality": "Бахмут"},
    })
    provider.forced_nonce = None
    provider.refusals.clear()
    return provider.person


@pytest.fixture
def resident(make_user):
    return make_user()


@pytest.fixture
def client(eid_app, db, resident):
    """A test client of the e-ID portal, logged in as ``resident``."""
    with joined_transaction(eid_app, db.get_bind()):
        client = eid_app.test_client()
        sign_in(client, resident)
        yield client


def to_provider(client) -> str:
    """Start the login at the portal; the URL of the provider's authorize endpoint."""
    response = client.get("/verify/eid")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.location


def to_portal(authorize_url: str) -> str:
    """Call the provider as the browser would; the portal callback URL it redirects to."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def round_trip(client):
    callback = to_portal(to_provider(client))
    assert callback.startswith(CALLBACK + "?")
    return client.get(callback, follow_redirects=True)


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=urlencode({**query(url), **changes})))


def verification_of(db, user) -> Verification | None:
    return db.execute(select(Verification).where(Verification.user_id == user.id)
                      ).scalar_one_or_none()


def test_the_portal_sends_state_nonce_and_an_s256_code_challenge(client, person, provider):
    params = query(to_provider(client))
    assert params["response_type"] == "code" and params["client_id"] == CLIENT_ID
    assert params["scope"].split() == ["openid", "profile", "address"]
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert len(params["state"]) >= 20 and len(params["nonce"]) >= 20
    assert params["redirect_uri"] == CALLBACK


def test_a_full_round_trip_verifies_the_account_from_the_claims(
        client, db, eid_app, person, resident):
    page = round_trip(client)
    assert VERIFIED in page.get_data(as_text=True)
    verification = verified_by_eid(db, resident, number=NUMBER, birth_date=date(1988, 4, 12),
                                   secret=eid_app.config["PERSON_KEY_SECRET"])
    assert verification.resident is True
    assert NUMBER not in database_dump(db)  # neither the number nor the address is kept
    assert "вул. Миру" not in database_dump(db)


@pytest.mark.parametrize("address, resident_there", [
    ({"formatted": "Київ, вул. Бахмутська, 3", "locality": "Київ"}, False),
    ("м. Київ, вул. Бахмутська, 3", False),
    ("Донецька обл., Бахмутський р-н, с. Опитне, вул. Шкільна, 2", True),
    ("Донецька обл., с. Бахмутівка", False),
    ({"locality": "м. Бахмут"}, True),
])
def test_residence_follows_the_community_localities(client, db, person, resident, address,
                                                    resident_there):
    person.claims["address"] = address
    page = round_trip(client).get_data(as_text=True)
    assert (VERIFIED in page) is resident_there
    assert (NO_RESIDENCE in page) is not resident_there
    assert verification_of(db, resident).resident is resident_there


def test_a_tampered_state_is_refused_and_nothing_is_stored(client, db, person, provider,
                                                          resident):
    callback = to_portal(to_provider(client))
    forged = with_query(callback, state="forged-" + query(callback)["state"][7:])
    page = client.get(forged, follow_redirects=True).get_data(as_text=True)
    assert FAILED in page and VERIFIED not in page
    assert verification_of(db, resident) is None
    # The portal never took the code to the provider.
    assert query(callback)["code"] in provider.codes


def test_the_log_says_why_an_answer_was_refused_and_the_person_reads_only_that_it_was(
        client, person, caplog):
    callback = to_portal(to_provider(client))
    forged = with_query(callback, state="forged-" + query(callback)["state"][7:])
    with caplog.at_level("WARNING", logger="portal"):
        page = client.get(forged, follow_redirects=True).get_data(as_text=True)
    logged = [r.getMessage() for r in caplog.records if r.name == "portal"]
    assert logged == ['e-ID callback refused: eid_failed: <MismatchingStateError '
                      '"mismatching_state">']
    assert FAILED in page and "mismatching_state" not in page


def test_a_callback_without_any_login_started_is_refused(client, db, person, resident):
    page = client.get(CALLBACK + "?code=abc&state=never-issued", follow_redirects=True)
    assert FAILED in page.get_data(as_text=True)
    assert verification_of(db, resident) is None


def test_an_id_token_with_a_replayed_nonce_is_refused(client, db, person, provider, resident):
    earlier = query(to_provider(client))["nonce"]  # a login started and abandoned
    provider.forced_nonce = earlier  # the provider now answers with that login's token
    page = round_trip(client).get_data(as_text=True)
    assert FAILED in page and VERIFIED not in page
    assert verification_of(db, resident) is None


def test_an_id_token_with_a_wrong_nonce_is_refused(client, db, person, provider, resident):
    provider.forced_nonce = "not-the-nonce-of-this-login"
    assert FAILED in round_trip(client).get_data(as_text=True)
    assert verification_of(db, resident) is None


def _pending_code_verifier(client) -> str:
    with client.session_transaction() as session:
        (data,) = [value["data"] for key, value in session.items()
                   if key.startswith("_state_eid_")]
    return data["code_verifier"]


def test_the_provider_refuses_a_wrong_code_verifier(client, db, person, provider, resident):
    callback = to_portal(to_provider(client))
    with client.session_transaction() as session:
        for key in [k for k in session if k.startswith("_state_eid_")]:
            stored = session[key]
            stored["data"]["code_verifier"] = "w" * 64
            session[key] = stored
    page = client.get(callback, follow_redirects=True).get_data(as_text=True)
    assert FAILED in page
    assert verification_of(db, resident) is None
    assert len(provider.refusals) == 1 and "Code challenge failed" in provider.refusals[0]


def test_pkce_is_enforced_by_the_provider_for_the_code(client, person, provider):
    callback = to_portal(to_provider(client))
    code, right = query(callback)["code"], _pending_code_verifier(client)
    token_url = provider.issuer + "/token"

    def exchange(**extra):
        return requests.post(token_url, auth=(CLIENT_ID, CLIENT_SECRET), timeout=10, data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
            **extra})

    wrong = exchange(code_verifier="x" * 43)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    missing = exchange()
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"
    accepted = exchange(code_verifier=right)  # the same code with the portal's verifier
    assert accepted.status_code == 200 and "id_token" in accepted.json()


def test_the_provider_refuses_an_authorization_request_without_pkce(client, person):
    authorize = to_provider(client)
    parts = urlsplit(authorize)
    params = {k: v for k, v in query(authorize).items()
              if k not in ("code_challenge", "code_challenge_method")}
    answer = requests.get(urlunsplit(parts._replace(query=urlencode(params))),
                          allow_redirects=False, timeout=10)
    assert "code=" not in answer.headers.get("Location", "")
    assert query(answer.headers["Location"])["error"] == "invalid_request"


def test_a_person_verified_on_another_account_is_refused_without_naming_it(
        client, db, app, person, resident, make_user):
    other = make_user(email="other-account-holder@example.org", name="Інший Власник")
    verify(db, other, stem="345678901", birth_date=date(1988, 4, 12))
    page = round_trip(client).get_data(as_text=True)
    assert "Цю особу вже верифіковано в іншому обліковому записі" in page
    assert "other-account-holder" not in page and "Інший Власник" not in page
    assert verification_of(db, resident) is None


@pytest.mark.parametrize("change", [
    {"drfo_code": None},
    {"birthdate": None},
    {"drfo_code": "12345"},
    {"birthdate": "not a date"},
])
def test_missing_or_unusable_claims_are_refused(client, db, person, resident, change):
    for name, value in change.items():
        if value is None:
            del person.claims[name]
        else:
            person.claims[name] = value
    page = round_trip(client).get_data(as_text=True)
    assert MISSING in page and VERIFIED not in page
    assert verification_of(db, resident) is None


def test_claim_names_come_from_the_configuration(client, db, eid_app, person, resident,
                                                 monkeypatch):
    person.claims["tax_id"] = person.claims.pop("drfo_code")
    monkeypatch.setitem(eid_app.config, "OIDC_CLAIM_TAX_NUMBER", "tax_id")
    assert VERIFIED in round_trip(client).get_data(as_text=True)
    assert verification_of(db, resident).method is VerificationMethod.EID


def test_an_unreachable_provider_is_a_message_not_an_error(app, db, make_user, caplog):
    portal = create_app("testing", {
        "DATABASE_URL": app.config["DATABASE_URL"], "SERVER_NAME": "portal.test",
        "OIDC_ISSUER": "http://127.0.0.1:9", "OIDC_CLIENT_ID": "x", "OIDC_CLIENT_SECRET": "y",
        "OIDC_TIMEOUT": 2,
    })
    try:
        with joined_transaction(portal, db.get_bind()):
            client = portal.test_client()
            sign_in(client, make_user())
            with caplog.at_level("WARNING", logger="portal"):
                page = client.get("/verify/eid", follow_redirects=True)
    finally:
        portal.extensions["portal.db"].engine.dispose()
    assert page.status_code == 200
    assert "Верифікація через електронну ідентифікацію зараз недоступна" in page.get_data(
        as_text=True)
    logged = [r.getMessage() for r in caplog.records if r.name == "portal"]
    assert len(logged) == 1
    assert logged[0].startswith("e-ID start failed: eid_unavailable: ConnectionError(")


# Signing in with e-ID: one visit signs a resident in and verifies them -------------------

SIGN_IN_BUTTON = "Увійти через BankID / Дія"


@pytest.fixture
def visitor(eid_app, db):
    """A test client of the e-ID portal, signed in as nobody."""
    with joined_transaction(eid_app, db.get_bind()):
        yield eid_app.test_client()


def sign_in_round_trip(client, next_path: str = "/cycles/"):
    response = client.get(f"/verify/eid/sign-in?next={next_path}")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    callback = to_portal(response.location)
    assert callback.startswith(CALLBACK + "?")
    return client.get(callback)


def accounts_of(db, eid_app) -> list[Verification]:
    return list(db.execute(select(Verification)).scalars())


def test_the_login_page_offers_e_id_only_where_it_is_configured(visitor, app):
    assert SIGN_IN_BUTTON in visitor.get("/login?next=/voting/").get_data(as_text=True)
    assert "/verify/eid/sign-in?next=/voting/" in visitor.get("/login?next=/voting/").get_data(
        as_text=True)
    assert SIGN_IN_BUTTON not in app.test_client().get("/login").get_data(as_text=True)


def test_a_first_e_id_sign_in_makes_a_verified_account_and_asks_for_an_e_mail(
        visitor, db, eid_app, person):
    person.claims.update({"given_name": "Оксана", "family_name": "Бахмутська"})
    before = db.execute(select(func.count(User.id))).scalar_one()
    answer = sign_in_round_trip(visitor)
    assert answer.status_code == 302 and answer.location.startswith("/profile/email")
    assert "next=/cycles/" in answer.location
    user = db.execute(select(User).order_by(User.id.desc())).scalars().first()
    assert db.execute(select(func.count(User.id))).scalar_one() == before + 1
    assert user.email is None and user.display_name == "Оксана Бахмутська"
    assert not user.has_password and user.roles == {Role.RESIDENT}
    verification = verified_by_eid(db, user, number=NUMBER, birth_date=date(1988, 4, 12),
                                   secret=eid_app.config["PERSON_KEY_SECRET"])
    assert verification.resident is True
    page = visitor.get(answer.location).get_data(as_text=True)
    assert "Ваша електронна пошта" in page and "Не зараз" in page
    profile = visitor.get("/profile").get_data(as_text=True)
    assert "Оксана Бахмутська" in profile and "Додати електронну пошту" in profile


def test_the_e_mail_given_afterwards_is_kept_and_confirmed_by_link(
        visitor, db, eid_app, person):
    sign_in_round_trip(visitor)
    user = db.execute(select(User).order_by(User.id.desc())).scalars().first()
    outbox = Path(eid_app.config["MAIL_OUTBOX"])
    mails_before = set(outbox.glob("*.eml"))
    answer = post_form(visitor, "/profile/email?next=/cycles/", {"email": "Oksana@Example.org"})
    assert answer.status_code == 302 and answer.location == "/cycles/"
    db.refresh(user)
    assert user.email == "oksana@example.org" and not user.email_confirmed
    new_mail = set(outbox.glob("*.eml")) - mails_before
    assert len(new_mail) == 1 and "oksana@example.org" in new_mail.pop().read_text()


def test_an_e_mail_of_another_account_is_refused_and_nothing_changes(
        visitor, db, person, make_user):
    make_user(email="taken@example.org")
    sign_in_round_trip(visitor)
    user = db.execute(select(User).order_by(User.id.desc())).scalars().first()
    page = post_form(visitor, "/profile/email", {"email": "taken@example.org"})
    assert page.status_code == 200
    assert "Обліковий запис із цією електронною поштою вже існує" in page.get_data(as_text=True)
    db.refresh(user)
    assert user.email is None


def test_a_second_e_id_sign_in_opens_the_same_account(visitor, db, eid_app, person):
    sign_in_round_trip(visitor)
    user = db.execute(select(User).order_by(User.id.desc())).scalars().first()
    count = db.execute(select(func.count(User.id))).scalar_one()
    visitor.post("/logout", data={"csrf_token": csrf_token(visitor, "/profile")})
    answer = sign_in_round_trip(visitor, "/voting/")
    assert answer.status_code == 302 and answer.location == "/voting/"
    assert db.execute(select(func.count(User.id))).scalar_one() == count
    assert "Тестовий" not in visitor.get("/profile").get_data(as_text=True)
    assert user.display_name in visitor.get("/profile").get_data(as_text=True)


def test_a_person_verified_at_the_desk_signs_into_their_own_account(
        visitor, db, person, make_user):
    own = make_user(email="desk-verified@example.org", name="Перевірена На Місці")
    verify(db, own, stem="345678901", birth_date=date(1988, 4, 12))
    answer = sign_in_round_trip(visitor, "/voting/")
    assert answer.status_code == 302 and answer.location == "/voting/"
    assert "desk-verified@example.org" in visitor.get("/profile").get_data(as_text=True)


def test_an_office_account_is_not_opened_by_e_id(visitor, db, person, make_user):
    clerk = make_user(Role.COMMISSION, email="member@example.org")
    verify(db, clerk, stem="345678901", birth_date=date(1988, 4, 12))
    answer = sign_in_round_trip(visitor)
    assert answer.status_code == 302 and answer.location.startswith("/login")
    page = visitor.get(answer.location).get_data(as_text=True)
    assert "увійдіть з його електронною поштою і паролем" in page
    assert visitor.get("/profile").status_code == 302


def test_missing_claims_make_no_account(visitor, db, person):
    person.claims["drfo_code"] = None
    before = db.execute(select(func.count(User.id))).scalar_one()
    answer = sign_in_round_trip(visitor)
    assert answer.location.startswith("/login")
    assert MISSING in visitor.get(answer.location).get_data(as_text=True)
    assert db.execute(select(func.count(User.id))).scalar_one() == before


def test_a_password_account_cannot_move_its_e_mail_here(client, db, resident):
    answer = post_form(client, "/profile/email", {"email": "elsewhere@example.org"},
                       token_from="/profile")
    assert answer.status_code == 302 and answer.location.endswith("/profile")
    db.refresh(resident)
    assert resident.email != "elsewhere@example.org"
