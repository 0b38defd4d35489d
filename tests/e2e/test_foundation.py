"""The foundation in a browser: a resident registers, confirms the e-mail from the outbox,
logs in, and a verifier at the service centre verifies the account in person."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.accounts import services as accounts
from portal.clock import utcnow
from portal.demo.accounts import load_districts
from portal.identity.rules import make_rnokpp

pytestmark = pytest.mark.e2e

RESIDENT_EMAIL = "oksana.resident@example.org"
RESIDENT_PASSWORD = "walks-by-the-river-at-dawn-7"
VERIFIER_EMAIL = "ihor.cnap@example.org"
VERIFIER_PASSWORD = "service-centre-window-number-4"


@pytest.fixture
def verifier(live_server):
    """A confirmed account given the verifier role through the command line."""
    with live_server.session() as session:
        load_districts(session)
        user = accounts.register(session, email=VERIFIER_EMAIL, password=VERIFIER_PASSWORD,
                                 display_name="Ігор ЦНАП", locale="uk", now=utcnow())
        user.email_confirmed_at = utcnow()
    output = live_server.cli("users", "grant", VERIFIER_EMAIL, "verifier")
    assert "verifier granted" in output
    return VERIFIER_EMAIL


def test_a_resident_registers_confirms_and_is_verified_at_the_desk(
        live_server, verifier, browser_context, shoot, log_in):
    url = live_server.url
    resident = browser_context().new_page()

    resident.goto(url + "/register")
    expect(resident.get_by_role("heading", level=1)).to_have_text("Реєстрація")
    resident.get_by_label("Ім’я").fill("Оксана Мешканка")
    resident.get_by_label("Електронна пошта").fill(RESIDENT_EMAIL)
    resident.get_by_label("Пароль", exact=True).fill(RESIDENT_PASSWORD)
    resident.get_by_label("Пароль ще раз").fill(RESIDENT_PASSWORD)
    shoot(resident, "register")
    resident.locator("main").get_by_role("button", name="Зареєструватися").click()
    expect(resident.locator(".flash-success")).to_contain_text(RESIDENT_EMAIL)
    shoot(resident, "registered-unconfirmed")

    # Registering logs nobody in (a taken address must get the same answer).
    expect(resident.get_by_role("button", name="Вийти")).to_have_count(0)
    link = live_server.link_in_mail(RESIDENT_EMAIL, r"/confirm/\S+")
    resident.goto(link)
    expect(resident.locator(".flash-success")).to_have_text("Вашу електронну пошту підтверджено.")
    log_in(resident, RESIDENT_EMAIL, RESIDENT_PASSWORD)  # through the form
    resident.goto(url + "/profile")
    expect(resident.locator("#verification-h + p .badge")).to_have_text("Не верифіковано")
    expect(resident.get_by_text("підтверджено", exact=True)).to_be_visible()
    shoot(resident, "profile-not-verified")

    desk = browser_context().new_page()
    log_in(desk, verifier, VERIFIER_PASSWORD)
    desk.get_by_role("link", name="Робоче місце верифікатора").click()
    desk.get_by_label("Електронна пошта облікового запису").fill(RESIDENT_EMAIL)
    shoot(desk, "desk-find")
    desk.locator("main").get_by_role("button", name="Знайти").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Оксана Мешканка")
    desk.get_by_label("Номер", exact=True).fill(make_rnokpp("298765432"))
    desk.get_by_label("Дата народження").fill("1986-03-14")
    desk.get_by_label("Район").select_option(label="Забахмутка")
    desk.get_by_label("Я перевірив(-ла) оригінал документа").check()
    shoot(desk, "desk-verify")
    desk.get_by_role("button", name="Підтвердити верифікацію").click()
    expect(desk.locator(".flash-success")).to_contain_text("Оксана Мешканка")
    expect(desk.locator("table")).to_contain_text("Оксана Мешканка")
    shoot(desk, "desk-done")

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
