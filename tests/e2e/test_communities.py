"""The demo's two other communities in a browser, at 1280 and 390 px: Zvenyhorodka's and
Talne's home pages, under their prefixes, name the community and its open cycle; their
results pages tell the approved count (Zvenyhorodka's knapsack vote by Equal Shares, step
by step; Talne's school budget with its minimum of votes), every project link staying in
the community; on a phone nothing scrolls sideways.

Screenshots go to tests/artifacts/communities/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.demo import talne, zvenyhorodka
from portal.demo.communities import TALNE, ZVENYHORODKA
from portal.tenancy import scope
from portal.tenancy.models import Community
from tests.e2e.steps import fits_in_width

pytestmark = pytest.mark.e2e

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
#: slug: (the finished cycle, the one open today, what its results page explains)
SHOWN = {
    ZVENYHORODKA.slug: (zvenyhorodka.FINISHED, zvenyhorodka.open_cycle_name(utcnow()),
                        "Як метод рівних часток обрав цих переможців"),
    TALNE.slug: (talne.FINISHED, talne.open_cycle_name(utcnow()),
                 "менше голосів, ніж мінімум"),
}


@pytest.fixture(scope="module")
def finished(demo_server) -> dict[str, tuple[str, int]]:
    """Each other community's name and the id of its counted cycle, by slug."""
    found = {}
    with demo_server.session() as session:
        for hromada in (ZVENYHORODKA, TALNE):
            community = session.scalars(select(Community)
                                        .where(Community.code == hromada.code)).one()
            with scope.inside(community.id):
                found[hromada.slug] = (community.name, session.scalars(
                    select(Cycle.id).where(Cycle.name == SHOWN[hromada.slug][0])).one())
    return found


def no_sideways_scroll(page, width: int) -> None:
    assert fits_in_width(page, width) <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_the_other_communities_home_and_results_pages(demo_server, browser_context, shoot,
                                                      finished, width):
    size = WIDTHS[width]
    page = browser_context(viewport=size).new_page()
    for slug, (name, cycle_id) in finished.items():
        _finished_name, open_name, explained = SHOWN[slug]
        page.goto(f"{demo_server.url}/{slug}/")
        expect(page.locator("header")).to_contain_text(name)
        expect(page.locator("main")).to_contain_text(open_name)
        no_sideways_scroll(page, size["width"])
        shoot(page, f"{slug}-home-{size['width']}")

        page.goto(f"{demo_server.url}/{slug}/voting/{cycle_id}/results")
        main = page.locator("main")
        expect(main).to_contain_text("Остаточний результат")
        expect(main).to_contain_text(explained)
        links = main.locator("a[href*='/projects/']")
        hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert len(hrefs) > 5 and all(h.startswith(f"/{slug}/projects/") for h in hrefs)
        no_sideways_scroll(page, size["width"])
        shoot(page, f"{slug}-results-{size['width']}")


@pytest.mark.parametrize("width", WIDTHS)
def test_zvenyhorodka_s_projects_on_the_map_and_its_winners_implementation(
        demo_server, browser_context, shoot, finished, width):
    """The youth budget's fourteen projects are points around Zvenyhorodka and Moryntsi
    (no tiles needed: they are refused here), and its nine winners are followed on the
    community's implementation page, in the community's own words and links."""
    size = WIDTHS[width]
    page = browser_context(viewport=size).new_page()
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    _name, cycle_id = finished[ZVENYHORODKA.slug]
    page.goto(f"{demo_server.url}/zvenyhorodka/projects/map?cycle={cycle_id}")
    expect(page.locator("#project-map")).to_have_attribute("data-loaded", "14")
    expect(page.locator("#project-map .leaflet-marker-icon.map-marker")).to_have_count(14)
    no_sideways_scroll(page, size["width"])
    shoot(page, f"zvenyhorodka-map-{size['width']}")

    page.goto(f"{demo_server.url}/zvenyhorodka/implementation/")
    main = page.locator("main")
    expect(main).to_contain_text("Реалізовано")
    hrefs = main.locator("a[href*='/implementation/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith("/zvenyhorodka/") for h in hrefs)
    no_sideways_scroll(page, size["width"])
    shoot(page, f"zvenyhorodka-implementation-{size['width']}")
