"""The discussion through the test client: the project page's comments, marks and hidden
placeholders, the forms without script, refusals in Ukrainian that change nothing, the
closed discussion, and the moderators' queue and decisions."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.cycles.rules import Phase
from portal.discussion.models import Comment, CommentRevision
from portal.discussion.rules import HideReason, Voice
from portal.projects.rules import ProjectStatus
from tests.conftest import csrf_token, post_form, sign_in
from tests.factories.cycles import make_cycle
from tests.factories.discussion import make_comment
from tests.factories.projects import make_project

pytestmark = pytest.mark.module_transaction


@pytest.fixture(scope="module")
def people(app, module_db):
    from tests.factories import accounts

    with app.test_request_context("/"):
        secret = app.config["PERSON_KEY_SECRET"]
        return {
            "admin": accounts.make_user(module_db, Role.ADMIN),
            "author": accounts.make_user(module_db, verified=True, name="Олена Авторка",
                                         secret=secret),
            "resident": accounts.make_user(module_db, verified=True, name="Петро Мешканець",
                                           secret=secret),
            "unverified": accounts.make_user(module_db, name="Ігор Непідтверджений"),
            "commission": accounts.make_user(module_db, Role.COMMISSION, name="Член Комісії"),
            "staff": accounts.make_user(module_db, Role.STAFF, name="Працівниця Департаменту"),
        }


@pytest.fixture(scope="module")
def project(module_db, people):
    cycle = make_cycle(module_db, people["admin"], phase=Phase.REVIEW)
    return make_project(module_db, cycle, people["author"], status=ProjectStatus.UNDER_REVIEW)


def page_of(client, project) -> str:
    response = client.get(f"/projects/{project.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def comments_on(db, project) -> int:
    return db.scalar(select(func.count(Comment.id)).where(Comment.project_id == project.id))


def test_the_page_shows_comments_replies_and_whose_they_are(client, db, people, project):
    question = make_comment(db, project, people["resident"], "Скільки ліхтарів буде?")
    make_comment(db, project, people["author"], "Дванадцять.", parent=question,
                 voice=Voice.AUTHOR)
    make_comment(db, project, people["staff"], "Кошторис перевірено.", parent=question,
                 voice=Voice.DEPARTMENT)
    make_comment(db, project, people["commission"], "Розглянемо на засіданні.",
                 voice=Voice.COMMISSION)
    html = page_of(client, project)
    assert 'id="discussion-h"' in html and "Обговорення" in html
    assert "Скільки ліхтарів буде?" in html
    replies = html.split('class="comments replies"')[1].split("</ol>")[0]
    assert "Дванадцять." in replies and "Кошторис перевірено." in replies
    assert "Автор проєкту" in replies and "Профільний департамент" in replies
    assert 'voice-commission">Комісія<' in html
    # A visitor is asked to log in; there is no form.
    assert "Увійдіть, щоб коментувати" in html
    assert 'action="/discussion/projects/' not in html


def test_text_is_never_html_and_addresses_become_safe_links(client, db, people, project):
    make_comment(db, project, people["resident"],
                 '<script>alert(1)</script> Див. https://example.org/a?b=1&c="2" і '
                 "javascript:alert(2)")
    html = page_of(client, project)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert ('<a href="https://example.org/a?b=1&amp;c=" rel="nofollow ugc noopener">'
            "https://example.org/a?b=1&amp;c=</a>") in html
    assert 'href="javascript:' not in html


def test_a_hidden_comment_keeps_its_place_with_the_reason(app, db, people, project):
    make_comment(db, project, people["resident"], "Дзвоніть мені: 050 000 00 00",
                 hidden_by=people["commission"], hidden_reason=HideReason.PERSONAL_DATA)
    visitor = app.test_client()
    html = page_of(visitor, project)
    assert "Приховано модерацією: персональні дані." in html
    assert "050 000 00 00" not in html
    moderator = app.test_client()
    sign_in(moderator, people["commission"])
    html = page_of(moderator, project)
    assert "Приховано модерацією: персональні дані." in html
    assert "050 000 00 00" in html and "бачать лише модератори" in html


def test_a_resident_comments_and_replies_without_script(client, db, people, project):
    sign_in(client, people["resident"])
    page = f"/projects/{project.id}"
    html = page_of(client, project)
    assert f'action="/discussion/projects/{project.id}/comment"' in html
    response = post_form(client, f"/discussion/projects/{project.id}/comment",
                         {"text": "Чи передбачено лавки?"}, token_from=page)
    assert response.status_code == 302
    comment = db.scalars(select(Comment).where(Comment.project_id == project.id)).one()
    assert response.headers["Location"].endswith(f"{page}#comment-{comment.id}")
    assert "Ваш коментар опубліковано." in client.get(page).get_data(as_text=True)
    # The author answers from the reply form on the page.
    author = client.application.test_client()
    sign_in(author, people["author"])
    assert f'action="/discussion/comments/{comment.id}/reply"' in page_of(author, project)
    response = post_form(author, f"/discussion/comments/{comment.id}/reply",
                         {"text": "Так, чотири лавки."}, token_from=page)
    assert response.status_code == 302
    reply = db.scalars(select(Comment).where(Comment.parent_id == comment.id)).one()
    assert reply.voice is Voice.AUTHOR
    html = page_of(client, project)
    assert "Так, чотири лавки." in html
    # Replies are one level deep: no reply form under a reply.
    assert f'action="/discussion/comments/{reply.id}/reply"' not in html


def test_a_refused_comment_keeps_the_text_and_changes_nothing(app, client, db, people, project):
    sign_in(client, people["resident"])
    url = f"/discussion/projects/{project.id}/comment"
    response = post_form(client, url, {"text": "   "})
    assert response.status_code == 200
    assert "Напишіть коментар." in response.get_data(as_text=True)
    app.config["DISCUSSION_COMMENTS_PER_HOUR"] = 1
    try:
        assert post_form(client, url, {"text": "Перше"}).status_code == 302
        response = post_form(client, url, {"text": "Друге питання"})
    finally:
        app.config["DISCUSSION_COMMENTS_PER_HOUR"] = 10
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert ("Ви вже опублікували стільки коментарів, скільки дозволено одному обліковому "
            "запису за годину (1).") in html
    assert "Друге питання" in html  # the text is kept in the form
    assert comments_on(db, project) == 1


def test_an_unverified_account_is_told_to_verify(client, db, people, project):
    sign_in(client, people["unverified"])
    html = page_of(client, project)
    assert "Коментувати можуть лише мешканці з підтвердженим обліковим записом." in html
    response = post_form(client, f"/discussion/projects/{project.id}/comment",
                         {"text": "Спроба"}, token_from=f"/projects/{project.id}")
    assert response.status_code == 200
    assert comments_on(db, project) == 0


def test_a_closed_discussion_is_read_only_and_says_why(client, db, people):
    cycle = make_cycle(db, people["admin"], phase=Phase.RESULTS)
    winner = make_project(db, cycle, people["author"], status=ProjectStatus.WINNER)
    make_comment(db, winner, people["resident"], "Підтримую!")
    sign_in(client, people["resident"])
    html = page_of(client, winner)
    assert "Підтримую!" in html
    assert "Обговорення завершилося разом із голосуванням" in html
    assert 'action="/discussion/projects/' not in html and "/reply" not in html
    response = post_form(client, f"/discussion/projects/{winner.id}/comment",
                         {"text": "Запізно"}, token_from=f"/projects/{winner.id}")
    assert response.status_code == 200
    assert comments_on(db, winner) == 1


def test_the_writer_edits_and_moderators_see_the_earlier_text(app, client, db, people, project):
    comment = make_comment(db, project, people["resident"], "Первісний текст")
    sign_in(client, people["resident"])
    url = f"/discussion/comments/{comment.id}/edit"
    response = post_form(client, url, {"text": "Виправлений текст"})
    assert response.status_code == 302
    html = page_of(client, project)
    assert "Виправлений текст" in html and "змінено" in html
    assert "Первісний текст" not in html
    assert db.scalars(select(CommentRevision.text)).all() == ["Первісний текст"]
    other = app.test_client()
    sign_in(other, people["author"])
    assert other.get(url).status_code == 403
    moderator = app.test_client()
    sign_in(moderator, people["staff"])
    html = moderator.get(f"/commission/discussion/comments/{comment.id}").get_data(as_text=True)
    assert "Попередні версії" in html and "Первісний текст" in html


def test_report_queue_hide_and_restore(app, client, db, people, project):
    comment = make_comment(db, project, people["resident"], "Усі ви там крадії")
    reporter = app.test_client()
    sign_in(reporter, people["unverified"])  # anyone signed in may report
    response = post_form(reporter, f"/discussion/comments/{comment.id}/report",
                         {"note": "Образа"}, token_from=f"/projects/{project.id}")
    assert response.status_code == 302
    sign_in(client, people["commission"])
    queue = client.get("/commission/discussion/").get_data(as_text=True)
    assert "Усі ви там крадії" in queue and "Образа" in queue
    url = f"/commission/discussion/comments/{comment.id}"
    # "Other reason" needs a note: refused on the field, nothing hidden.
    response = post_form(client, url + "/hide", {"reason": "other", "note": ""}, token_from=url)
    assert response.status_code == 200
    assert "Для «іншої причини» поясніть її в примітці." in response.get_data(as_text=True)
    db.refresh(comment)
    assert not comment.hidden
    response = post_form(client, url + "/hide", {"reason": "insult", "note": ""}, token_from=url)
    assert response.status_code == 302
    db.refresh(comment)
    assert comment.hidden_reason is HideReason.INSULT
    assert "Приховано модерацією: образи." in page_of(app.test_client(), project)
    queue = client.get("/commission/discussion/").get_data(as_text=True)
    assert "Жоден коментар не чекає" in queue and "Нещодавно приховані" in queue
    assert post_form(client, url + "/restore", {}, token_from=url).status_code == 302
    db.refresh(comment)
    assert not comment.hidden
    assert "Усі ви там крадії" in page_of(app.test_client(), project)


def test_a_bad_reason_is_refused_without_a_500(client, db, people, project):
    comment = make_comment(db, project, people["resident"])
    sign_in(client, people["staff"])
    url = f"/commission/discussion/comments/{comment.id}"
    response = post_form(client, url + "/hide", {"reason": "<b>nonsense</b>", "note": ""},
                         token_from=url)
    assert response.status_code == 200
    db.refresh(comment)
    assert not comment.hidden


def test_the_cycle_form_sets_the_discussion_period(client, db, people, project):
    sign_in(client, people["admin"])
    html = client.get(f"/admin/cycles/{project.cycle_id}/edit").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="discussion_period".*?</select>', html, re.S)
    assert select_html and "Від подання до завершення голосування" in select_html.group(0)
    assert 'value="voting" selected' in select_html.group(0) or \
        'selected value="voting"' in select_html.group(0)
    assert csrf_token(client, f"/admin/cycles/{project.cycle_id}/edit")
