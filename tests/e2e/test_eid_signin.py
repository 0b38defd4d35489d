"""Signing in with e-ID in the browser, against the test OpenID provider.

The portal runs as its own server with e-ID switched on; the provider (``tests.oidc_provider``)
logs its test person in at once, as BankID or Diia would after the person confirmed there.
A first sign-in makes a verified account and asks for an optional e-mail; a second one, on a
phone, opens the same account and goes straight where the person was going.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.identity.models import Verification, VerificationMethod
from portal.identity.rules import make_rnokpp
from tests.e2e.conftest import LiveServer
from tests.oidc_provider import OidcProvider, Person

CLIENT_ID, CLIENT_SECRET = "portal-e2e", "portal-e2e-client-secret-0123456789abcdef"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def provider():
    provider = OidcProvider().start()
    provider.person = Person(sub="diia-e2e-0001", claims={
        "drfo_code": make_rnokpp("356789012"),
        "birthdate": "1979-09-30",
        "given_name": "Ганна",
        "family_name": "Соледарська",
        "address": {"formatted": "Донецька обл., м. Бахмут, вул. Сибірцева, 12",
                    "locality": "Бахмут"},
    })
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def eid_server(tmp_path_factory, provider):
    server = LiveServer(tmp_path_factory.mktemp("live-eid"), env={
        "OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
    }).start()
    provider.add_client(CLIENT_ID, CLIENT_SECRET, server.url + "/verify/eid/callback")
    yield server
    server.stop()


def test_a_resident_signs_in_with_e_id_and_is_verified_in_one_visit(
        eid_server, browser_context, shoot):
    page = browser_context().new_page()
    page.goto(eid_server.url + "/login?next=/cycles/")
    shoot(page, "login-with-e-id")
    page.get_by_role("link", name="Увійти через BankID / Дія").click()

    expect(page.get_by_role("heading", name="Ваша електронна пошта")).to_be_visible()
    expect(page.get_by_role("button", name="Вийти")).to_be_visible()
    shoot(page, "asked-for-an-e-mail")
    page.get_by_label("Електронна пошта").fill("hanna.soledarska@example.org")
    page.get_by_role("button", name="Зберегти електронну пошту").click()
    expect(page).to_have_url(re.compile(r"/cycles/$"))
    expect(page.get_by_text("Ми надіслали лист на hanna.soledarska@example.org")).to_be_visible()

    page.goto(eid_server.url + "/profile")
    expect(page.get_by_text("Ганна Соледарська").first).to_be_visible()
    shoot(page, "profile")
    eid_server.latest_mail("hanna.soledarska@example.org")
    with eid_server.session() as session:
        user = session.scalars(select(User).where(
            User.email == "hanna.soledarska@example.org")).one()
        verification = session.scalars(select(Verification).where(
            Verification.user_id == user.id)).one()
        assert verification.method is VerificationMethod.EID and verification.resident
        assert not user.has_password


def test_the_next_sign_in_on_a_phone_opens_the_same_account(
        eid_server, browser_context, shoot):
    page = browser_context(viewport=PHONE).new_page()
    page.goto(eid_server.url + "/login?next=/voting/")
    page.get_by_role("link", name="Увійти через BankID / Дія").click()
    expect(page).to_have_url(re.compile(r"/voting/$"))
    shoot(page, "phone-signed-in")
    page.goto(eid_server.url + "/profile")
    expect(page.get_by_text("hanna.soledarska@example.org")).to_be_visible()
    with eid_server.session() as session:
        assert len(session.scalars(select(User).where(
            User.display_name == "Ганна Соледарська")).all()) == 1
