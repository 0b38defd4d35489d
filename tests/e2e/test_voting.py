"""Voting in a browser: a verified resident checks and casts a ballot without any script,
sees the receipt, and after the close finds the ballot on the public bulletin board.

Screenshots go to tests/artifacts/voting/.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.cycles.models import Cycle
from portal.projects.rules import ProjectStatus
from tests.factories.accounts import make_user
from tests.factories.projects import make_project
from tests.factories.voting import close_voting, make_voting_cycle

pytestmark = pytest.mark.e2e

TITLES = ("Сквер біля школи № 5", "Велодоріжка вздовж річки Бахмутки",
          "Сенсорна кімната в дитсадку № 9")


@pytest.fixture
def election(live_server) -> tuple[int, list[int], str]:
    """A cycle voting now with three admitted projects, and a verified voter's e-mail."""
    with live_server.session() as session:
        author = make_user(session, name="Авторка")
        voter = make_user(session, name="Олена Виборниця", verified=True,
                          birth_date=date(1991, 4, 12), secret=live_server.person_key_secret)
        cycle = make_voting_cycle(session, make_user(session, Role.ADMIN), votes_per_voter=2,
                                  name="Бюджет участі-2027")
        projects = [make_project(session, cycle, author, status=ProjectStatus.ADMITTED,
                                 title=title, cost=cost)
                    for title, cost in zip(TITLES, (45_000_00, 280_000_00, 60_000_00),
                                           strict=True)]
        found = cycle.id, [p.id for p in projects], voter.email
    return found


def test_a_resident_votes_gets_a_receipt_and_finds_the_ballot_on_the_board(
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
    page.check(f"input[value$=':{project_ids[2]}']")
    page.get_by_role("button", name="Перевірити вибір").click()
    expect(page.locator(".ballot-totals").first).to_contain_text("залишилося голосів: 0")
    shoot(page, "ballot-checked")
    page.get_by_role("button", name="Проголосувати").click()
    expect(page.locator("h1")).to_contain_text("Мій бюлетень")
    code = page.locator("#receipt-code code").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", code)
    expect(page.locator("main")).to_contain_text("Сквер біля школи № 5")
    shoot(page, "receipt")

    with live_server.session() as session:
        close_voting(session, session.get(Cycle, cycle_id))
    page.reload()
    page.get_by_role("link", name="Знайти на дошці бюлетенів").click()
    expect(page.locator(".found-ballot")).to_contain_text("Ваш бюлетень є на дошці")
    expect(page.locator(".found-ballot")).to_contain_text("2027-001")
    expect(page.locator(".found-ballot")).to_contain_text("2027-003")
    shoot(page, "board")
    page.goto(f"{base}/voting/{cycle_id}/results")
    expect(page.locator("main")).to_contain_text("Участь")
    shoot(page, "results")
