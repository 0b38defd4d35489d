"""The foundation in a browser: a resident registers, confirms the e-mail from the outbox,
logs in, and a verifier at the service centre verifies the account in person."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.identity.rules import make_rnokpp
from tests.e2e.steps import make_verifier, register_and_confirm, verify_at_desk

pytestmark = pytest.mark.e2e

RESIDENT_EMAIL = "oksana.resident@example.org"
RESIDENT_PASSWORD = "walks-by-the-river-at-dawn-7"
VERIFIER_EMAIL = "ihor.cnap@example.org"
VERIFIER_PASSWORD = "service-centre-window-number-4"


@pytest.fixture
def verifier(live_server):
    return make_verifier(live_server, VERIFIER_EMAIL, VERIFIER_PASSWORD)


def test_a_resident_registers_confirms_and_is_verified_at_the_desk(
        live_server, verifier, browser_context, shoot, log_in):
    url = live_server.url
    resident = browser_context().new_page()

    resident.goto(url + "/register")
    register_and_confirm(live_server, resident, shoot, name="Оксана Мешканка",
                         email=RESIDENT_EMAIL, password=RESIDENT_PASSWORD)
    log_in(resident, RESIDENT_EMAIL, RESIDENT_PASSWORD)  # through the form
    resident.goto(url + "/profile")
    expect(resident.locator("#verification-h + p .badge")).to_have_text("Не верифіковано")
    expect(resident.get_by_text("підтверджено", exact=True)).to_be_visible()
    shoot(resident, "profile-not-verified")

    desk = browser_context().new_page()
    log_in(desk, verifier, VERIFIER_PASSWORD)
    verify_at_desk(desk, shoot, name="Оксана Мешканка", email=RESIDENT_EMAIL,
                   rnokpp=make_rnokpp("298765432"), birth_date="1986-03-14",
                   district="Забахмутка")

    resident.reload()
    badge = resident.locator("#verification-h + p .badge")
    expect(badge).to_have_text("Верифіковано")
    expect(resident.locator("main")).to_contain_text("Район: Забахмутка")
    expect(resident.locator("main")).not_to_contain_text(make_rnokpp("298765432"))
    shoot(resident, "profile-verified")
    resident.set_viewport_size({"width": 390, "height": 844})  # a phone
    expect(badge).to_be_visible()
    shoot(resident, "profile-verified-phone")
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/profile", resident.url)
