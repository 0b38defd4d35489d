"""Sessions in a browser: a resident logged in on a computer and on a phone sees both on the
profile, ends the phone's from the computer, and the phone is sent to the login page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.factories.accounts import PASSWORD, make_user

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844},
         "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                       "(KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"}


def test_the_profile_lists_the_sessions_and_ends_the_other_devices(
        live_server, browser_context, shoot, log_in):
    with live_server.session() as session:
        email = make_user(session, Role.STAFF, name="Марія Сеансова").email
    computer = browser_context().new_page()
    phone = browser_context(**PHONE).new_page()
    log_in(computer, email, PASSWORD)
    log_in(phone, email, PASSWORD)

    computer.goto(live_server.url + "/profile")
    sessions = computer.locator("section[aria-labelledby=sessions-h]")
    expect(sessions.locator("tbody tr")).to_have_count(2)
    expect(sessions.locator("tbody tr", has_text="цей пристрій")).to_have_count(1)
    expect(sessions.locator("tbody tr", has_text="Chrome, Android")).to_have_count(1)
    shoot(computer, "profile-two-sessions")
    phone.goto(live_server.url + "/profile")
    shoot(phone, "profile-on-the-phone")

    computer.get_by_role("button", name="Вийти на інших пристроях").click()
    expect(computer.locator(".flash-success")).to_have_text("Ви вийшли на інших своїх пристроях.")
    expect(sessions.locator("tbody tr")).to_have_count(1)
    expect(computer.get_by_role("button", name="Вийти на інших пристроях")).to_have_count(0)

    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Увійти")
    expect(phone.get_by_role("button", name="Вийти")).to_have_count(0)

    computer.get_by_role("button", name="Вийти всюди, і тут також").click()
    expect(computer.get_by_role("heading", level=1)).to_have_text("Увійти")
    computer.goto(live_server.url + "/profile")
    expect(computer.get_by_role("heading", level=1)).to_have_text("Увійти")
