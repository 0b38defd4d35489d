"""The results page in a browser at 1280 and 390 px: the rule in words, a chart per
category, the money line, names linked to project pages, participation in percent, the
Equal Shares explanation; on a phone every value of a table is on screen under its
column's name.

Screenshots go to tests/artifacts/results/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.clock import utcnow
from portal.results import tallies
from tests.factories.results import make_shares_vote
from tests.factories.voting import make_vote

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def counted(live_server) -> tuple[int, int]:
    """An approved greedy vote and a counted Equal Shares vote, on the live server."""
    with live_server.session() as session:
        cycle, _projects, commission, meeting, _voters = make_vote(session)
        tally = tallies.compute_tally(session, cycle=cycle, actor=None, now=utcnow())
        tallies.approve_tally(session, tally=tally, meeting=meeting, votes=(3, 0, 0),
                              actor=commission, audit_key=live_server.audit_key,
                              now=utcnow())
        shares_cycle, _projects, _tally = make_shares_vote(
            session, secret=live_server.person_key_secret, name="Бюджет участі: рівні частки")
        found = cycle.id, shares_cycle.id
    return found


def every_cell_on_screen(page, width: int) -> None:
    """No cell of a table is cut off or pushed past the right edge of the screen."""
    cut = page.evaluate("""width => [...document.querySelectorAll(
            'main table tbody td, main table tbody th')]
        .filter(cell => cell.offsetParent !== null)
        .filter(cell => { const box = cell.getBoundingClientRect();
                          return box.right > width + 0.5
                              || cell.scrollWidth > cell.clientWidth + 1; })
        .map(cell => cell.textContent.trim())""", width)
    assert cut == []


def results_says(page, url: str, *words: str):
    """Open the results at ``url`` and expect each of ``words`` in its main part."""
    page.goto(url)
    main = page.locator("main")
    for said in words:
        expect(main).to_contain_text(said)
    return main


def test_an_approved_result_reads_on_a_desktop_and_on_a_phone(
        live_server, counted, browser_context, shoot):
    cycle_id, _shares = counted
    url = f"{live_server.url}/voting/{cycle_id}/results"
    page = browser_context(java_script_enabled=False).new_page()
    main = results_says(page, url, "Остаточний результат.",
                        "Як визначено переможців: за кількістю голосів",
                        "Використано 1 000 000,00 грн із 1 000 000,00 грн (100,0 %)")
    expect(main).not_to_contain_text("greedy")
    expect(main).not_to_contain_text("оновлю")
    chart = page.get_by_role("img", name="Голоси за проєкти: Загальноміські")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] > 500
    shoot(page, "approved-1280")
    page.locator("table.results a").first.click()
    expect(page).to_have_url(f"{live_server.url}/projects/" + page.url.rsplit("/", 1)[-1])
    expect(page.locator("h1")).to_be_visible()

    phone = browser_context(java_script_enabled=False, viewport=PHONE).new_page()
    phone.goto(url)
    chart = phone.get_by_role("img", name="Голоси за проєкти: Загальноміські")
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    every_cell_on_screen(phone, PHONE["width"])
    labels = phone.evaluate("""() => document.querySelector('table.results tbody tr')
        .querySelectorAll('[data-label]').length""")
    assert labels == 5
    cost = phone.locator("table.results td[data-label='Вартість']").first
    expect(cost).to_be_visible()
    assert "Вартість" in cost.evaluate("cell => getComputedStyle(cell, '::before').content")
    shoot(phone, "approved-390")


def test_equal_shares_is_explained_and_compared_on_a_phone(
        live_server, counted, browser_context, shoot):
    _greedy, cycle_id = counted
    url = f"{live_server.url}/voting/{cycle_id}/results"
    page = browser_context().new_page()
    results_says(page, url, "Попередній результат.",
                 "Як метод рівних часток обрав цих переможців",
                 "Чому програли проєкти, які мали більше голосів", "дав би інших переможців")
    shoot(page, "equal-shares-1280")
    phone = browser_context(viewport=PHONE).new_page()
    results_says(phone, url, "Скільки кожен переможець коштував своїм прихильникам")
    every_cell_on_screen(phone, PHONE["width"])
    shoot(phone, "equal-shares-390")
