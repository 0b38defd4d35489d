"""The front in a browser at 1280 and 390 px: the home page names the open vote with its
deadline and leads a verified resident to the ballot in one click; the cycle page shows
its action and its project cards with photos; a winner's page follows it to the money and
the photos of its implementation.

Screenshots go to tests/artifacts/front/.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from PIL import Image
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.clock import utcnow
from portal.cycles.rules import Phase
from portal.implementation import services as implementation
from portal.implementation.funding import fund_winners
from portal.implementation.rules import ImplementationStatus
from portal.programs import funding
from portal.programs.winners import link_cycle
from portal.projects.models import Attachment
from portal.projects.rules import ProjectStatus
from portal.uploads import AttachmentKind, DiskStore, check_upload
from tests.factories.accounts import make_user
from tests.factories.cycles import make_cycle
from tests.factories.programs import make_program
from tests.factories.projects import make_project
from tests.factories.voting import make_voting_cycle

pytestmark = pytest.mark.e2e

MAX = 1024 * 1024
WIDTHS = (1280, 390)


def picture(colour: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (640, 400), colour)
    for x in range(0, 640, 40):  # a little structure, so the photo reads as one
        image.paste((255, 255, 255), (x, 300, x + 20, 320))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def front(live_server):
    """A vote open now (budget year 2031, so the home page lists it first) with two
    admitted projects, one with a photo; a past cycle whose winner is funded and in
    progress with a photo update; a verified voter's e-mail."""
    store = DiskStore(live_server.instance / "uploads", max_bytes=MAX)
    with live_server.session() as session:
        admin = make_user(session, Role.ADMIN)
        author = make_user(session, name="Марія Авторка")
        voter = make_user(session, name="Петро Виборець", verified=True,
                          secret=live_server.person_key_secret)
        vote = make_voting_cycle(session, admin, name="Бюджет участі-2031 (фронт)",
                                 budget_year=2031)
        projects = [make_project(session, vote, author, status=ProjectStatus.ADMITTED,
                                 title=title, cost=cost)
                    for title, cost in (("Ліхтарі в парку Перемоги", 240_000_00),
                                        ("Пандус до бібліотеки", 85_000_00))]
        past = make_cycle(session, admin, phase=Phase.RESULTS, name="Бюджет участі (фронт)")
        winner = make_project(session, past, author, status=ProjectStatus.WINNER,
                              title="Спортивний майданчик біля школи № 7", cost=480_000_00)
        for project, colour in ((projects[0], (40, 90, 150)), (winner, (60, 140, 70))):
            photo = check_upload(picture(colour), "photo.jpg", max_bytes=MAX)
            session.add(Attachment(project=project, kind=AttachmentKind.PHOTO,
                                   original_name="photo.jpg", stored_name=store.save(photo),
                                   content_type=photo.type.content_type, size=photo.size,
                                   sha256=photo.sha256, uploaded_at=utcnow()))
        _program, measures = make_program(session, code="front-program",
                                          start=past.budget_year - 1, end=past.budget_year + 1)
        link_cycle(session, actor=admin, cycle=past, measure=measures["1.2"], now=utcnow())
        (line,) = fund_winners(session, cycle=past, actor=admin, now=utcnow())
        funding.record_payment(session, actor=None, line=line,
                               paid_on=date(line.year, 4, 20), amount=300_000_00,
                               document="п/д 41", now=utcnow())
        implementation.set_status(session, actor=admin, line=line, progress=60, reason="",
                                  status=ImplementationStatus.IN_PROGRESS, tender_number="",
                                  now=utcnow())
        implementation.post_update(
            session, actor=admin, line=line, posted_on=utcnow().date() - timedelta(days=3),
            text="Підрядник уклав покриття й встановив тренажери.",
            photos=[check_upload(picture((170, 110, 50)), "works.jpg", max_bytes=MAX)],
            store=store, today=utcnow().date(), now=utcnow())
        found = {"vote": vote.id, "projects": [p.id for p in projects], "winner": winner.id,
                 "voter": voter.email, "vote_name": vote.name, "line": line.id}
    return found


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def sized(request, browser_context):
    """A page of the width the test is run at, and that width."""
    width = request.param
    return browser_context(viewport={"width": width, "height": 900}).new_page(), width


def test_home_names_the_open_vote_and_a_verified_resident_reaches_the_ballot_in_one_click(
        live_server, front, sized, shoot, log_in):
    page, width = sized
    page.goto(live_server.url + "/")
    card = page.locator("li.cycle-now", has_text=front["vote_name"])
    expect(card).to_contain_text("Голосування")
    expect(card).to_contain_text("ще 7 днів")
    expect(card.get_by_role("link", name="Увійдіть, щоб проголосувати")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Останнє з реалізації проєктів")
    shoot(page, f"home-anonymous-{width}")
    log_in(page, front["voter"])
    page.goto(live_server.url + "/")
    card = page.locator("li.cycle-now", has_text=front["vote_name"])
    card.get_by_role("link", name="Проголосувати").click()
    expect(page).to_have_url(f"{live_server.url}/voting/{front['vote']}/ballot")
    shoot(page, f"home-to-ballot-{width}")


def test_the_cycle_page_shows_its_action_and_cards_with_photos(
        live_server, front, sized, shoot):
    page, width = sized
    page.goto(f"{live_server.url}/cycles/{front['vote']}")
    expect(page.locator(".cycle-now")).to_contain_text("Голосування")
    cards = page.locator(".project-card")
    expect(cards).to_have_count(2)
    expect(cards.first.locator("img.card-photo")).to_be_visible()
    expect(cards.first).to_contain_text("240 000,00 грн")
    expect(cards.first).to_contain_text("Допущено до голосування")
    # Every card fits the screen: nothing is cut off on a phone.
    box = cards.first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    shoot(page, f"cycle-{width}")


def test_project_pages_show_the_way_to_the_vote_and_a_winner_s_implementation(
        live_server, front, sized, shoot):
    page, width = sized
    page.goto(f"{live_server.url}/projects/{front['projects'][0]}")
    expect(page.locator("main")).to_contain_text("Проголосувати за цей проєкт")
    shoot(page, f"project-on-ballot-{width}")
    page.goto(f"{live_server.url}/projects/{front['winner']}")
    after = page.locator(".timeline-after")
    expect(after).to_contain_text("Фінансування")
    expect(after).to_contain_text("сплачено 300 000,00 грн")
    expect(after).to_contain_text("Підрядник уклав покриття")
    photo = after.locator("img")
    photo.scroll_into_view_if_needed()  # it loads lazily
    expect(photo).to_have_js_property("complete", True)
    assert photo.evaluate("image => image.naturalWidth") > 0  # the photo is served
    shoot(page, f"project-winner-{width}")
