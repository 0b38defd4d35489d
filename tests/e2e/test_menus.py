"""The header's menus in the browser: open on a computer, folded behind their buttons on a
phone (with and without script), and the administrator's audit log at both widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from tests.factories.accounts import make_user

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_menus_on_a_computer_and_a_phone(live_server, browser_context, log_in, shoot):
    with live_server.session() as session:
        admin = make_user(session, Role.ADMIN, name="Олена Меню").email
    computer = browser_context().new_page()
    log_in(computer, admin)
    computer.goto(live_server.url + "/admin/audit")
    main_menu = computer.get_by_role("navigation", name="Головне меню")
    office = computer.get_by_role("navigation", name="Кабінет")
    expect(main_menu.get_by_role("link", name="Проєкти", exact=True)).to_be_visible()
    expect(office.get_by_role("link", name="Журнал аудиту")).to_be_visible()
    expect(computer.get_by_text("Меню", exact=True)).to_be_hidden()  # no button needed
    expect(computer.locator("main tbody tr").first).to_be_visible()
    shoot(computer, "audit-log-computer")

    for script in (True, False):
        phone = browser_context(viewport=PHONE, java_script_enabled=script).new_page()
        log_in(phone, admin)
        phone.goto(live_server.url + "/admin/audit")
        projects = phone.get_by_role("navigation", name="Головне меню").get_by_role(
            "link", name="Проєкти", exact=True)
        expect(projects).to_be_hidden()
        expect(phone.get_by_role("button", name="Вийти")).to_be_visible()
        shoot(phone, f"audit-log-phone{'' if script else '-no-script'}")
        phone.locator("summary", has_text="Меню").click()
        expect(projects).to_be_visible()
        phone.locator("summary", has_text="Кабінет").click()
        expect(phone.get_by_role("navigation", name="Кабінет").get_by_role(
            "link", name="Журнал аудиту")).to_be_visible()
        shoot(phone, f"menus-open-phone{'' if script else '-no-script'}")
