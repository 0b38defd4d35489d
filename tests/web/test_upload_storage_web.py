"""Where uploads are kept, through the pages, with each place ``UPLOAD_STORAGE`` can name (a
folder, the database, moto's S3 server): an upload whose transaction fails leaves no file,
a file missing from its store is a 404, an object store that does not answer is a 503 in
the visitor's language, and ``flask uploads copy`` moves an installation's files."""

from __future__ import annotations

import io
import logging

import pytest
from PIL import Image
from sqlalchemy import exc, select
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.projects.models import Attachment
from portal.uploads import AttachmentKind, check_upload, open_store
from tests.conftest import csrf_token, sign_in
from tests.factories.projects import make_project
from tests.objectstore import BUCKET
from tests.web.test_outage import assert_unavailable, closed_port

pytestmark = pytest.mark.module_transaction

LIMIT = 1024 * 1024



def jpeg(colour=(200, 120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def upload(client, project, data: bytes, name: str = "двір.jpg"):
    token = csrf_token(client, f"/projects/{project.id}/edit")
    return client.post(f"/projects/{project.id}/attachments", data={
        "csrf_token": token, "file": (io.BytesIO(data), name, "image/jpeg")},
        content_type="multipart/form-data")


def attach(db, project, stored_name: str) -> Attachment:
    """A row naming ``stored_name``, whatever the store holds."""
    attachment = Attachment(project=project, kind=AttachmentKind.PHOTO, original_name="двір.jpg",
                            stored_name=stored_name, content_type="image/jpeg", size=10,
                            sha256="0" * 64, uploaded_at=utcnow())
    db.add(attachment)
    db.flush()
    return attachment


def test_an_upload_whose_commit_fails_leaves_no_file_behind(
        app, client, db, cycle, author, stored_files, monkeypatch):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # answer as in production
    project = make_project(db, cycle, author)
    sign_in(client, author)

    def lost(self):
        raise exc.OperationalError(None, None, Exception("server closed the connection"))

    token = csrf_token(client, f"/projects/{project.id}/edit")
    with monkeypatch.context() as patched:
        patched.setattr(Session, "commit", lost)
        response = client.post(f"/projects/{project.id}/attachments", data={
            "csrf_token": token, "file": (io.BytesIO(jpeg()), "двір.jpg", "image/jpeg")},
            content_type="multipart/form-data")
    assert response.status_code == 503
    assert db.scalars(select(Attachment)).all() == []
    assert stored_files.names() == []


def test_a_file_missing_from_its_store_is_404_not_an_error(client, db, cycle, author,
                                                           stored_files):
    project = make_project(db, cycle, author)
    attachment = attach(db, project, "f" * 32 + ".jpg")
    sign_in(client, author)
    response = client.get(f"/projects/{project.id}/files/{attachment.id}")
    assert response.status_code == 404
    assert "Сторінку не знайдено" in response.get_data(as_text=True)


@pytest.fixture
def unreachable(app, object_store, monkeypatch):
    """Files kept in an object store at an address where nothing answers."""
    monkeypatch.setitem(app.config, "UPLOAD_STORAGE", f"s3://{BUCKET}/gone")
    monkeypatch.setitem(app.config, "UPLOAD_S3_ENDPOINT_URL",
                        f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)


@pytest.mark.parametrize(("language", "words"), [
    ("uk", "Портал зараз не може зв’язатися зі сховищем своїх файлів (фото й документів)"),
    ("en", "The portal cannot reach the storage of its files (photos and documents) just now"),
])
def test_a_file_asked_for_while_the_object_store_does_not_answer_is_503_in_the_visitor_s_language(  # noqa: E501
        client, db, cycle, author, unreachable, language, words, caplog):
    project = make_project(db, cycle, author)
    attachment = attach(db, project, "a" * 32 + ".jpg")
    author.locale = language  # the language the person chose
    db.flush()
    sign_in(client, author)
    caplog.set_level(logging.INFO)
    response = client.get(f"/projects/{project.id}/files/{attachment.id}")
    page = assert_unavailable(response, language=language)
    assert words in page
    # The database answers: the page is whole, with the account menu.
    assert ("Вийти" if language == "uk" else "Log out") in page
    problems = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [(record.name, bool(record.exc_info)) for record in problems] == [
        ("portal.errors", False)]
    assert "File storage unavailable" in problems[0].getMessage()


def test_an_upload_while_the_object_store_does_not_answer_is_503_and_nothing_is_kept(
        client, db, cycle, author, unreachable):
    project = make_project(db, cycle, author)
    sign_in(client, author)
    page = assert_unavailable(upload(client, project, jpeg()))
    assert "Не збережено" in page
    assert "Портал не зміг зв’язатися зі сховищем своїх файлів" in page
    assert db.scalars(select(Attachment)).all() == []


# Moving an installation's files -----------------------------------------------------------


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_copy_moves_every_file_from_disk_to_the_database_to_s3_and_back(
        app, db, runner, object_store, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    monkeypatch.setitem(app.config, "UPLOAD_STORAGE", "disk")
    monkeypatch.setitem(app.config, "UPLOAD_S3_ENDPOINT_URL", object_store.endpoint)
    files = {}
    for colour in ((200, 0, 0), (0, 200, 0), (0, 0, 200)):
        checked = check_upload(jpeg(colour), "двір.jpg", max_bytes=LIMIT)
        files[open_store(app.config, db).save(checked)] = checked.data
    db.commit()
    s3 = f"s3://{BUCKET}/copied"
    for place in ("database", s3, "disk"):
        if place == "disk":  # back to a folder of its own
            monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "again"))
        result = runner.invoke(args=["uploads", "copy", "--to", place])
        assert result.exit_code == 0, result.output
        assert "3" in result.output.splitlines()[0]
        assert f"UPLOAD_STORAGE={place}" in result.output
        monkeypatch.setitem(app.config, "UPLOAD_STORAGE", place)
        store = open_store(app.config, db)
        assert store.names() == sorted(files)
        assert {name: store.read(name) for name in files} == files
    # Run again: nothing to copy, everything there already.
    monkeypatch.setitem(app.config, "UPLOAD_STORAGE", "database")
    result = runner.invoke(args=["uploads", "copy", "--to", s3])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        f"Скопійовано до {s3}: файлів — 0; уже були там — 3.")
    assert object_store.keys("copied") == [f"copied/{name}" for name in sorted(files)]


def test_copy_to_where_the_files_are_or_to_no_known_place_is_refused(app, runner,
                                                                     monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_STORAGE", "database")
    same = runner.invoke(args=["uploads", "copy", "--to", "database"])
    assert same.exit_code == 1 and "Файли вже зберігаються в database." in same.output
    unknown = runner.invoke(args=["uploads", "copy", "--to", "ftp://files"])
    assert unknown.exit_code == 2
    assert "UPLOAD_STORAGE must be disk, database or s3://bucket/prefix" in unknown.output


def test_copy_to_an_object_store_that_does_not_answer_says_so_and_copies_nothing(
        app, db, runner, object_store, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_STORAGE", "database")
    monkeypatch.setitem(app.config, "UPLOAD_S3_ENDPOINT_URL",
                        f"http://127.0.0.1:{closed_port()}")
    open_store(app.config, db).save(check_upload(jpeg(), "двір.jpg", max_bytes=LIMIT))
    db.commit()
    result = runner.invoke(args=["uploads", "copy", "--to", f"s3://{BUCKET}/gone"])
    assert result.exit_code == 1
    assert "Сховище недоступне" in result.output and "Запустіть команду знову" in result.output
