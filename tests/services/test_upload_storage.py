"""The upload stores (``portal/uploads/storage.py``, ``s3.py``), each on its real place: a
folder, the database, moto's S3 server. What a store writes and removes follows the
session's transaction: a rolled-back upload leaves nothing, a removal happens once it is
committed, a savepoint rolled back takes only what was written inside it."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image
from sqlalchemy import select

from portal.uploads import FileMissing, StorageUnavailable, check_upload
from portal.uploads.models import StoredFile
from portal.uploads.s3 import S3Store
from portal.uploads.storage import DiskStore, parse_storage
from tests.objectstore import BUCKET
from tests.web.test_outage import closed_port

LIMIT = 1024 * 1024


def photo(colour=(30, 120, 60)):
    buffer = io.BytesIO()
    Image.new("RGB", (6, 4), colour).save(buffer, "PNG")
    checked = check_upload(buffer.getvalue(), "сквер.png", max_bytes=LIMIT)
    assert not isinstance(checked, str), checked
    return checked


def test_a_saved_file_is_listed_and_read_back_as_it_was_checked(stored_files, db):
    checked = photo()
    name = stored_files.save(checked)
    db.commit()
    assert name.endswith(".png") and stored_files.names() == [name]
    assert stored_files.read(name) == checked.data


def test_a_removal_takes_the_file_once_it_is_committed(stored_files, db):
    kept, removed = stored_files.save(photo()), stored_files.save(photo((200, 0, 0)))
    db.commit()
    stored_files.remove(removed)
    db.commit()
    assert stored_files.names() == [kept]
    with pytest.raises(FileMissing):
        stored_files.read(removed)


def test_a_rolled_back_upload_leaves_nothing(stored_files, db):
    name = stored_files.save(photo())
    db.rollback()
    assert stored_files.names() == []
    with pytest.raises(FileMissing):
        stored_files.read(name)


def test_a_removal_rolled_back_keeps_the_file(stored_files, db):
    checked = photo()
    name = stored_files.save(checked)
    db.commit()
    stored_files.remove(name)
    db.rollback()
    assert stored_files.read(name) == checked.data


def test_a_savepoint_rolled_back_takes_only_what_was_written_inside_it(stored_files, db):
    before = stored_files.save(photo())
    savepoint = db.begin_nested()
    inside = stored_files.save(photo((0, 0, 200)))
    savepoint.rollback()
    after = stored_files.save(photo((0, 200, 0)))
    db.commit()
    assert stored_files.names() == sorted([before, after])
    assert inside not in stored_files.names()


def test_a_session_closed_without_a_commit_leaves_nothing(app, stored_files):
    from portal.uploads import open_store

    # A request's session, or a command's, that ends in an error.
    session = app.extensions["portal.db"].sessionmaker()
    open_store(app.config, session).save(photo())
    session.close()
    assert stored_files.names() == []


def test_a_file_that_is_not_there_is_missing(stored_files):
    with pytest.raises(FileMissing):
        stored_files.read("0" * 32 + ".jpg")


@pytest.mark.parametrize("name", ["../secrets.json", "a.jpg", "0" * 32 + ".jpg/..", ""])
def test_a_name_the_portal_does_not_make_reaches_no_store(stored_files, name):
    with pytest.raises(ValueError, match="not a stored name"):
        stored_files.read(name)


def test_the_database_keeps_each_file_with_its_size_and_digest(app, db, monkeypatch):
    from portal.uploads import open_store

    monkeypatch.setitem(app.config, "UPLOAD_STORAGE", "database")
    checked = photo()
    name = open_store(app.config, db).save(checked)
    row = db.scalar(select(StoredFile).where(StoredFile.name == name))
    assert (row.size, row.sha256, row.data) == (checked.size, checked.sha256, checked.data)


def test_s3_keeps_each_file_as_an_object_under_the_prefix(object_store, db):
    store = S3Store(BUCKET, "bakhmut/uploads", endpoint_url=object_store.endpoint,
                    max_bytes=LIMIT, session=db)
    name = store.save(photo())
    db.commit()
    assert object_store.keys("bakhmut/uploads") == [f"bakhmut/uploads/{name}"]
    store.remove(name)
    db.commit()
    assert object_store.keys("bakhmut/uploads") == []


def test_an_unreachable_object_store_is_unavailable_within_seconds(object_store, db):
    store = S3Store(BUCKET, "x", endpoint_url=f"http://127.0.0.1:{closed_port()}",
                    max_bytes=LIMIT, session=db)
    started = time.monotonic()
    for act in (lambda: store.save(photo()), lambda: store.read("0" * 32 + ".png"),
                store.names):
        with pytest.raises(StorageUnavailable, match="S3"):
            act()
    assert time.monotonic() - started < 15


def test_a_bucket_that_does_not_exist_is_unavailable_not_missing(object_store, db):
    store = S3Store("no-such-bucket", "", endpoint_url=object_store.endpoint, max_bytes=LIMIT,
                    session=db)
    with pytest.raises(StorageUnavailable, match="NoSuchBucket"):
        store.read("0" * 32 + ".png")


def test_a_folder_that_cannot_be_written_is_unavailable(tmp_path, db):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    with pytest.raises(StorageUnavailable):
        DiskStore(blocked, max_bytes=LIMIT, session=db).save(photo())


@pytest.mark.parametrize(("value", "kind", "bucket", "prefix"), [
    ("disk", "disk", "", ""), ("database", "database", "", ""),
    ("s3://portal-files", "s3", "portal-files", ""),
    ("s3://portal-files/bakhmut/uploads/", "s3", "portal-files", "bakhmut/uploads"),
])
def test_the_setting_names_a_place(value, kind, bucket, prefix):
    place = parse_storage(value)
    assert (place.kind, place.bucket, place.prefix) == (kind, bucket, prefix)
