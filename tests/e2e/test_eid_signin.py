"""Signing in with e-ID in the browser, against the test OpenID provider.

The portal runs as its own server with e-ID switched on; the provider (``tests.oidc_provider``)
logs its test person in at once, as BankID or Diia would after the person confirmed there.
A first sign-in makes a verified account and asks for an optional e-mail; a second one, on a
phone, opens the same account and goes straight where the person was going; a visitor at a
ballot signs in there and votes in the same visit.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from portal.accounts.models import Role, User
from portal.identity.models import Verification, VerificationMethod
from portal.identity.rules import make_rnokpp
from portal.projects.rules import ProjectStatus
from portal.voting.models import Ballot
from tests.e2e.conftest import LiveServer
from tests.factories.accounts import make_user
from tests.factories.projects import make_project
from tests.factories.voting import make_voting_cycle
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


def test_a_visitor_at_the_ballot_signs_in_with_e_id_and_votes_in_the_same_visit(
        eid_server, provider, browser_context, shoot):
    with eid_server.session() as session:
        cycle = make_voting_cycle(session, make_user(session, Role.ADMIN), votes_per_voter=1,
                                  name="Бюджет участі-2027 (e-ID)")
        author = make_user(session, name="Авторка")
        project = make_project(session, cycle, author, status=ProjectStatus.ADMITTED,
                               title="Лавки в сквері Героїв", cost=40_000_00)
        cycle_id, project_id = cycle.id, project.id
    provider.person = Person(sub="bankid-e2e-0002", claims={
        "drfo_code": make_rnokpp("367890123"), "birthdate": "1996-02-14",
        "given_name": "Тарас", "family_name": "Часовоярський",
        "address": {"formatted": "м. Бахмут, вул. Незалежності, 40", "locality": "Бахмут"},
    })
    page = browser_context(viewport=PHONE).new_page()
    page.goto(f"{eid_server.url}/voting/{cycle_id}/ballot")
    shoot(page, "ballot-as-a-visitor")
    page.get_by_role("link", name="Увійти через BankID / Дія").click()
    page.get_by_role("link", name="Не зараз").click()
    expect(page).to_have_url(re.compile(rf"/voting/{cycle_id}/ballot$"))
    page.locator(f"input[value$=':{project_id}']").check()
    page.get_by_role("button", name="Перевірити вибір").click()
    page.get_by_role("button", name="Проголосувати").click()
    expect(page.locator("h1")).to_contain_text("Мій бюлетень")
    shoot(page, "voted-after-e-id")
    with eid_server.session() as session:
        voter = session.scalars(select(User).where(
            User.display_name == "Тарас Часовоярський")).one()
        assert session.scalar(select(func.count(Ballot.id)).where(
            Ballot.cycle_id == cycle_id, Ballot.user_id == voter.id)) == 1
