"""In a real browser: staff record the expertise of a submitted project, a commission member
holds a meeting and admits it, and the public page shows the decision with its vote.

The project's submission through the editor (three cost lines and a photo) is driven by
tests/e2e/test_submission.py; this test starts from such a project. Screenshots are saved
under tests/artifacts/.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal import create_app
from portal.accounts import services as accounts
from portal.accounts.models import Role
from portal.clock import utcnow
from portal.cycles.rules import Phase
from portal.projects.models import CostItem
from portal.projects.rules import ProjectStatus, line_total
from portal.review import services
from tests.conftest import PASSWORD, ROOT, prepare_database
from tests.cycles_factory import make_cycle, make_project
from tests.review_factories import seat_commission

pytestmark = pytest.mark.e2e

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
LINES = (("Лавка паркова", "4", "шт.", 12_500_00), ("Урна", "4", "шт.", 2_500_00),
         ("Монтаж", "1", "послуга", 15_000_00))


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The portal served on a free port of 127.0.0.1, on its own SQLite database."""
    folder = tmp_path_factory.mktemp("e2e-review")
    url = f"sqlite:///{folder / 'portal.sqlite3'}"
    prepare_database(url)
    app = create_app("testing", {"DATABASE_URL": url, "FAST_PASSWORD_HASHES": True,
                                 "MAIL_OUTBOX": str(folder / "outbox")})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["portal.db"].engine.dispose()


def _user(session, email: str, name: str, *roles: Role):
    user = accounts.register(session, email=email, password=PASSWORD, display_name=name,
                             locale="uk", now=utcnow())
    user.email_confirmed_at = utcnow()
    for role in roles:
        accounts.grant_role(session, user=user, role=role, actor=None, now=utcnow())
    return user


@pytest.fixture(scope="module")
def scene(live):
    """A cycle under review with a commission of nine and an author's submitted project."""
    app, _base = live
    with app.test_request_context("/"):
        session = app.extensions["portal.db"].sessionmaker()
        admin = _user(session, "admin@e2e.test", "Олена Адміністраторка", Role.ADMIN)
        _user(session, "staff@e2e.test", "Петро Програмний", Role.STAFF)
        member = _user(session, "commission@e2e.test", "Марія Комісійна", Role.COMMISSION)
        author = _user(session, "author@e2e.test", "Оксана Авторка")
        cycle = make_cycle(session, admin, phase=Phase.REVIEW)
        seat_commission(session, cycle, admin, users=[member])
        project = make_project(session, cycle, author, status=ProjectStatus.SUBMITTED,
                               title="Сквер біля школи № 5")
        project.cost_items.clear()
        session.flush()
        for position, (name, quantity, unit, price) in enumerate(LINES, start=1):
            project.cost_items.append(CostItem(
                position=position, name=name, quantity=Decimal(quantity), unit=unit,
                unit_price=price, total=line_total(Decimal(quantity), price)))
        project.total_cost = sum(i.total for i in project.cost_items)
        session.commit()
        ids = {"cycle": cycle.id, "project": project.id}
        session.close()
    return ids


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"review-{name}.png"), full_page=True)


def _log_in(browser, base: str, email: str):
    context = browser.new_context(locale="uk-UA")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Увійти").click()
    page.wait_for_load_state()
    return context, page


def test_staff_review_a_project_and_the_commission_admits_it_in_public(live, scene, browser):
    app, base = live
    project_id, cycle_id = scene["project"], scene["cycle"]

    # Staff: the expertise, starting from the author's three lines.
    context, page = _log_in(browser, base, "staff@e2e.test")
    page.get_by_role("link", name="Експертиза").first.click()
    page.locator("main").get_by_role("link", name="Бюджет участі").first.click()
    page.get_by_role("link", name="Внести експертизу").first.click()
    assert [page.input_value(f"input[name=items-{n}-name]") for n in range(4)] == [
        "Лавка паркова", "Урна", "Монтаж", ""]
    page.fill("input[name=department]", "Управління житлово-комунального господарства")
    page.check("input[name=feasible][value=yes]")
    page.fill("textarea[name=conclusion]", "Реалізація можлива; монтаж дорожчий за кошторис.")
    page.fill("input[name='items-2-unit_price']", "18 000")
    _shot(page, "1-expertise-form")
    page.get_by_role("button", name="Внести експертизу").click()
    assert "Експертизу внесено." in page.content()
    context.close()

    # The commission: a meeting with five of nine present, the project on the agenda.
    context, page = _log_in(browser, base, "commission@e2e.test")
    page.goto(f"{base}/commission/cycles/{cycle_id}")
    page.fill("input[name=place]", "Мала зала міської ради")
    page.get_by_role("button", name="Створити засідання").click()
    boxes = page.locator("input[name=present]")
    for index in range(5):
        boxes.nth(index).check()
    page.get_by_role("button", name="Зберегти присутність").click()
    assert "присутні 5" in page.content()
    page.get_by_label("Проєкт").select_option(str(project_id))
    page.get_by_role("button", name="Внести до порядку денного").click()
    page.get_by_role("button", name="Відкрити засідання").click()
    assert "Засідання відкрито." in page.content()
    page.get_by_role("link", name="Ухвалити рішення").click()
    page.check("input[name=choice][value=admit]")
    page.fill("input[name=votes_for]", "5")
    _shot(page, "2-decision-form")
    page.get_by_role("button", name="Внести рішення").click()
    assert "Рішення внесено, автора повідомлено." in page.content()
    _shot(page, "3-meeting")
    context.close()

    # Anyone: the project's page shows the decision, the vote and the adjusted estimate.
    context = browser.new_context(locale="uk-UA")
    page = context.new_page()
    page.goto(f"{base}/projects/{project_id}")
    review = page.locator("section.review")
    assert "Допущено до голосування" in review.inner_text()
    assert "за — 5, проти — 0, утрималися — 0" in review.inner_text()
    assert "78\u00a0000,00\u00a0грн" in review.inner_text()  # 50 000 + 10 000 + 18 000
    _shot(page, "4-public-project")
    page.get_by_role("link", name="засідання № 1", exact=False).first.click()
    page.get_by_role("link", name="Протокол (версія для друку)").click()
    assert "ПРОТОКОЛ № 1" in page.content() and "ВИРІШИЛИ:" in page.content()
    _shot(page, "5-protocol")
    context.close()

    with app.app_context():
        session = app.extensions["portal.db"].sessionmaker()
        from portal.projects.models import Project

        project = session.get(Project, project_id)
        assert project.status is ProjectStatus.ADMITTED
        assert services.latest_expertise(session, project).adjusted_total == 78_000_00
        session.close()
    mails = list(Path(app.config["MAIL_OUTBOX"]).glob("*.eml"))
    assert any("author@e2e.test" in m.read_text() for m in mails)
