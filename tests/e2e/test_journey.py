"""The resident's journey in a browser, at 1280 and at 390 px.

A newcomer finds the open vote on the home page, reads the cycle and a project, is asked
to log in, registers instead and confirms by the mailed link; a verifier verifies the
account at the service centre's desk; the resident then goes from the home page to the
ballot, opens a project's details, ticks, reviews, casts and keeps the receipt. The vote
closes, the commission approves the count, the winners are funded and staff publish an
update with a photo; the resident finds the results with their chart, the ballot on the
board by the receipt's code, and the winner's implementation page with the update.

Screenshots of every step go to tests/artifacts/journey/, named by step and width.
"""

from __future__ import annotations

import io
import re
import uuid

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import Role
from portal.clock import kyiv_today, utcnow
from portal.cycles.models import Cycle
from portal.identity.rules import make_rnokpp
from portal.implementation.funding import fund_winners
from portal.programs.models import FundingLine
from portal.programs.winners import link_cycle
from portal.projects.rules import ProjectStatus
from portal.results import tallies
from portal.voting import context
from portal.voting import services as voting
from portal.voting.rules import Choice
from tests.e2e.steps import make_verifier, photo, register_and_confirm, verify_at_desk
from tests.factories.accounts import make_user
from tests.factories.programs import make_program
from tests.factories.projects import make_project
from tests.factories.review import held_meeting, seat_commission
from tests.factories.voting import close_voting, make_voting_cycle

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-walk-along-the-bakhmutka-9"
#: Title, cost, summary: the first two win (3 and 2 votes), the third ties on 2 votes with
#: the second, was registered later and no longer fits the 1 000 000 грн pot.
PROJECTS = (
    ("Сквер біля школи № 5", 450_000_00,
     "Лавки, освітлення й молоді липи на пустирі між школою та зупинкою."),
    ("Велодоріжка вздовж річки Бахмутки", 280_000_00,
     "Два кілометри доріжки з розміткою від мосту до стадіону."),
    ("Сенсорна кімната в дитсадку № 9", 600_000_00,
     "Світлові панелі, м’які модулі й звукова стіна для дітей з особливими потребами."),
)
#: The other residents' ballots, by index into PROJECTS; the journey's resident adds (0, 1).
OTHER_BALLOTS = ((0, 2), (1, 2), (0,))


def jpeg(colour: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", (640, 400), colour)
    for x in range(0, 640, 64):  # a fence in front of the site
        image.paste((230, 230, 230), (x, 280, x + 12, 400))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@pytest.fixture
def snap(shoot):
    """``shoot`` after every lazy image of the page has loaded, so that a full-page
    screenshot shows the photos below the fold as a reader scrolling down sees them."""

    def save(page, name: str):
        page.evaluate("""() => Promise.all([...document.images].map(image => {
            image.loading = "eager";
            return image.complete ? null : new Promise(done => {
                image.addEventListener("load", done); image.addEventListener("error", done);
            });
        }))""")
        return shoot(page, name)

    return save


@pytest.fixture(scope="module")
def verifier(live_server) -> str:
    return make_verifier(live_server, "journey.cnap@example.org", PASSWORD)


@pytest.fixture
def vote(live_server) -> dict:
    """A vote open for a week in budget year 2032 (first on the home page), three admitted
    projects with photos and summaries, and three other residents' ballots cast."""
    with live_server.session() as session:
        admin = make_user(session, Role.ADMIN, name="Адміністраторка")
        author = make_user(session, name="Марта Авторка")
        cycle = make_voting_cycle(session, admin, votes_per_voter=2, budget_year=2032,
                                  name=f"Бюджет участі-2032 ({uuid.uuid4().hex[:4]})")
        projects = [make_project(session, cycle, author, status=ProjectStatus.ADMITTED,
                                 title=title, cost=cost) for title, cost, _ in PROJECTS]
        for project, (_title, _cost, summary) in zip(projects, PROJECTS, strict=True):
            project.summary = summary
        for project, colour in zip(projects, ((64, 128, 80), (60, 100, 160), (170, 110, 60)),
                                   strict=True):
            session.add(photo(live_server, project.id, colour))
        session.flush()
        for chosen in OTHER_BALLOTS:
            voter = make_user(session, verified=True, secret=live_server.person_key_secret)
            voting.cast_ballot(session, sheet=context.sheet_of(session, cycle),
                               voter=context.online_voter(session, voter),
                               choices=[Choice(projects[i].category_id, projects[i].id)
                                        for i in chosen],
                               secret=live_server.person_key_secret, now=utcnow())
        found = {"cycle": cycle.id, "name": cycle.name, "projects": [p.id for p in projects]}
    return found


def close_and_approve(live_server, cycle_id: int, winner_id: int, width: int
                      ) -> tuple[int, str]:
    """Close the vote, count it, approve the count at a meeting of the commission (signed
    with the live server's own audit key), fund the winners; the funding line of
    ``winner_id`` and a staff member's e-mail."""
    key = live_server.audit_key
    with live_server.session() as session:
        cycle = session.get(Cycle, cycle_id)
        close_voting(session, cycle)
        commission = make_user(session, Role.COMMISSION)
        seat_commission(session, cycle, commission, size=5)
        meeting = held_meeting(session, cycle, commission, present=3)
        tally = tallies.compute_tally(session, cycle=cycle, actor=commission, now=utcnow())
        tallies.approve_tally(session, tally=tally, meeting=meeting, votes=(3, 0, 0),
                              actor=commission, audit_key=key, now=utcnow())
        admin = make_user(session, Role.ADMIN)
        _program, measures = make_program(session, code=f"journey-{width}",
                                          start=cycle.budget_year - 1,
                                          end=cycle.budget_year + 1)
        link_cycle(session, actor=admin, cycle=cycle, measure=measures["1.2"], now=utcnow())
        fund_winners(session, cycle=cycle, actor=admin, now=utcnow())
        staff = make_user(session, Role.STAFF, name="Петро Програмний")
        found = (session.scalars(select(FundingLine.id)
                                 .where(FundingLine.project_id == winner_id)).one(),
                 staff.email)
    return found


@pytest.mark.parametrize("width", [1280, 390])
def test_a_newcomer_registers_votes_and_follows_the_vote_to_its_implementation(
        live_server, vote, verifier, browser_context, snap, log_in, width):
    base = live_server.url
    email = f"journey.{width}.{uuid.uuid4().hex[:6]}@example.org"
    name = f"Ганна Мешканка {width}"
    size = {"viewport": {"width": width, "height": 900}}
    page = browser_context(**size).new_page()

    # Home: the vote is named with its phase, deadline and action.
    page.goto(base + "/")
    card = page.locator("li.cycle-now", has_text=vote["name"])
    expect(card).to_contain_text("Голосування")
    expect(card.get_by_role("link", name="Увійдіть, щоб проголосувати")).to_be_visible()
    snap(page, f"home-{width}")
    card.get_by_role("link", name=vote["name"]).click()

    # The cycle: its action and the project cards.
    expect(page.get_by_role("heading", level=1)).to_contain_text(vote["name"])
    cards = page.locator(".project-card")
    expect(cards).to_have_count(3)
    box = cards.first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width  # nothing cut off
    snap(page, f"cycle-{width}")
    page.locator(".project-card", has_text=PROJECTS[1][0]).get_by_role(
        "link", name=PROJECTS[1][0]).click()

    # A project: the way to the vote, which asks a visitor to log in.
    expect(page.get_by_role("heading", level=1)).to_have_text(PROJECTS[1][0])
    expect(page.locator("main")).to_contain_text("Проголосувати за цей проєкт")
    snap(page, f"project-{width}")
    page.locator(".cycle-now").get_by_role("link", name="Увійдіть, щоб проголосувати").click()
    expect(page).to_have_url(re.compile(r"/login\?next=/voting/\d+/ballot"))
    snap(page, f"login-{width}")

    # No account yet: register, confirm by mail, log in.
    page.locator("main").get_by_role("link", name="Зареєструватися").click()
    register_and_confirm(live_server, page, snap, name=name, email=email, password=PASSWORD,
                         suffix=f"-{width}")
    log_in(page, email, PASSWORD)
    page.goto(base + "/")
    card = page.locator("li.cycle-now", has_text=vote["name"])
    expect(card.get_by_role("link", name="Пройдіть верифікацію, щоб проголосувати")).to_be_visible()
    snap(page, f"home-unverified-{width}")

    # Verified in person at the service centre.
    desk = browser_context(**size).new_page()
    log_in(desk, verifier, PASSWORD)
    verify_at_desk(desk, snap, name=name, email=email,
                   rnokpp=make_rnokpp(f"27{width:04d}{uuid.uuid4().int % 1000:03d}"),
                   birth_date="1986-03-14", district="Забахмутка", suffix=f"-{width}")

    # Home → the cycle's action → the ballot.
    page.goto(base + "/")
    card = page.locator("li.cycle-now", has_text=vote["name"])
    card.get_by_role("link", name="Проголосувати").click()
    expect(page).to_have_url(f"{base}/voting/{vote['cycle']}/ballot")
    expect(page.locator("h1")).to_contain_text("Бюлетень")
    boxes = [page.locator(f"input[value$=':{pid}']") for pid in vote["projects"]]
    boxes[0].check()
    item = page.locator("li", has=boxes[0])
    item.locator("summary").click()
    details = item.locator(".ballot-details-body")
    expect(details).to_contain_text(PROJECTS[0][2])
    expect(details).to_contain_text("450\u00a0000,00\u00a0грн")
    expect(item.locator(".ballot-photos img")).to_be_visible()
    expect(boxes[0]).to_be_checked()
    boxes[1].check()
    expect(page.locator(".ballot-totals").first).to_contain_text("залишилося голосів: 0")
    snap(page, f"ballot-{width}")

    # Review, then the irreversible cast, then the receipt.
    page.get_by_role("button", name="Перевірити вибір").click()
    main = page.locator("main")
    expect(main).to_contain_text("Ви голосуєте за:")
    expect(main).to_contain_text(PROJECTS[0][0])
    expect(main).to_contain_text(PROJECTS[1][0])
    expect(main).not_to_contain_text(PROJECTS[2][0])
    snap(page, f"review-{width}")
    page.get_by_role("button", name="Проголосувати").click()
    expect(page.locator("h1")).to_contain_text("Мій бюлетень")
    code = page.locator("#receipt-code code").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", code)
    expect(page.locator(".next-steps")).to_contain_text("результати мають бути оголошені")
    snap(page, f"receipt-{width}")

    # The vote closes; the commission approves; staff publish an update of the first winner.
    line_id, staff_email = close_and_approve(live_server, vote["cycle"],
                                              vote["projects"][0], width)
    staff = browser_context(**size).new_page()
    log_in(staff, staff_email)
    staff.goto(f"{base}/staff/implementation/{line_id}")
    staff.get_by_label("Стан", exact=True).select_option(label="Виконується")
    staff.get_by_label("Виконання, %").fill("40")
    staff.get_by_role("button", name="Зберегти стан").click()
    expect(staff.locator(".flash-success")).to_be_visible()
    staff.get_by_label("Дата").fill(kyiv_today().isoformat())
    staff.get_by_label("Що відбулося").fill("Підрядник висадив липи й встановив лавки.")
    staff.get_by_label("Фото (JPEG, PNG або WebP)").set_input_files(
        {"name": "site.jpg", "mimeType": "image/jpeg", "buffer": jpeg((90, 140, 70))})
    staff.get_by_role("button", name="Оприлюднити").click()
    expect(staff.locator(".flash-success")).to_be_visible()
    snap(staff, f"staff-update-{width}")

    # Results with their chart, from the cycle's page.
    page.goto(f"{base}/cycles/{vote['cycle']}")
    page.get_by_role("link", name="Результати голосування").click()
    expect(page).to_have_url(f"{base}/voting/{vote['cycle']}/results")
    results = page.locator("main")
    expect(results).to_contain_text("Остаточний результат.")
    # The chart of votes per category, server-rendered SVG.
    chart = page.locator("figure.vote-chart svg")
    expect(chart.first).to_be_visible()
    assert chart.first.bounding_box()["width"] <= width
    snap(page, f"results-{width}")

    # The ballot on the board, found by the receipt's code.
    page.goto(f"{base}/cycles/{vote['cycle']}")
    page.get_by_role("link", name="Дошка бюлетенів").click()
    page.get_by_label("Знайти свій бюлетень за кодом квитанції").fill(code)
    page.locator("main").get_by_role("button", name="Знайти").click()
    expect(page.locator(".found-ballot")).to_contain_text("Ваш бюлетень є на дошці")
    snap(page, f"board-{width}")

    # The winner's page leads to its implementation page, which shows the update.
    page.goto(f"{base}/voting/{vote['cycle']}/results")
    page.locator("main").get_by_role("link", name=PROJECTS[0][0]).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROJECTS[0][0])
    snap(page, f"winner-{width}")
    page.locator("main a[href*='/implementation/']").first.click()
    expect(page.locator("main")).to_contain_text("Підрядник висадив липи й встановив лавки.")
    expect(page.locator("main")).to_contain_text("Виконується")
    update_photo = page.locator("main img[src*='/implementation/photos/']").first
    update_photo.scroll_into_view_if_needed()
    expect(update_photo).to_have_js_property("complete", True)
    assert update_photo.evaluate("image => image.naturalWidth") > 0
    snap(page, f"implementation-{width}")
