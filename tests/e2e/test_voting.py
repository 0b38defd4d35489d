"""Voting in a browser: a verified resident opens a project's details on the ballot, ticks,
sees the counters follow and a tick past the limit refused, reviews the choice, casts, and
gets the receipt with what happens next (at 1280 and 390 px, with the ballot's script); and
the same without any script, then after the close finds the ballot on the public board.

Screenshots go to tests/artifacts/voting/.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.cycles.models import Cycle
from portal.projects.rules import ProjectStatus
from tests.e2e.steps import photo
from tests.factories.accounts import make_user
from tests.factories.projects import make_project
from tests.factories.voting import close_voting, make_voting_cycle

pytestmark = pytest.mark.e2e

TITLES = ("Сквер біля школи № 5", "Велодоріжка вздовж річки Бахмутки",
          "Сенсорна кімната в дитсадку № 9")


@pytest.fixture
def election(live_server) -> tuple[int, list[int], str]:
    """A cycle voting now with three admitted projects (the first with a photo), and a
    verified voter's e-mail."""
    with live_server.session() as session:
        author = make_user(session, name="Авторка")
        voter = make_user(session, name="Олена Виборниця", verified=True,
                          birth_date=date(1991, 4, 12), secret=live_server.person_key_secret)
        cycle = make_voting_cycle(session, make_user(session, Role.ADMIN), votes_per_voter=2,
                                  name=f"Бюджет участі-2027 ({uuid.uuid4().hex[:4]})")
        projects = [make_project(session, cycle, author, status=ProjectStatus.ADMITTED,
                                 title=title, cost=cost)
                    for title, cost in zip(TITLES, (45_000_00, 280_000_00, 60_000_00),
                                           strict=True)]
        session.add(photo(live_server, projects[0].id))
        found = cycle.id, [p.id for p in projects], voter.email
    return found


@pytest.mark.parametrize("width", [1280, 390])
def test_a_resident_reviews_and_casts_with_the_ballot_s_script(
        live_server, election, browser_context, shoot, log_in, width):
    base = live_server.url
    cycle_id, project_ids, voter = election
    page = browser_context(viewport={"width": width, "height": 900}).new_page()
    log_in(page, voter)
    page.goto(f"{base}/voting/{cycle_id}/ballot")
    expect(page.locator("h1")).to_contain_text("Бюлетень")
    totals = page.locator(".ballot-totals").first
    expect(totals).to_contain_text("Обрано: 0")
    expect(totals).to_contain_text("залишилося голосів: 2")
    # A project's details open in place, and the ticks stay.
    boxes = [page.locator(f"input[value$=':{pid}']") for pid in project_ids]
    boxes[0].check()
    first = page.locator("li", has=boxes[0])
    first.locator("summary").click()
    expect(first.locator("details")).to_have_attribute("open", "")
    expect(first.locator(".ballot-details-body")).to_contain_text("Короткий опис проєкту.")
    expect(first.locator(".ballot-photos img")).to_be_visible()
    expect(first.get_by_role("link", name=re.compile("Сторінка проєкту"))).to_have_attribute(
        "target", "_blank")
    expect(boxes[0]).to_be_checked()
    expect(totals).to_contain_text("Обрано: 1")
    expect(totals).to_contain_text("залишилося голосів: 1")
    boxes[2].check()
    expect(totals).to_contain_text("залишилося голосів: 0")
    # The third tick is refused on the spot, politely, next to it.
    boxes[1].click()
    expect(boxes[1]).not_to_be_checked()
    refusal = page.locator("li", has=boxes[1]).locator("[data-refusal]")
    expect(refusal).to_contain_text("Ви вже обрали 2 проєкти в цій категорії")
    expect(totals).to_contain_text("Обрано: 2")
    shoot(page, f"ballot-{width}")
    page.get_by_role("button", name="Перевірити вибір").click()
    expect(page.locator("h1")).to_contain_text("Перевірте свій вибір")
    main = page.locator("main")
    expect(main).to_contain_text("Ви голосуєте за:")
    expect(main).to_contain_text(TITLES[0])
    expect(main).to_contain_text(TITLES[2])
    expect(main).not_to_contain_text(TITLES[1])
    expect(main).to_contain_text("2 проєкти · разом 105\u00a0000,00\u00a0грн")
    shoot(page, f"review-{width}")
    # Back to change: the ticks are kept.
    page.get_by_role("button", name="Змінити вибір").click()
    expect(boxes[0]).to_be_checked()
    expect(boxes[2]).to_be_checked()
    expect(boxes[1]).not_to_be_checked()
    page.get_by_role("button", name="Перевірити вибір").click()
    page.get_by_role("button", name="Проголосувати").click()
    expect(page.locator("h1")).to_contain_text("Мій бюлетень")
    code = page.locator("#receipt-code code").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", code)
    expect(page.locator(".next-steps")).to_contain_text("Голосування триває до")
    expect(page.locator(".next-steps")).to_contain_text("результати мають бути оголошені")
    shoot(page, f"receipt-{width}")


def test_a_resident_votes_without_script_and_finds_the_ballot_on_the_board(
        live_server, election, browser_context, shoot, log_in):
    base = live_server.url
    cycle_id, project_ids, voter = election
    # No JavaScript at all: the ballot must work as plain HTML forms.
    page = browser_context(java_script_enabled=False,
                           viewport={"width": 1100, "height": 900}).new_page()
    log_in(page, voter)
    page.goto(f"{base}/voting/")
    page.locator(f"a[href$='/voting/{cycle_id}/ballot']").click()
    expect(page.locator("h1")).to_contain_text("Бюлетень")
    expect(page.locator("main")).to_contain_text("до 2 проєктів")
    page.check(f"input[value$=':{project_ids[0]}']")
    page.locator("main summary").first.click()  # <details> opens without script
    expect(page.locator("main details").first).to_have_attribute("open", "")
    page.check(f"input[value$=':{project_ids[1]}']")
    page.check(f"input[value$=':{project_ids[2]}']")
    # The third tick is the server's to refuse, at the review, as a choice to change.
    page.get_by_role("button", name="Перевірити вибір").click()
    expect(page.locator(".form-errors")).to_contain_text("Перш ніж голосувати, змініть вибір:")
    expect(page.locator("main")).not_to_contain_text("Голос не зараховано")
    shoot(page, "ballot-refused-without-script")
    page.uncheck(f"input[value$=':{project_ids[1]}']")
    page.get_by_role("button", name="Перевірити вибір").click()
    expect(page.locator("main")).to_contain_text("Ви голосуєте за:")
    page.get_by_role("button", name="Проголосувати").click()
    expect(page.locator("h1")).to_contain_text("Мій бюлетень")
    expect(page.locator("main")).to_contain_text("Сквер біля школи № 5")

    with live_server.session() as session:
        close_voting(session, session.get(Cycle, cycle_id))
    page.reload()
    page.get_by_role("link", name="Знайти на дошці бюлетенів").click()
    expect(page.locator(".found-ballot")).to_contain_text("Ваш бюлетень є на дошці")
    shoot(page, "board")
    page.goto(f"{base}/voting/{cycle_id}/results")
    expect(page.locator("main")).to_contain_text("Участь")
    shoot(page, "results")


def test_a_knapsack_ballot_follows_the_money_and_says_why_a_category_is_closed(
        live_server, browser_context, shoot, log_in):
    from portal.community.models import District
    from portal.cycles.rules import BallotType

    with live_server.session() as session:
        home, elsewhere = (District(name=f"Район {n} ({uuid.uuid4().hex[:4]})", position=n)
                           for n in (1, 2))
        session.add_all([home, elsewhere])
        session.flush()
        author = make_user(session, name="Авторка")
        voter = make_user(session, verified=True, district_id=elsewhere.id,
                          secret=live_server.person_key_secret)
        cycle = make_voting_cycle(session, make_user(session, Role.ADMIN), votes_per_voter=0,
                                  ballot_type=BallotType.KNAPSACK, district_id=home.id,
                                  name=f"Бюджет участі-2027 ({uuid.uuid4().hex[:4]})")
        citywide, local = cycle.categories
        projects = [make_project(session, cycle, author, status=ProjectStatus.ADMITTED,
                                 title=title, cost=cost, category=citywide)
                    for title, cost in ((TITLES[0], 600_000_00), (TITLES[1], 500_000_00),
                                        (TITLES[2], 300_000_00))]
        make_project(session, cycle, author, status=ProjectStatus.ADMITTED, category=local,
                     title="Сквер у районі", cost=200_000_00, district_id=home.id)
        cycle_id, ids, email = cycle.id, [p.id for p in projects], voter.email
    page = browser_context(viewport={"width": 390, "height": 900}).new_page()
    log_in(page, email)
    page.goto(f"{live_server.url}/voting/{cycle_id}/ballot")
    expect(page.locator(".ballot-closed")).to_contain_text(
        "за вашою верифікацією ви мешкаєте в іншому районі")
    meter = page.locator("[data-spent-meter]").first
    page.check(f"input[value$=':{ids[0]}']")
    expect(meter).to_have_js_property("value", 60_000_000)
    expect(page.locator("[data-money-left]").first).to_have_text("400\u00a0000,00\u00a0грн")
    page.locator(f"input[value$=':{ids[1]}']").click()  # 600 000 + 500 000 > 1 000 000
    expect(page.locator(f"input[value$=':{ids[1]}']")).not_to_be_checked()
    expect(page.locator("li", has=page.locator(f"input[value$=':{ids[1]}']"))
           .locator("[data-refusal]")).to_contain_text("коштує більше, ніж залишилося")
    page.check(f"input[value$=':{ids[2]}']")
    expect(meter).to_have_js_property("value", 90_000_000)
    shoot(page, "knapsack-390")
    # A visitor is asked to sign in on the ballot itself.
    visitor = browser_context(viewport={"width": 390, "height": 900}).new_page()
    visitor.goto(f"{live_server.url}/voting/{cycle_id}/ballot")
    expect(visitor.locator(".ballot-sign-in")).to_contain_text("Щоб проголосувати, увійдіть.")
    visitor.locator(".ballot-sign-in").get_by_role("link", name="Увійти").click()
    expect(visitor).to_have_url(re.compile(r"/login\?next=/voting/\d+/ballot"))
    visitor.go_back()
    shoot(visitor, "visitor-390")
