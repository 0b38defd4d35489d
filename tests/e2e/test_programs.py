"""In a browser: approved winners become funding lines, a payment and a status are recorded,
and the annual report shows them.

The portal runs on a live server (127.0.0.1, a free port) over its own SQLite database,
prepared with a staff account, a published program whose measure 1.2 funds a cycle, and
that cycle's three approved winners. Screenshots of each step go to tests/artifacts/.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from portal import create_app
from portal.accounts import passwords
from portal.accounts.models import Role, User, UserRole
from portal.clock import utcnow
from portal.db import make_engine
from portal.migrate import upgrade
from portal.programs.winners import link_cycle
from portal.projects.rules import ProjectStatus
from tests.conftest import PASSWORD
from tests.factories.cycles import make_cycle
from tests.factories.programs import make_program
from tests.factories.projects import make_project

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
WINNERS = (("Сквер біля школи № 5", 150_000_00, 48.5961, 37.9992),
           ("Дитячий майданчик на вулиці Миру", 250_000_00, 48.6012, 38.0105),
           ("Велодоріжка вздовж ставка", 100_000_00, 48.5893, 37.9871))


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """A live portal with the scene loaded; yields its base URL and the ids it needs."""
    folder = tmp_path_factory.mktemp("e2e-programs")
    url = f"sqlite:///{folder / 'portal.sqlite3'}"
    engine = make_engine(url)
    with engine.begin() as connection:
        upgrade(connection)
    engine.dispose()
    app = create_app("testing", {"DATABASE_URL": url, "FAST_PASSWORD_HASHES": True,
                                 "UPLOAD_FOLDER": str(folder / "uploads")})
    session = app.extensions["portal.db"].sessionmaker()
    with app.test_request_context("/"):
        now = utcnow()
        staff = User(email="staff@e2e.example.org", display_name="Петро Програмний",
                     password_hash=passwords.hash_password(PASSWORD), locale="uk",
                     created_at=now, email_confirmed_at=now)
        staff.role_grants += [UserRole(role=Role.RESIDENT, granted_at=now),
                              UserRole(role=Role.STAFF, granted_at=now)]
        admin = User(email="admin@e2e.example.org", display_name="Адміністраторка",
                     password_hash="-", created_at=now)
        session.add_all([staff, admin])
        session.flush()
        cycle = make_cycle(session, admin)
        year = cycle.budget_year
        program, measures = make_program(session, code="e2e", start=year - 1, end=year + 1)
        for title, cost, lat, lon in WINNERS:
            make_project(session, cycle, admin, status=ProjectStatus.WINNER, title=title,
                         cost=cost, latitude=lat, longitude=lon)
        make_project(session, cycle, admin, status=ProjectStatus.NOT_SELECTED,
                     title="Фонтан у парку")
        link_cycle(session, actor=admin, cycle=cycle, measure=measures["1.2"], now=now)
        session.commit()
        ids = {"program": program.id, "measure": measures["1.2"].id, "year": year}
    session.close()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", ids, app
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["portal.db"].engine.dispose()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"programs-{name}.png"), full_page=True)


def test_winners_become_lines_a_payment_and_a_status_reach_the_report(portal, browser):
    base, ids, app = portal
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="uk-UA")
    page.goto(f"{base}/login")
    page.fill("input[name=email]", "staff@e2e.example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]:has-text('Увійти')")
    page.wait_for_url(f"{base}/**")

    page.goto(f"{base}/staff/programs/measures/{ids['measure']}")
    shot(page, "1-measure-linked-cycle")
    page.click("button:has-text('Перетворити затверджених переможців на рядки фінансування')")
    page.wait_for_selector(".flash-success")
    assert "3 переможці стали рядками фінансування" in page.inner_text(".flashes")
    for title, _cost, _lat, _lon in WINNERS:
        assert title in page.inner_text("main")
    shot(page, "2-winners-as-lines")

    row = page.locator("tr", has_text=WINNERS[0][0])
    row.get_by_role("link", name="платежі").click()
    page.fill("input[name=paid_on]", f"{ids['year']}-05-14")
    page.fill("input[name=amount]", "120 000,00")
    page.fill("input[name=document]", "платіжне доручення № 125")
    page.click("button:has-text('Записати платіж')")
    page.wait_for_selector(".flash-success")
    assert "120\u00a0000,00\u00a0грн" in page.inner_text("main")
    shot(page, "3-payment-recorded")

    page.click("a:has-text('Реалізація: стан, виконання, новини')")
    page.select_option("select[name=status]", "in_progress")
    page.fill("input[name=progress]", "40")
    page.fill("input[name=tender_number]", f"UA-{ids['year']}-04-02-000125-a")
    page.click("button:has-text('Зберегти стан')")
    page.wait_for_selector(".flash-success")
    shot(page, "4-status-saved")

    page.goto(f"{base}/implementation/")
    table = page.inner_text("table.progress-table")
    assert WINNERS[0][0] in table and "Виконується" in table and "40 %" in table
    page.wait_for_selector("#project-map[data-loaded='3']")
    shot(page, "5-public-progress")

    page.goto(f"{base}/programs/{ids['program']}/reports/{ids['year']}/annual")
    report = page.inner_text("article.report-view")
    # Measure 1.2 carries the three winners: 150 000 + 250 000 + 100 000 грн = 500,0 thousand.
    row = page.locator("tr", has_text="1.2. Бюджет участі")
    assert row.locator("td").nth(3).inner_text().startswith("500,0")
    assert row.locator("td").nth(4).inner_text().startswith("120,0")
    assert row.locator("td").nth(5).inner_text() == "24,0"
    assert "3 переможці" in report and "реалізовано 0 проектів" in report
    shot(page, "6-annual-report")
    with page.expect_download() as download:
        page.click("a:has-text('DOCX')")
    assert download.value.suggested_filename == f"e2e-annual-{ids['year']}.docx"
    page.close()

    with app.app_context():
        from portal.db import db_session
        from portal.programs.models import Financing

        payments = db_session().scalars(select(Financing)).all()
        assert [(p.paid_on, p.amount) for p in payments] == [
            (date(ids["year"], 5, 14), 120_000_00)]
