"""Steps several browser tests walk: a verifier made through the command line, a resident
registering through the form and confirming by the mailed link, a verification at the
service centre's desk, and a generated photo of a project on the live server."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from contextlib import suppress

from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from portal.accounts import services as accounts
from portal.clock import utcnow
from portal.demo.accounts import load_districts
from portal.projects.models import Attachment
from portal.uploads import AttachmentKind


def make_verifier(live_server, email: str, password: str) -> str:
    """A confirmed account given the verifier role through the command line."""
    with live_server.session() as session:
        load_districts(session)
        user = accounts.register(session, email=email, password=password,
                                 display_name="Ігор ЦНАП", locale="uk", now=utcnow())
        user.email_confirmed_at = utcnow()
    output = live_server.cli("users", "grant", email, "verifier")
    assert "verifier granted" in output
    return email


def register_and_confirm(live_server, page, shoot: Callable, *, name: str, email: str,
                         password: str, suffix: str = "") -> None:
    """Fill the registration form on the page now open, then follow the mailed link."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Реєстрація")
    page.get_by_label("Ім’я").fill(name)
    page.get_by_label("Електронна пошта").fill(email)
    page.get_by_label("Пароль", exact=True).fill(password)
    page.get_by_label("Пароль ще раз").fill(password)
    shoot(page, f"register{suffix}")
    page.locator("main").get_by_role("button", name="Зареєструватися").click()
    expect(page.locator(".flash-success")).to_contain_text(email)
    shoot(page, f"registered-unconfirmed{suffix}")
    # Registering logs nobody in (a taken address must get the same answer).
    expect(page.get_by_role("button", name="Вийти")).to_have_count(0)
    page.goto(live_server.link_in_mail(email, r"/confirm/\S+"))
    expect(page.locator(".flash-success")).to_have_text("Вашу електронну пошту підтверджено.")


def office_link(page, name: str):
    """A link of the office menu, opening the menu first where it is folded (a phone)."""
    link = page.locator(".office-bar").get_by_role("link", name=name)
    # Whether the menu is folded is the stylesheet's call: ask only once the page
    # and its stylesheet have loaded (a page still loading can show the button).
    page.wait_for_load_state("load")
    if not link.is_visible():
        page.locator(".office-bar summary").click()
    return link


def verify_at_desk(desk, shoot: Callable, *, name: str, email: str, rnokpp: str,
                   birth_date: str, district: str, suffix: str = "") -> None:
    """A signed-in verifier finds the account by e-mail and confirms the document."""
    office_link(desk, "Робоче місце верифікатора").click()
    desk.get_by_label("Електронна пошта облікового запису").fill(email)
    shoot(desk, f"desk-find{suffix}")
    desk.locator("main").get_by_role("button", name="Знайти").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(name)
    desk.get_by_label("Номер", exact=True).fill(rnokpp)
    desk.get_by_label("Дата народження").fill(birth_date)
    desk.get_by_label("Район").select_option(label=district)
    desk.get_by_label("Я перевірив(-ла) оригінал документа").check()
    shoot(desk, f"desk-verify{suffix}")
    desk.get_by_role("button", name="Підтвердити верифікацію").click()
    expect(desk.locator(".flash-success")).to_contain_text(name)
    expect(desk.locator("table")).to_contain_text(name)
    shoot(desk, f"desk-done{suffix}")


def photo(live_server, project_id: int, colour=(64, 128, 80)) -> Attachment:
    """A generated photo of the project, stored where the live server keeps uploads."""
    image = Image.new("RGB", (480, 320), colour)
    for x in range(0, 480, 40):
        image.paste((200, 180, 90), (x, 220, x + 20, 320))
    data = io.BytesIO()
    image.save(data, "PNG")
    stored = f"{uuid.uuid4().hex}.png"
    folder = live_server.instance / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored).write_bytes(data.getvalue())
    return Attachment(project_id=project_id, kind=AttachmentKind.PHOTO,
                      original_name="сквер.png", stored_name=stored, content_type="image/png",
                      size=len(data.getvalue()), sha256="0" * 64,
                      uploaded_at=utcnow())


def fits_in_width(page, width: int) -> int:
    """The page's width once its layout has settled at a viewport ``width`` wide: right
    after ``set_viewport_size`` the browser may not have laid the page out again yet, so
    the width is read when it fits (or, after 5 s, as it is)."""
    script = f"document.documentElement.scrollWidth <= {int(width)}"
    with suppress(PlaywrightTimeout):  # the caller's assertion says by how much
        page.wait_for_function(script, timeout=5000)
    return page.evaluate("document.documentElement.scrollWidth")
