"""A project's discussion in the browser: a resident comments, the author replies from the
reply form (a phone without script too), a comment reported is hidden by the commission
with a reason and stays in place as "hidden by moderation"; the page at 1280 and 390 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.accounts.models import Role
from portal.discussion.rules import Voice
from portal.projects.rules import ProjectStatus
from tests.factories.accounts import make_user
from tests.factories.cycles import make_cycle
from tests.factories.discussion import make_comment
from tests.factories.projects import make_project

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def test_comment_reply_report_and_hide(live_server, browser_context, log_in, shoot):
    with live_server.session() as session:
        secret = live_server.person_key_secret
        admin = make_user(session, Role.ADMIN)
        author = make_user(session, verified=True, name="Оксана Авторка", secret=secret)
        resident = make_user(session, verified=True, name="Тарас Мешканець", secret=secret)
        neighbour = make_user(session, verified=True, name="Галина Сусідка", secret=secret)
        member = make_user(session, Role.COMMISSION, name="Марко Комісійний")
        staff = make_user(session, Role.STAFF, name="Ірина Департаментська")
        cycle = make_cycle(session, admin)
        project = make_project(session, cycle, author, status=ProjectStatus.SUBMITTED,
                               title="Лавки й ліхтарі у сквері Героїв")
        earlier = make_comment(session, project, neighbour,
                               "Дуже потрібно: увечері там зовсім темно. Схожий проєкт у "
                               "Краматорську: https://example.org/kramatorsk-skver")
        make_comment(session, project, staff, "Вартість ліхтарів перевірено, вона відповідає "
                     "цінам у Prozorro.", parent=earlier, voice=Voice.DEPARTMENT)
        emails = {name: user.email for name, user in (
            ("author", author), ("resident", resident), ("member", member))}
        url = f"{live_server.url}/projects/{project.id}"

    # A resident comments.
    page = browser_context().new_page()
    log_in(page, emails["resident"])
    page.goto(url)
    discussion = page.locator("section.discussion")
    expect(discussion.get_by_text("Профільний департамент")).to_be_visible()
    expect(discussion.get_by_role("link", name="https://example.org/kramatorsk-skver")
           ).to_have_attribute("rel", "nofollow ugc noopener")
    page.get_by_label("Ваш коментар").fill("Чи будуть лавки зі спинками? Літнім людям так "
                                           "зручніше.")
    page.get_by_role("button", name="Опублікувати коментар").click()
    expect(page.get_by_text("Ваш коментар опубліковано.")).to_be_visible()
    question = discussion.locator("article.comment", has_text="лавки зі спинками")
    expect(question).to_be_visible()

    # The author answers on a phone without script: the reply form opens all the same.
    phone = browser_context(viewport=PHONE, java_script_enabled=False).new_page()
    log_in(phone, emails["author"])
    phone.goto(url)
    mine = phone.locator("article.comment", has_text="лавки зі спинками")
    mine.locator("summary", has_text="Відповісти").click()
    mine.get_by_label("Ваша відповідь").fill("Так, усі шість лавок будуть зі спинками.")
    mine.get_by_role("button", name="Опублікувати відповідь").click()
    expect(phone.get_by_text("Вашу відповідь опубліковано.")).to_be_visible()
    reply = phone.locator("ol.replies article.comment", has_text="зі спинками.")
    expect(reply.get_by_text("Автор проєкту")).to_be_visible()
    # Someone's sharp words, reported by the author from the page.
    with live_server.session() as session:
        from portal.discussion.models import Comment

        rude = make_comment(session, session.get(type(project), project.id), neighbour,
                            "Автори цього проєкту нічого не тямлять.")
        rude_id = rude.id
        assert session.get(Comment, rude_id) is not None
    phone.goto(url)
    rude_article = phone.locator(f"#comment-{rude_id}")
    rude_article.locator("summary", has_text="Поскаржитися модераторам").click()
    rude_article.get_by_label("Що не так із цим коментарем? (необов’язково)").fill("Образа")
    rude_article.get_by_role("button", name="Надіслати модераторам").click()
    expect(phone.get_by_text("Дякуємо: модератори розглянуть коментар.")).to_be_visible()

    # The commission hides it from its queue, with a reason from the list.
    office = browser_context().new_page()
    log_in(office, emails["member"])
    office.goto(live_server.url + "/")
    office.get_by_role("navigation", name="Кабінет").get_by_role(
        "link", name="Модерація").click()
    entry = office.locator(".moderation-queue li", has_text="нічого не тямлять")
    expect(entry.get_by_text("Образа")).to_be_visible()
    entry.get_by_role("link", name="Ухвалити рішення").click()
    office.get_by_label("Причина").select_option(label="образи")
    office.get_by_role("button", name="Приховати коментар").click()
    expect(office.get_by_text("Коментар приховано. На його місці показано причину.")
           ).to_be_visible()

    # Everyone now sees the placeholder in its place, not the words.
    visitor = browser_context().new_page()
    visitor.goto(url)
    expect(visitor.locator(f"#comment-{rude_id}")).to_contain_text(
        "Приховано модерацією: образи.")
    expect(visitor.get_by_text("нічого не тямлять")).to_have_count(0)
    expect(visitor.get_by_role("link", name="Увійдіть, щоб коментувати")).to_be_visible()

    for shown, name in ((page, "project-discussion-1280"),
                        (phone, "project-discussion-390-no-script")):
        shown.goto(url)  # anew: the flash of the last step is gone, the hiding shows
        expect(shown.locator(f"#comment-{rude_id}")).to_contain_text("Приховано модерацією")
        shoot(shown, name)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone: {width}px"
