"""Project pages through the test client: drafting with an estimate, files, submission,
the public list, map and page, and what strangers may not see."""

from __future__ import annotations

import io
import re
from email import message_from_bytes
from email.policy import default

import pytest
from PIL import Image
from sqlalchemy import select

from portal.accounts.models import Role
from portal.clock import utcnow
from portal.projects import participation
from portal.projects.models import Attachment, CoAuthor, Project, Support
from portal.projects.rules import ProjectStatus
from tests.conftest import csrf_token, post_form, sign_in
from tests.factories import files
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project


@pytest.fixture
def uploads(app, stored_files, monkeypatch):
    """Files kept in each place ``UPLOAD_STORAGE`` can name, at most 1 MB each."""
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 1024 * 1024)
    return stored_files


# The cycle and the author are made once; each test runs in a savepoint rolled back after it.
pytestmark = pytest.mark.module_transaction


def jpeg_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


DRAFT = {
    "title": "Освітлення алеї в парку", "summary": "Нові ліхтарі.", "problem": "Темно ввечері.",
    "solution": "Встановити 12 ліхтарів.", "beneficiaries": "Мешканці району.",
    "address": "Центральний парк", "latitude": "48.5956", "longitude": "38.0003",
    "district": "",
    "lines-0-name": "Ліхтар LED", "lines-0-quantity": "12", "lines-0-unit": "шт.",
    "lines-0-unit_price": "8 500",
    "lines-1-name": "Кабель", "lines-1-quantity": "350,5", "lines-1-unit": "м",
    "lines-1-unit_price": "120,40",
    "lines-2-name": "Монтаж", "lines-2-quantity": "1", "lines-2-unit": "послуга",
    "lines-2-unit_price": "25000",
}


def create_draft(client, cycle, data=None):
    return post_form(client, f"/projects/new?cycle={cycle.id}",
                     {**DRAFT, "category": str(cycle.categories[0].id), **(data or {})})


def test_an_author_drafts_a_project_with_three_cost_lines(client, db, cycle, author):
    sign_in(client, author)
    response = create_draft(client, cycle)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    project = db.execute(select(Project).where(Project.author_id == author.id)).scalar_one()
    assert [i.total for i in project.cost_items] == [102_000_00, 42_200_20, 25_000_00]
    assert project.total_cost == 169_200_20
    page = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    assert "Ліхтар LED" in page and "350,5" in page


def test_a_bad_cost_line_is_explained_on_its_row_and_nothing_is_stored(
        client, db, cycle, author):
    sign_in(client, author)
    response = create_draft(client, cycle, {"lines-1-quantity": "багато",
                                            "lines-2-unit_price": "25 000,555"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Вкажіть кількість числом" in body
    assert "до копійки" in body
    assert db.execute(select(Project)).first() is None


def test_an_unverified_resident_is_told_to_verify_and_cannot_draft(client, db, cycle, make_user):
    sign_in(client, make_user())
    page = client.get(f"/projects/new?cycle={cycle.id}").get_data(as_text=True)
    assert "підтвердженим обліковим записом" in page
    create_draft(client, cycle)
    assert db.execute(select(Project)).first() is None


def test_submission_freezes_the_text_and_shows_the_registration_number(
        client, db, cycle, author):
    sign_in(client, author)
    create_draft(client, cycle)
    project = db.execute(select(Project)).scalar_one()
    response = post_form(client, f"/projects/{project.id}/submit", {},
                         token_from=f"/projects/{project.id}")
    assert response.status_code == 302
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f"{cycle.budget_year}-001" in page
    assert client.get(f"/projects/{project.id}/edit").status_code == 403


def test_a_total_outside_the_limits_is_refused_at_submission_with_the_reason(
        client, db, cycle, author):
    sign_in(client, author)
    create_draft(client, cycle, {"lines-0-quantity": "1", "lines-0-unit_price": "100",
                                 "lines-1-name": "", "lines-1-quantity": "",
                                 "lines-1-unit": "", "lines-1-unit_price": "",
                                 "lines-2-unit_price": "1000"})
    project = db.execute(select(Project)).scalar_one()
    response = post_form(client, f"/projects/{project.id}/submit", {},
                         token_from=f"/projects/{project.id}", follow_redirects=True)
    assert "нижча за мінімальну" in response.get_data(as_text=True)
    assert project.status is ProjectStatus.DRAFT


def test_a_draft_is_hidden_from_strangers_and_shown_to_staff(client, db, cycle, author,
                                                             make_user):
    project = make_project(db, cycle, author)
    assert client.get(f"/projects/{project.id}").status_code == 404
    sign_in(client, make_user(verified=True))
    assert client.get(f"/projects/{project.id}").status_code == 404
    sign_in(client, make_user(Role.STAFF))
    assert client.get(f"/projects/{project.id}").status_code == 200


def test_the_list_filters_searches_and_sorts(client, db, cycle, author):
    make_project(db, cycle, author, status=ProjectStatus.ADMITTED, title="Скейт-парк",
                 cost=250_000_00)
    make_project(db, cycle, author, status=ProjectStatus.UNDER_REVIEW, title="Сквер ЛІТЕРАТОРІВ",
                 cost=90_000_00)
    make_project(db, cycle, author, title="Чернетка, якої не видно")
    body = client.get(f"/projects/?cycle={cycle.id}").get_data(as_text=True)
    assert "Скейт-парк" in body and "Сквер" in body and "Чернетка" not in body
    body = client.get(f"/projects/?cycle={cycle.id}&q=літераторів").get_data(as_text=True)
    assert "Сквер" in body and "Скейт-парк" not in body
    body = client.get(f"/projects/?cycle={cycle.id}&status=admitted").get_data(as_text=True)
    assert "Скейт-парк" in body and "Сквер" not in body
    body = client.get(f"/projects/?cycle={cycle.id}&sort=cost_asc").get_data(as_text=True)
    assert body.index("Сквер") < body.index("Скейт-парк")


@pytest.mark.parametrize("query", ["page=99999999999", "status=bogus", "sort=drop",
                                   "cycle=999999", "q=%25_%5C"])
def test_odd_list_parameters_never_fail(client, cycle, query):
    """(Malformed numbers are a bad request: ``tests/web/test_hostile_input.py``.)"""
    assert client.get(f"/projects/?{query}").status_code == 200


def test_the_map_serves_points_as_json_and_the_page_works_without_tiles(
        client, db, cycle, author):
    make_project(db, cycle, author, status=ProjectStatus.ADMITTED, title="Фонтан",
                 latitude=48.59, longitude=38.0)
    data = client.get(f"/projects/map.json?cycle={cycle.id}").get_json()
    assert [p["title"] for p in data["projects"]] == ["Фонтан"]
    page = client.get(f"/projects/map?cycle={cycle.id}").get_data(as_text=True)
    assert "vendor/leaflet/leaflet.js" in page and "Фонтан" in page
    assert "<script>" not in page  # no inline script: the CSP forbids it


def upload(client, project, name, data, content_type="application/octet-stream"):
    token = csrf_token(client, f"/projects/{project.id}/edit")
    return client.post(f"/projects/{project.id}/attachments", data={
        "csrf_token": token, "file": (io.BytesIO(data), name, content_type)},
        content_type="multipart/form-data", follow_redirects=True)


def test_a_photo_is_stored_under_a_generated_name_and_served_with_safe_headers(
        client, db, cycle, author, uploads):
    project = make_project(db, cycle, author, status=ProjectStatus.DRAFT)
    sign_in(client, author)
    response = upload(client, project, "двір.jpg", jpeg_bytes(), "image/jpeg")
    assert "двір.jpg" in response.get_data(as_text=True)
    attachment = db.execute(select(Attachment)).scalar_one()
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", attachment.stored_name)
    assert uploads.names() == [attachment.stored_name]
    served = client.get(f"/projects/{project.id}/files/{attachment.id}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.data == uploads.read(attachment.stored_name)
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith("inline;")
    assert served.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert served.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert served.headers["Cache-Control"] == "public, max-age=3600"
    # The browser that has it asks again with its ETag: 304, without the file.
    again = client.get(f"/projects/{project.id}/files/{attachment.id}",
                       headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == served.headers["ETag"]


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(("name", "data", "message"), [
    ("photo.jpg", b"MZ\x90\x00\x03" + b"\x00" * 2000, "не є зображенням JPEG, PNG чи WebP"),
    ("../../etc/passwd.jpg", jpeg_bytes(), "Назва файлу неприйнятна"),
    ("logo.svg", SVG, "SVG не приймаються"),
    ("logo.jpg", SVG, "SVG не приймаються"),
    ("photo.exe", jpeg_bytes(), "Назва файлу не відповідає його вмісту"),
    ("кошторис.pdf", files.one_page_pdf(
        catalogue=rb"/OpenAction << /S /J#61vaScript /J#53 (app.alert\(1\)) >>"),
     "Документи PDF зі скриптами, вкладеними файлами, медіа"),
    ("кошторис.pdf", b"%PDF-1.7\n" + b"\x00" * 2000, "Документ PDF не вдається прочитати"),
    ("план.png", files.png(7000, 7000, depth=16), "Зображення має забагато пікселів"),
    ("рух.webp", files.image(Image.new("RGB", (8, 6)), "WEBP", save_all=True, append_images=[
        Image.new("RGB", (8, 6), (255, 0, 0))]), "Анімовані зображення не приймаються"),
])
def test_a_dangerous_upload_is_refused_with_a_clear_message_and_nothing_is_stored(
        client, db, cycle, author, uploads, name, data, message):
    project = make_project(db, cycle, author)
    sign_in(client, author)
    response = upload(client, project, name, data)
    assert message in response.get_data(as_text=True)
    assert db.execute(select(Attachment)).first() is None
    assert uploads.names() == []


def test_a_document_the_portal_renders_is_attached_and_served_as_a_download(
        app, client, db, cycle, author, uploads):
    from portal.reports.document import Document, Paragraph
    from portal.reports.renderers.pdf import render_pdf

    project = make_project(db, cycle, author, status=ProjectStatus.DRAFT)
    sign_in(client, author)
    with app.test_request_context():
        data = render_pdf(Document(title="Кошторис", name="koshtorys",
                                   blocks=(Paragraph("Ліхтарі: 102 000 грн"),)))
    response = upload(client, project, "кошторис.pdf", data, "application/pdf")
    assert "Файл кошторис.pdf додано" in response.get_data(as_text=True)
    attachment = db.execute(select(Attachment)).scalar_one()
    with client.get(f"/projects/{project.id}/files/{attachment.id}") as served:
        assert served.mimetype == "application/pdf" and served.data == data
        assert served.headers["Content-Disposition"].startswith("attachment;")


def test_a_file_over_the_limit_is_refused_with_the_limit_named(client, db, cycle, author,
                                                               uploads):
    project = make_project(db, cycle, author)
    sign_in(client, author)
    response = upload(client, project, "big.jpg", jpeg_bytes() + b"\x00" * (1024 * 1024))
    assert "не більше 1 МБ" in response.get_data(as_text=True)
    assert db.execute(select(Attachment)).first() is None


def test_a_30_mb_file_is_refused_with_the_limit_named_and_nothing_is_stored(
        app, client, db, cycle, author, uploads):
    # Larger than the portal reads at all (MAX_CONTENT_LENGTH, 25 MB): Werkzeug stops the
    # request before the upload check, and the page still says what the limit is.
    assert app.config["MAX_CONTENT_LENGTH"] < 30 * 1024 * 1024
    project = make_project(db, cycle, author)
    sign_in(client, author)
    response = upload(client, project, "huge.jpg", b"\xff\xd8\xff" + b"\x00" * (30 * 1024 * 1024))
    assert "не більше 1 МБ" in response.get_data(as_text=True)
    assert db.execute(select(Attachment)).first() is None
    assert uploads.names() == []


def test_a_co_author_invitation_is_mailed_after_the_commit_and_accepted(
        client, db, cycle, author, make_user, outbox):
    project = make_project(db, cycle, author)
    sign_in(client, author)
    post_form(client, f"/projects/{project.id}/coauthors", {"email": "friend@example.org"},
              token_from=f"/projects/{project.id}/edit")
    letters = list(outbox.glob("*.eml"))
    assert len(letters) == 1
    letter = message_from_bytes(letters[0].read_bytes(), policy=default)
    assert letter["To"] == "friend@example.org"
    link = re.search(r"(/projects/coauthor/[\w-]+)", letter.get_content()).group(1)
    friend = make_user(email="friend@example.org")
    sign_in(client, friend)
    response = post_form(client, link, {})
    assert response.status_code == 302
    assert client.get(f"/projects/{project.id}/edit").status_code == 200


def test_a_returned_project_is_edited_and_resubmitted_by_its_author(client, db, cycle, author):
    project = make_project(db, cycle, author, status=ProjectStatus.RETURNED_FOR_REVISION)
    sign_in(client, author)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "повернула проєкт на доопрацювання" in page
    response = post_form(client, f"/projects/{project.id}/edit", {
        **DRAFT, "category": str(project.category_id), "title": "Майданчик, доопрацьований"})
    assert response.status_code == 302
    response = post_form(client, f"/projects/{project.id}/resubmit", {},
                         token_from=f"/projects/{project.id}")
    assert response.status_code == 302
    db.refresh(project)
    assert project.status is ProjectStatus.UNDER_REVIEW
    assert project.title == "Майданчик, доопрацьований"


def test_the_author_withdraws_with_a_public_reason(client, db, cycle, author):
    project = make_project(db, cycle, author, status=ProjectStatus.SUBMITTED)
    sign_in(client, author)
    post_form(client, f"/projects/{project.id}/withdraw", {"reason": "Ідею реалізує ОСББ"},
              token_from=f"/projects/{project.id}")
    with client.session_transaction() as session:
        session.clear()  # an anonymous visitor now
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Відкликано автором" in page and "Ідею реалізує ОСББ" in page


def test_a_verified_resident_supports_once_and_the_count_shows(client, db, make_user, author):
    needs = make_cycle(db, make_user(Role.ADMIN), support_needed=3)
    project = make_project(db, needs, author, status=ProjectStatus.COLLECTING_SUPPORT)
    supporter = make_user(verified=True)
    sign_in(client, supporter)
    post_form(client, f"/projects/{project.id}/support", {}, token_from=f"/projects/{project.id}")
    response = post_form(client, f"/projects/{project.id}/support", {},
                         token_from=f"/projects/{project.id}", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "1 з 3 підписів підтримки" in body
    assert "Ви вже підтримали цей проєкт" in body or "Ви підтримуєте цей проєкт" in body


def test_a_refused_invitation_is_explained_and_neither_stored_nor_mailed(
        client, db, cycle, author, outbox):
    project = make_project(db, cycle, author)
    sign_in(client, author)
    response = post_form(client, f"/projects/{project.id}/coauthors", {"email": author.email},
                         token_from=f"/projects/{project.id}/edit", follow_redirects=True)
    assert "Це адреса самого автора." in response.get_data(as_text=True)
    assert db.execute(select(CoAuthor)).first() is None
    assert list(outbox.glob("*.eml")) == []


def test_an_invitation_for_another_address_is_refused_on_its_page_and_kept_open(
        client, db, cycle, author, make_user):
    project = make_project(db, cycle, author)
    token = participation.invite_coauthor(db, project=project, email="friend@example.org",
                                          actor=author, now=utcnow())
    sign_in(client, make_user(email="stranger@example.org"))
    response = post_form(client, f"/projects/coauthor/{token}", {})
    assert response.status_code == 200
    assert "Щоб прийняти запрошення, увійдіть" in response.get_data(as_text=True)
    invitation = db.execute(select(CoAuthor)).scalar_one()
    db.refresh(invitation)
    assert invitation.user_id is None and invitation.confirmed_at is None


def test_a_refused_edit_is_explained_on_its_field_and_nothing_is_stored(
        client, db, cycle, author):
    project = make_project(db, cycle, author, status=ProjectStatus.RETURNED_FOR_REVISION)
    category_id = project.category_id
    sign_in(client, author)
    response = post_form(client, f"/projects/{project.id}/edit", {
        **DRAFT, "category": str(cycle.categories[1].id), "title": "Інша назва"})
    assert response.status_code == 200
    assert "Після подання категорію змінити не можна." in response.get_data(as_text=True)
    db.refresh(project)
    assert (project.category_id, project.title) == (category_id, "Дитячий майданчик на вулиці Миру")


def test_a_refused_submission_names_every_reason_in_order(client, db, cycle, author):
    project = make_project(db, cycle, author, cost=10_000_00)
    project.summary = ""
    db.flush()
    sign_in(client, author)
    response = post_form(client, f"/projects/{project.id}/submit", {},
                         token_from=f"/projects/{project.id}", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert body.index("Напишіть короткий опис.") < body.index(
        "Загальна вартість нижча за мінімальну для категорії.")
    db.refresh(project)
    assert project.status is ProjectStatus.DRAFT and project.number is None
    assert cycle.last_project_number == 0


def test_a_second_signature_is_refused_with_the_reason(client, db, make_user, author):
    needs = make_cycle(db, make_user(Role.ADMIN), support_needed=3)
    project = make_project(db, needs, author, status=ProjectStatus.COLLECTING_SUPPORT)
    sign_in(client, make_user(verified=True))
    post_form(client, f"/projects/{project.id}/support", {}, token_from=f"/projects/{project.id}")
    response = post_form(client, f"/projects/{project.id}/support", {},
                         token_from=f"/projects/{project.id}", follow_redirects=True)
    assert "Ви вже підтримали цей проєкт." in response.get_data(as_text=True)
    assert len(db.execute(select(Support)).all()) == 1


def test_a_removed_file_leaves_the_store_once_its_removal_is_kept(
        client, db, cycle, author, uploads):
    project = make_project(db, cycle, author)
    sign_in(client, author)
    upload(client, project, "двір.jpg", jpeg_bytes(), "image/jpeg")
    attachment = db.execute(select(Attachment)).scalar_one()
    assert uploads.names() == [attachment.stored_name]
    response = post_form(client, f"/projects/{project.id}/attachments/{attachment.id}/delete",
                         {}, token_from=f"/projects/{project.id}/edit", follow_redirects=True)
    assert "Файл вилучено." in response.get_data(as_text=True)
    assert db.execute(select(Attachment)).first() is None
    assert uploads.names() == []


def test_a_deleted_draft_takes_its_files_with_it(client, db, cycle, author, uploads):
    project = make_project(db, cycle, author)
    sign_in(client, author)
    upload(client, project, "двір.jpg", jpeg_bytes(), "image/jpeg")
    assert len(uploads.names()) == 1
    response = post_form(client, f"/projects/{project.id}/delete", {},
                         token_from=f"/projects/{project.id}/edit", follow_redirects=True)
    assert "Чернетку видалено." in response.get_data(as_text=True)
    assert db.execute(select(Project)).first() is None
    assert uploads.names() == []
