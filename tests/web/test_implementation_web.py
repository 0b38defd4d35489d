"""Implementation through the web: staff record status and updates with photos; all read."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from portal.accounts.models import Role
from portal.clock import utcnow
from portal.implementation.funding import fund_winners
from portal.implementation.models import ImplementationUpdate, UpdatePhoto
from portal.implementation.rules import ImplementationStatus
from portal.programs.models import FundingLine
from portal.programs.winners import link_cycle
from portal.projects.rules import ProjectStatus
from tests.conftest import post_form, sign_in
from tests.factories import files
from tests.factories.cycles import make_cycle
from tests.factories.programs import make_program
from tests.factories.projects import make_project


@pytest.fixture
def winner(app, db, make_user, tmp_path, monkeypatch):
    """A funded winner with a place on the map; uploads go to a temporary folder."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    admin = make_user(Role.ADMIN)
    cycle = make_cycle(db, admin)
    _program, measures = make_program(db, start=cycle.budget_year - 1,
                                      end=cycle.budget_year + 1)
    make_project(db, cycle, make_user(Role.RESIDENT), status=ProjectStatus.WINNER,
                 title="Сквер біля школи", latitude=48.59, longitude=38.0)
    link_cycle(db, actor=admin, cycle=cycle, measure=measures["1.2"], now=utcnow())
    (line,) = fund_winners(db, cycle=cycle, actor=admin, now=utcnow())
    return line


@pytest.fixture
def staff_client(client, make_user):
    sign_in(client, make_user(Role.STAFF))
    return client


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (20, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def test_not_implemented_without_a_reason_is_refused_in_words(staff_client, winner):
    page = f"/staff/implementation/{winner.id}"
    response = post_form(staff_client, page, {"status": "not_implemented", "progress": "0",
                                              "reason": "", "tender_number": ""})
    assert response.status_code == 400
    assert "Вкажіть, чому проєкт не реалізовано" in response.get_data(as_text=True)
    assert winner.implementation.status is ImplementationStatus.PLANNED


def test_a_bad_tender_number_is_refused(staff_client, winner):
    page = f"/staff/implementation/{winner.id}"
    response = post_form(staff_client, page, {"status": "procurement", "progress": "10",
                                              "tender_number": "UA-2024-13-01-000001-a"})
    assert response.status_code == 400
    assert "UA-2018-05-14-000123-a" in response.get_data(as_text=True)


def test_status_and_a_photo_update_appear_on_the_public_page(client, staff_client, db, winner):
    page = f"/staff/implementation/{winner.id}"
    response = post_form(staff_client, page, {"status": "in_progress", "progress": "60",
                                              "tender_number": "UA-2024-03-01-000042-b"})
    assert response.status_code == 302
    response = post_form(staff_client, f"{page}/updates", {
        "posted_on": "2024-05-01", "text": "Встановлено лави",
        "photos": [(io.BytesIO(png()), "lavy.png")]}, token_from=page,
        content_type="multipart/form-data")
    assert response.status_code == 302
    photo = db.scalar(select(UpdatePhoto))
    public = client.get(f"/implementation/{winner.project_id}").get_data(as_text=True)
    assert "Встановлено лави" in public and "60 %" in public
    assert "https://prozorro.gov.ua/tender/UA-2024-03-01-000042-b" in public
    with client.get(f"/implementation/photos/{photo.id}") as served:
        assert served.status_code == 200 and served.mimetype == "image/png"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
    index = client.get("/implementation/").get_data(as_text=True)
    assert "Сквер біля школи" in index
    points = client.get("/implementation/map.json").json["projects"]
    assert [(p["lat"], p["lon"]) for p in points] == [(48.59, 38.0)]
    assert "60 %" in points[0]["title"]


def test_an_update_s_photos_are_kept_served_and_removed_with_it_in_each_store(
        client, staff_client, db, winner, stored_files):
    page = f"/staff/implementation/{winner.id}"
    response = post_form(staff_client, f"{page}/updates", {
        "posted_on": "2024-05-01", "text": "Встановлено лави",
        "photos": [(io.BytesIO(png()), "lavy.png"), (io.BytesIO(png()), "inshi.png")]},
        token_from=page, content_type="multipart/form-data")
    assert response.status_code == 302
    photos = db.scalars(select(UpdatePhoto).order_by(UpdatePhoto.id)).all()
    assert sorted(photo.stored_name for photo in photos) == stored_files.names()
    for photo in photos:
        served = client.get(f"/implementation/photos/{photo.id}")
        assert served.status_code == 200 and served.mimetype == "image/png"
        assert served.data == stored_files.read(photo.stored_name)
        assert served.headers["Content-Disposition"].startswith("inline;")
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        again = client.get(f"/implementation/photos/{photo.id}",
                           headers={"If-None-Match": served.headers["ETag"]})
        assert again.status_code == 304
    update = db.scalar(select(ImplementationUpdate))
    response = post_form(staff_client, f"/staff/implementation/updates/{update.id}/delete", {},
                         token_from=page)
    assert response.status_code == 302
    assert db.scalars(select(UpdatePhoto)).all() == []
    assert stored_files.names() == []


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_published(staff_client, db,
                                                                        winner):
    page = f"/staff/implementation/{winner.id}"
    response = post_form(staff_client, f"{page}/updates", {
        "posted_on": "2024-05-01", "text": "Акт",
        "photos": [(io.BytesIO(b"%PDF-1.4 not a photo"), "act.pdf")]}, token_from=page,
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Приймаються лише фото" in response.get_data(as_text=True)
    assert db.scalars(select(ImplementationUpdate)).all() == []


@pytest.mark.parametrize(("name", "data", "words"), [
    ("рух.png", files.image(Image.new("RGB", (8, 6)), "PNG", save_all=True, append_images=[
        Image.new("RGB", (8, 6), (255, 0, 0))]), "Анімовані зображення не приймаються"),
    ("план.png", files.png(7000, 7000, depth=16), "Фото має забагато пікселів"),
], ids=["animated", "the reported 7000 x 7000 PNG"])
def test_a_photo_refused_from_its_header_is_explained_and_nothing_is_published(
        staff_client, db, winner, name, data, words):
    page = f"/staff/implementation/{winner.id}"
    response = post_form(staff_client, f"{page}/updates", {
        "posted_on": "2024-05-01", "text": "Лави встановлено",
        "photos": [(io.BytesIO(data), name)]}, token_from=page,
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)
    assert db.scalars(select(ImplementationUpdate)).all() == []


def test_a_large_photo_is_published_reduced(client, staff_client, db, winner):
    page = f"/staff/implementation/{winner.id}"
    post_form(staff_client, f"{page}/updates", {
        "posted_on": "2024-05-01", "text": "Лави встановлено",
        "photos": [(io.BytesIO(files.image(Image.new("RGB", (6000, 4500), (20, 120, 60)),
                                           "JPEG")), "лави.jpg")]},
        token_from=page, content_type="multipart/form-data")
    photo = db.scalar(select(UpdatePhoto))
    with client.get(f"/implementation/photos/{photo.id}") as served:
        assert served.status_code == 200
        assert Image.open(io.BytesIO(served.data)).size == (2048, 1536)


def test_residents_cannot_change_the_implementation(client, make_user, winner):
    sign_in(client, make_user(Role.RESIDENT))
    assert client.get(f"/staff/implementation/{winner.id}").status_code == 403


def test_an_update_dated_in_the_future_is_refused_in_words(staff_client, db, winner):
    page = f"/staff/implementation/{winner.id}"
    response = post_form(staff_client, f"{page}/updates", {
        "posted_on": "2999-01-01", "text": "Завтра"}, token_from=page)
    assert response.status_code == 400
    assert "Дата новини не може бути в майбутньому." in response.get_data(as_text=True)
    assert db.scalars(select(ImplementationUpdate)).all() == []


def test_funding_the_winners_of_an_unlinked_cycle_is_refused_on_the_next_page(
        staff_client, db, make_user):
    admin = make_user(Role.ADMIN)
    cycle = make_cycle(db, admin)
    make_project(db, cycle, make_user(Role.RESIDENT), status=ProjectStatus.WINNER)
    response = post_form(staff_client, f"/staff/implementation/cycles/{cycle.id}/fund-winners",
                         {}, token_from="/programs/")
    assert response.status_code == 302 and response.location.endswith("/programs/")
    assert "Конкурс не прив’язано до заходу програми" in staff_client.get(
        "/programs/").get_data(as_text=True)
    assert db.scalars(select(FundingLine)).all() == []


def test_every_winner_is_on_the_public_page_from_the_approval_even_before_funding(
        client, db, make_user, winner):
    admin = make_user(Role.ADMIN)
    unlinked = make_cycle(db, admin)
    waiting = make_project(db, unlinked, make_user(Role.RESIDENT), status=ProjectStatus.WINNER,
                           title="Бювет у парку")
    loser = make_project(db, unlinked, make_user(Role.RESIDENT),
                         status=ProjectStatus.NOT_SELECTED, title="Фонтан")
    index = client.get("/implementation/").get_data(as_text=True)
    assert "Бювет у парку" in index and "Сквер біля школи" in index
    assert "Фонтан" not in index
    assert "ще не профінансовано" in index
    page = client.get(f"/implementation/{waiting.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Заплановано" in text and "0 %" in text
    assert client.get(f"/implementation/{loser.id}").status_code == 404
    assert client.get(f"/implementation/{winner.project_id}").status_code == 200


def test_a_line_paid_in_full_but_planned_is_flagged_with_the_reason(staff_client, db, winner):
    from datetime import date

    from portal.programs import funding

    funding.record_payment(db, actor=None, line=winner, paid_on=date(winner.year, 4, 1),
                           amount=winner.planned, document="п/д 12", now=utcnow())
    reason = "Кошти вже сплачено, але статус досі «заплановано»"
    for page in (f"/staff/implementation/{winner.id}",
                 f"/staff/programs/funding/lines/{winner.id}"):
        assert reason in staff_client.get(page).get_data(as_text=True), page
    response = post_form(staff_client, f"/staff/implementation/{winner.id}", {
        "status": "planned", "progress": "0", "tender_number": ""})
    assert response.status_code == 400
    assert "Кошти за цим рядком уже сплачено" in response.get_data(as_text=True)
    response = post_form(staff_client, f"/staff/implementation/{winner.id}", {
        "status": "implemented", "progress": "100", "tender_number": ""})
    assert response.status_code == 302
    assert reason not in staff_client.get(f"/staff/implementation/{winner.id}").get_data(
        as_text=True)


def test_not_implemented_shows_its_reason_publicly(client, staff_client, winner):
    post_form(staff_client, f"/staff/implementation/{winner.id}", {
        "status": "not_implemented", "progress": "0",
        "reason": "зміни розташування об’єкта", "tender_number": ""})
    for page in ("/implementation/", f"/implementation/{winner.project_id}"):
        text = client.get(page).get_data(as_text=True)
        assert "Не реалізовано" in text and "зміни розташування об’єкта" in text, page
