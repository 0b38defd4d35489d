"""Maps in a browser, offline: the tiles are asked for and blocked (``page.route``), and the
map still shows something: the districts' boundaries (the demo's), a marker per project
coloured by status with a legend, and the list of the same projects. The author's place
picker fills the coordinates from a click. At 1280 and 390 px; screenshots go to
tests/artifacts/maps/.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.demo.accounts import load_districts
from portal.projects.rules import ProjectStatus
from tests.factories.accounts import make_user
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project

pytestmark = pytest.mark.e2e

POINTS = (  # district, status, title, latitude, longitude
    ("Центральний", ProjectStatus.WINNER, "Фонтан на площі", "48.5962", "38.0012"),
    ("Ступки", ProjectStatus.ADMITTED, "Майданчик у Ступках", "48.6120", "37.9802"),
    ("Забахмутка", ProjectStatus.ADMITTED, "Пандус до амбулаторії", "48.5860", "38.0141"),
    ("Хромове", ProjectStatus.REJECTED, "Дзеркала безпеки", "48.5826", "37.9915"),
)


@pytest.fixture(scope="module")
def mapped(live_server):
    """The demo's districts with their boundaries, and a cycle of four projects with points."""
    with live_server.session() as session:
        districts = load_districts(session)
        admin = make_user(session, Role.ADMIN, name="Адміністраторка Мап")
        author = make_user(session, name="Авторка Мап", verified=True,
                           secret=live_server.person_key_secret)
        cycle = make_cycle(session, admin, name="Бюджет участі з мапою")
        for district, status, title, lat, lon in POINTS:
            make_project(session, cycle, author, status=status, title=title,
                         district_id=districts[district].id, latitude=Decimal(lat),
                         longitude=Decimal(lon))
        return cycle.id, author.email


@pytest.fixture
def tiles_blocked():
    """Routes each page's tile requests to an abort, counting them."""
    asked = []

    def block(page):
        def refuse(route):
            asked.append(route.request.url)
            route.abort()
        page.route("https://tile.openstreetmap.org/**", refuse)
        return page

    block.asked = asked
    return block


@pytest.mark.parametrize("width", [1280, 390])
def test_the_projects_map_draws_districts_markers_legend_and_list_without_tiles(
        live_server, mapped, browser_context, shoot, tiles_blocked, width):
    cycle_id, _author = mapped
    page = tiles_blocked(browser_context(viewport={"width": width, "height": 900}).new_page())
    page.goto(f"{live_server.url}/projects/map?cycle={cycle_id}")
    the_map = page.locator("#project-map")
    expect(the_map).to_have_attribute("data-loaded", "4")
    expect(the_map).to_have_attribute("data-districts", "5")
    expect(the_map).to_have_attribute("role", "region")
    expect(page.locator("#project-map path.map-district")).to_have_count(5)
    expect(page.locator(".map-district-label", has_text="Ступки")).to_be_visible()
    markers = page.locator("#project-map .leaflet-marker-icon.map-marker")
    expect(markers).to_have_count(4)
    # Colour by status: the two admitted projects share one, the winner and the refused differ.
    tones = sorted(markers.evaluate_all(
        "els => els.map(e => [...e.classList].find(c => c.startsWith('map-tone-')))"))
    assert len(set(tones)) == 3 and len(tones) == 4
    expect(page.locator(".map-legend-item")).to_have_count(3)
    expect(page.locator(".map-legend")).to_contain_text("Переможець")
    expect(page.locator("#project-map-list a")).to_have_count(4)
    assert tiles_blocked.asked, "the default tiles were asked for (and blocked)"
    # Every marker lies within the map's box: the view fits the points.
    box = the_map.bounding_box()
    for marker in markers.all():
        spot = marker.bounding_box()
        assert box["x"] <= spot["x"] and spot["x"] + spot["width"] <= box["x"] + box["width"]
        assert box["y"] <= spot["y"] and spot["y"] + spot["height"] <= box["y"] + box["height"]
    expect(page.get_by_role("button", name="Збільшити")).to_be_visible()  # not "Zoom in"
    markers.first.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup-content a")).to_be_visible()
    expect(page.get_by_role("button", name="Закрити")).to_be_visible()
    shoot(page, f"projects-map-{width}")
    # A project's own map: its point among the same district lines.
    page.locator(".leaflet-popup-content a").click()
    one = page.locator("#project-map")
    expect(one).to_have_attribute("data-districts", "5")
    expect(one).to_have_attribute("role", "region")
    expect(one.locator(".leaflet-marker-icon")).to_have_count(1)
    shoot(page, f"project-page-map-{width}")


def test_without_script_the_map_is_a_list_and_the_empty_map_a_sentence(
        live_server, mapped, browser, shoot):
    cycle_id, _author = mapped
    context = browser.new_context(java_script_enabled=False, locale="uk-UA",
                                  viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/projects/map?cycle={cycle_id}")
        expect(page.locator("#project-map")).to_be_hidden()
        expect(page.locator("#project-map-list a")).to_have_count(4)
        expect(page.locator(".map-legend-item")).to_have_count(3)
        shoot(page, "projects-map-without-script-390")
        page.goto(f"{live_server.url}/projects/map?cycle={cycle_id}&status=withdrawn")
        expect(page.locator(".map-empty")).to_contain_text("ще не має місця на мапі")
        shoot(page, "projects-map-empty-390")
    finally:
        context.close()


def test_the_author_places_the_point_by_clicking_among_the_district_lines(
        live_server, mapped, browser_context, shoot, tiles_blocked, log_in):
    _cycle_id, author = mapped
    page = tiles_blocked(browser_context().new_page())
    log_in(page, author)
    with live_server.session() as session:
        cycle_id = make_cycle(session, make_user(session, Role.ADMIN), name="Подання з мапою").id
    page.goto(f"{live_server.url}/projects/new?cycle={cycle_id}")
    picker = page.locator("#pick-map")
    expect(picker).to_have_attribute("data-districts", "5")
    picker.scroll_into_view_if_needed()
    box = picker.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    latitude = float(page.get_by_label("Широта").input_value())
    longitude = float(page.get_by_label("Довгота").input_value())
    assert 48.57 < latitude < 48.63 and 37.95 < longitude < 38.05
    expect(picker.locator(".leaflet-marker-icon")).to_have_count(1)
    shoot(page, "picker-after-click")
    # Typed coordinates move the marker: the map follows the fields, not only the reverse.
    before = picker.locator(".leaflet-marker-icon").bounding_box()
    page.get_by_label("Широта").fill("48.6042")
    page.get_by_label("Довгота").fill("37.9870")
    page.get_by_label("Довгота").blur()
    expect(picker.locator(".leaflet-marker-icon")).to_have_count(1)
    page.wait_for_timeout(400)  # the pan's animation
    after = picker.locator(".leaflet-marker-icon").bounding_box()
    assert (round(after["x"]), round(after["y"])) != (round(before["x"]), round(before["y"]))
