"""In a real browser, the whole way from an idea to a public decision: an author submits a
project with three cost lines and a photo (driven by the submission test's helpers), staff
record the expertise, a commission member holds a meeting and admits the project, and the
public page shows the decision with its vote and the protocol. Screenshots are saved under
tests/artifacts/review/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.cycles.models import Cycle
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus
from portal.review import services
from tests.e2e.steps import fits_in_width
from tests.e2e.test_submission import photo_file, submit_project
from tests.factories.accounts import make_user
from tests.factories.review import seat_commission

pytestmark = pytest.mark.e2e


def test_a_submitted_project_is_reviewed_admitted_and_shown_with_the_decision(
        live_server, submission, browser_context, shoot, log_in, tmp_path):
    url, seeded = live_server.url, submission
    with live_server.session() as session:
        admin = make_user(session, Role.ADMIN, name="Адміністратор")
        staff_email = make_user(session, Role.STAFF, name="Петро Програмний").email
        member = make_user(session, Role.COMMISSION, name="Марія Комісійна")
        seat_commission(session, session.get(Cycle, seeded.cycle_id), admin, users=[member])
        member_email = member.email
        follower_email = make_user(session, name="Ольга Небайдужа").email

    author = browser_context().new_page()
    log_in(author, seeded.author_email)
    project_id = submit_project(author, url, seeded.cycle_id,
                                title="Дитячий майданчик у дворі на вулиці Миру",
                                photo=photo_file(tmp_path))

    # Staff: the expertise starts from the author's three lines; the installation costs more.
    staff = browser_context().new_page()
    log_in(staff, staff_email)
    staff.get_by_role("link", name="Експертиза").first.click()
    staff.locator("main").get_by_role("link", name=seeded.cycle_name).click()
    staff.get_by_role("link", name="Внести експертизу").first.click()
    assert [staff.input_value(f"input[name=items-{n}-name]") for n in range(4)] == [
        "Ігровий комплекс", "Гумове покриття", "Доставка і монтаж", ""]
    staff.fill("input[name=department]", "Управління житлово-комунального господарства")
    staff.check("input[name=feasible][value=yes]")
    staff.fill("textarea[name=conclusion]", "Реалізація можлива; монтаж дорожчий за кошторис.")
    staff.fill("input[name='items-2-unit_price']", "20 000")
    shoot(staff, "expertise-form")
    staff.get_by_role("button", name="Внести експертизу").click()
    expect(staff.locator(".flash-success")).to_contain_text("Експертизу внесено.")

    # A resident follows the project from its page.
    follower = browser_context().new_page()
    log_in(follower, follower_email)
    follower.goto(f"{url}/projects/{project_id}")
    follower.get_by_role("button", name="Стежити").click()
    expect(follower.locator(".flash-success")).to_contain_text("Тепер ви стежите")
    expect(follower.get_by_role("button", name="Ви стежите · не стежити")).to_be_visible()
    follower.set_viewport_size({"width": 390, "height": 844})
    assert fits_in_width(follower, 390) <= 390
    shoot(follower, "project-followed-phone")
    follower.set_viewport_size({"width": 1280, "height": 900})

    # The commission: a meeting with five of nine present, the project on the agenda.
    commission = browser_context().new_page()
    log_in(commission, member_email)
    commission.get_by_role("link", name="Комісія").first.click()
    commission.locator("main").get_by_role("link", name=seeded.cycle_name).first.click()
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
    shoot(commission, "decision-form")
    commission.get_by_role("button", name="Внести рішення").click()
    expect(commission.locator(".flash-success")).to_contain_text("автора повідомлено")
    shoot(commission, "meeting")

    # Anyone: the project's page shows the decision, the vote and the adjusted estimate.
    visitor = browser_context().new_page()
    visitor.goto(f"{url}/projects/{project_id}")
    review = visitor.locator("section.review")
    expect(review).to_contain_text("Допущено до голосування")
    expect(review).to_contain_text("за — 5, проти — 0, утрималися — 0")
    expect(review).to_contain_text("192\u00a0675,00\u00a0грн")  # 98 500 + 74 175 + 20 000
    expect(visitor.locator("img[alt^='Фото']")).to_have_count(1)
    shoot(visitor, "public-project")
    review.get_by_role("link", name="засідання № 1").first.click()
    visitor.get_by_role("link", name="Протокол (версія для друку)").click()
    expect(visitor.locator("main.protocol")).to_contain_text("ВИРІШИЛИ:")
    expect(visitor.locator("main.protocol")).to_contain_text("ПРОТОКОЛ № 1")
    shoot(visitor, "protocol")

    # The follower is told: the count in the header, the notice in the list, and a mail.
    follower.goto(f"{url}/")
    expect(follower.locator(".account-nav .count")).to_have_text("1")
    follower.get_by_role("link", name="Сповіщення").click()
    notice = follower.locator("ul.notices li").first
    expect(notice).to_contain_text("Комісія ухвалила рішення щодо проєкту «Дитячий майданчик у "
                                   "дворі на вулиці Миру»: допущено до голосування.")
    shoot(follower, "notices")
    follower.set_viewport_size({"width": 390, "height": 844})
    assert fits_in_width(follower, 390) <= 390
    shoot(follower, "notices-phone")
    follower.set_viewport_size({"width": 1280, "height": 900})
    follower.get_by_role("link", name="Про що й як вас повідомляти").click()
    expect(follower.get_by_label("Рішення комісії щодо проєкту, за яким ви стежите")
           ).to_have_value("immediate")
    shoot(follower, "notice-settings")
    follower.set_viewport_size({"width": 390, "height": 844})
    assert fits_in_width(follower, 390) <= 390
    shoot(follower, "notice-settings-phone")
    follower.set_viewport_size({"width": 1280, "height": 900})
    follower.go_back()
    notice.get_by_role("link").click()
    expect(follower).to_have_url(f"{url}/projects/{project_id}")
    expect(follower.locator(".account-nav .count")).to_have_count(0)
    letters = [m.read_text() for m in live_server.outbox.glob("*.eml")
               if follower_email in m.read_text()]
    assert len(letters) == 1 and "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in letters[0]

    with live_server.session() as session:
        project = session.get(Project, project_id)
        assert project.status is ProjectStatus.ADMITTED
        assert services.latest_expertise(session, project).adjusted_total == 192_675_00
    mails = list(live_server.outbox.glob("*.eml"))
    assert any(seeded.author_email in m.read_text() for m in mails)
