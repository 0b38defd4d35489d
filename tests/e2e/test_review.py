"""In a real browser, the whole way from an idea to a public decision: an author submits a
project with three cost lines and a photo (driven by the submission test's helpers), staff
record the expertise, a commission member holds a meeting and admits the project, and the
public page shows the decision with its vote and the protocol. Screenshots are saved under
tests/artifacts/review/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus
from portal.review import services
from tests.e2e.test_submission import (  # noqa: F401  (fixtures are found by name)
    _account,
    log_in,
    photo_file,
    portal_server,
    seed_submission,
    submit_project,
)
from tests.factories.review import seat_commission

pytestmark = pytest.mark.e2e

ARTIFACTS = Path(__file__).resolve().parents[2] / "tests" / "artifacts" / "review"


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _page(chromium):
    return chromium.new_context(locale="uk-UA", timezone_id="Europe/Kyiv",
                               viewport={"width": 1280, "height": 900}).new_page()


def _close(page) -> None:
    """Close a browser context once nothing is loading: a photo request cut off mid-way
    leaves the server's file handle to the garbage collector (a ResourceWarning)."""
    page.wait_for_load_state("networkidle")
    page.context.close()


def test_a_submitted_project_is_reviewed_admitted_and_shown_with_the_decision(
        portal_server, browser, tmp_path):  # noqa: F811  (the imported fixtures)
    server, url = portal_server, portal_server.url
    seeded = seed_submission(server)
    with server.session() as session:
        admin = _account(session, "admin.review@example.org", "Адміністратор", Role.ADMIN)
        _account(session, "staff.review@example.org", "Петро Програмний", Role.STAFF)
        member = _account(session, "commission.review@example.org", "Марія Комісійна",
                          Role.COMMISSION)
        from portal.cycles.models import Cycle

        with server.app.test_request_context("/"):
            seat_commission(session, session.get(Cycle, seeded.cycle_id), admin,
                            users=[member])

    author = _page(browser)
    log_in(author, url, seeded.author_email)
    project_id = submit_project(author, url, seeded.cycle_id,
                                title="Дитячий майданчик у дворі на вулиці Миру",
                                photo=photo_file(tmp_path))
    _close(author)

    # Staff: the expertise starts from the author's three lines; the installation costs more.
    staff = _page(browser)
    log_in(staff, url, "staff.review@example.org")
    staff.get_by_role("link", name="Експертиза").first.click()
    staff.locator("main").get_by_role("link", name="Бюджет участі").first.click()
    staff.get_by_role("link", name="Внести експертизу").first.click()
    assert [staff.input_value(f"input[name=items-{n}-name]") for n in range(4)] == [
        "Ігровий комплекс", "Гумове покриття", "Доставка і монтаж", ""]
    staff.fill("input[name=department]", "Управління житлово-комунального господарства")
    staff.check("input[name=feasible][value=yes]")
    staff.fill("textarea[name=conclusion]", "Реалізація можлива; монтаж дорожчий за кошторис.")
    staff.fill("input[name='items-2-unit_price']", "20 000")
    _shot(staff, "1-expertise-form")
    staff.get_by_role("button", name="Внести експертизу").click()
    expect(staff.locator(".flash-success")).to_contain_text("Експертизу внесено.")
    _close(staff)

    # The commission: a meeting with five of nine present, the project on the agenda.
    commission = _page(browser)
    log_in(commission, url, "commission.review@example.org")
    commission.get_by_role("link", name="Комісія").first.click()
    commission.locator("main").get_by_role("link", name="Бюджет участі").first.click()
    commission.fill("input[name=place]", "Мала зала міської ради")
    commission.get_by_role("button", name="Створити засідання").click()
    boxes = commission.locator("input[name=present]")
    for index in range(5):
        boxes.nth(index).check()
    commission.get_by_role("button", name="Зберегти присутність").click()
    expect(commission.locator(".flash-success")).to_contain_text("присутні 5")
    commission.get_by_label("Проєкт").select_option(str(project_id))
    commission.get_by_role("button", name="Внести до порядку денного").click()
    commission.get_by_role("button", name="Відкрити засідання").click()
    expect(commission.locator(".flash-success")).to_contain_text("Засідання відкрито.")
    commission.get_by_role("link", name="Ухвалити рішення").click()
    commission.check("input[name=choice][value=admit]")
    commission.fill("input[name=votes_for]", "5")
    _shot(commission, "2-decision-form")
    commission.get_by_role("button", name="Внести рішення").click()
    expect(commission.locator(".flash-success")).to_contain_text("автора повідомлено")
    _shot(commission, "3-meeting")
    _close(commission)

    # Anyone: the project's page shows the decision, the vote and the adjusted estimate.
    visitor = _page(browser)
    visitor.goto(f"{url}/projects/{project_id}")
    review = visitor.locator("section.review")
    expect(review).to_contain_text("Допущено до голосування")
    expect(review).to_contain_text("за — 5, проти — 0, утрималися — 0")
    expect(review).to_contain_text("192\u00a0675,00\u00a0грн")  # 98 500 + 74 175 + 20 000
    expect(visitor.locator("img[alt^='Фото']")).to_have_count(1)
    _shot(visitor, "4-public-project")
    review.get_by_role("link", name="засідання № 1").first.click()
    visitor.get_by_role("link", name="Протокол (версія для друку)").click()
    expect(visitor.locator("main.protocol")).to_contain_text("ВИРІШИЛИ:")
    expect(visitor.locator("main.protocol")).to_contain_text("ПРОТОКОЛ № 1")
    _shot(visitor, "5-protocol")
    _close(visitor)

    with server.session() as session:
        project = session.get(Project, project_id)
        assert project.status is ProjectStatus.ADMITTED
        assert services.latest_expertise(session, project).adjusted_total == 192_675_00
    mails = list(Path(server.app.config["MAIL_OUTBOX"]).glob("*.eml"))
    assert any(seeded.author_email in m.read_text() for m in mails)
