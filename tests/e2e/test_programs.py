"""In a browser: approved winners become funding lines, a payment and a status are recorded,
and the annual report shows them.

On the live server: a staff account, a published program whose measure 1.2 funds a cycle,
and that cycle's three approved winners. Screenshots of each step go to
tests/artifacts/programs/.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.clock import utcnow
from portal.programs.models import Financing, FundingLine
from portal.programs.winners import link_cycle
from portal.projects.rules import ProjectStatus
from tests.e2e.steps import fits_in_width
from tests.factories.accounts import make_user
from tests.factories.cycles import make_cycle
from tests.factories.programs import make_program
from tests.factories.projects import make_project

pytestmark = pytest.mark.e2e

WINNERS = (("Сквер біля бібліотеки на вулиці Шевченка", 150_000_00, 48.5961, 37.9992),
           ("Дитячий майданчик на вулиці Миру", 250_000_00, 48.6012, 38.0105),
           ("Велодоріжка вздовж ставка", 100_000_00, 48.5893, 37.9871))


@pytest.fixture
def scene(live_server) -> dict:
    """The program, its measure 1.2 linked to a cycle with three winners, and staff."""
    with live_server.session() as session:
        staff = make_user(session, Role.STAFF, name="Петро Програмний")
        admin = make_user(session, Role.ADMIN, name="Адміністраторка")
        cycle = make_cycle(session, admin)
        year = cycle.budget_year
        program, measures = make_program(session, code="e2e", start=year - 1, end=year + 1)
        for title, cost, lat, lon in WINNERS:
            make_project(session, cycle, admin, status=ProjectStatus.WINNER, title=title,
                         cost=cost, latitude=lat, longitude=lon)
        make_project(session, cycle, admin, status=ProjectStatus.NOT_SELECTED,
                     title="Фонтан у парку")
        link_cycle(session, actor=admin, cycle=cycle, measure=measures["1.2"], now=utcnow())
        ids = {"program": program.id, "measure": measures["1.2"].id, "year": year,
               "staff": staff.email}
    return ids


def test_winners_become_lines_a_payment_and_a_status_reach_the_report(
        live_server, scene, page, shoot, log_in):
    base, ids = live_server.url, scene
    log_in(page, ids["staff"])

    # Approved winners are public from the approval on, before any money is planned.
    page.goto(f"{base}/implementation/")
    assert "Фонтан у парку" not in page.inner_text("table.progress-table")
    for title, *_ in WINNERS:  # other tests' winners may share the live server's list
        row = page.locator("tbody tr", has_text=title)
        assert row.locator(".badge").inner_text() == "Заплановано"
        assert "ще не профінансовано" in row.inner_text()
    shoot(page, "winners-planned-before-funding")

    page.goto(f"{base}/staff/programs/measures/{ids['measure']}")
    shoot(page, "measure-linked-cycle")
    page.click("button:has-text('Перетворити затверджених переможців на рядки фінансування')")
    page.wait_for_selector(".flash-success")
    assert "3 переможці стали рядками фінансування" in page.inner_text(".flashes")
    for title, _cost, _lat, _lon in WINNERS:
        assert title in page.inner_text("main")
    shoot(page, "winners-as-lines")

    row = page.locator("tr", has_text=WINNERS[0][0])
    row.get_by_role("link", name="платежі").click()
    page.fill("input[name=paid_on]", f"{ids['year']}-05-14")
    page.fill("input[name=amount]", "120 000,00")
    page.fill("input[name=document]", "платіжне доручення № 125")
    page.click("button:has-text('Записати платіж')")
    page.wait_for_selector(".flash-success")
    assert "120\u00a0000,00\u00a0грн" in page.inner_text("main")
    shoot(page, "payment-recorded")

    page.click("a:has-text('Реалізація: стан, виконання, новини')")
    page.select_option("select[name=status]", "in_progress")
    page.fill("input[name=progress]", "40")
    page.fill("input[name=tender_number]", f"UA-{ids['year']}-04-02-000125-a")
    page.click("button:has-text('Зберегти стан')")
    page.wait_for_selector(".flash-success")
    shoot(page, "status-saved")

    page.goto(f"{base}/implementation/")
    table = page.inner_text("table.progress-table")
    assert WINNERS[0][0] in table and "Виконується" in table and "40 %" in table
    page.wait_for_selector("#project-map[data-loaded]")  # other tests' winners share it
    assert int(page.get_attribute("#project-map", "data-loaded")) >= len(WINNERS)
    shoot(page, "public-progress")
    page.get_by_role("link", name=WINNERS[0][0]).click()
    assert "UA-" in page.inner_text("main") and "40 %" in page.inner_text("main")
    shoot(page, "winner-page")
    page.set_viewport_size({"width": 390, "height": 844})
    assert fits_in_width(page, 390) <= 390
    shoot(page, "winner-page-phone")
    page.goto(f"{base}/implementation/")
    assert fits_in_width(page, 390) <= 390
    shoot(page, "public-progress-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{base}/programs/{ids['program']}/reports/{ids['year']}/annual")
    report = page.inner_text("article.report-view")
    # Measure 1.2 carries the three winners: 150 000 + 250 000 + 100 000 грн = 500,0 thousand.
    row = page.locator("tr", has_text="1.2. Бюджет участі")
    assert row.locator("td").nth(3).inner_text().startswith("500,0")
    assert row.locator("td").nth(4).inner_text().startswith("120,0")
    assert row.locator("td").nth(5).inner_text() == "24"  # a whole percentage: "24"
    assert "3 переможці" in report and "реалізовано 0 проектів" in report
    shoot(page, "annual-report")
    # The worker makes the file: the first click shows a page that waits, which asks again
    # by itself (Refresh, no script) and then gets the file.
    with page.expect_download() as download:
        page.click("a:has-text('DOCX')")
        page.wait_for_selector("text=Файл готується")
        shoot(page, "file-being-prepared")
    assert download.value.suggested_filename == f"e2e-annual-{ids['year']}.docx"

    with live_server.session() as session:
        # Only this scene's measure: other browser tests share the live server's database.
        payments = session.scalars(select(Financing).join(FundingLine).where(
            FundingLine.measure_id == ids["measure"])).all()
        assert [(p.paid_on, p.amount) for p in payments] == [
            (date(ids["year"], 5, 14), 120_000_00)]
