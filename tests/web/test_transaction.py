"""The request commits: what a view changed is kept when it answers without an error and
without showing a refusal, and nothing of it is kept otherwise; work that waits for the
commit runs only after it."""

from __future__ import annotations

import pytest
from flask import Blueprint, abort, flash
from sqlalchemy import select

from portal import create_app
from portal.community.models import District
from portal.db import after_commit, db_session
from portal.forms import show_refusal
from portal.refusal import Problem, Refused
from tests.conftest import joined_transaction

probe = Blueprint("probe", __name__, url_prefix="/probe")
AFTER_COMMIT: list[str] = []


def _add(name: str) -> None:
    db_session().add(District(name=name))
    db_session().flush()
    after_commit(lambda: AFTER_COMMIT.append(name))


@probe.route("/ok/<name>", methods=["POST"])
def ok(name: str):
    _add(name)
    return "done"


@probe.route("/refused/<name>", methods=["POST"])
def refused(name: str):
    _add(name)
    show_refusal(Refused(Problem("no", "Ні.")))
    return "shown", 200


@probe.route("/kept/<name>", methods=["POST"])
def kept(name: str):
    _add(name)
    show_refusal(Refused(Problem("miss", "Не збігається."), keep=True))
    return "shown", 200


@probe.route("/twice/<name>", methods=["POST"])
def twice(name: str):
    """Two districts of one name: the flush is deferred to the commit, which fails."""
    db_session().add_all([District(name=name), District(name=name)])
    flash("Збережено.", "success")
    return "saved"


@probe.route("/error/<name>", methods=["POST"])
def error(name: str):
    _add(name)
    abort(409)


@probe.route("/crash/<name>", methods=["POST"])
def crash(name: str):
    _add(name)
    raise RuntimeError("the view failed")


@pytest.fixture
def probed(database_url, tmp_path, db):
    app = create_app("testing", {"DATABASE_URL": database_url,
                                 "MAIL_OUTBOX": str(tmp_path), "SERVER_NAME": "portal.test"})
    app.register_blueprint(probe)
    AFTER_COMMIT.clear()
    with joined_transaction(app, db.connection()):
        yield app
    app.extensions["portal.db"].engine.dispose()


def _kept(db, name: str) -> bool:
    return db.scalar(select(District).where(District.name == name)) is not None


@pytest.mark.parametrize(("route", "status", "kept_row"), [
    ("ok", 200, True),
    ("refused", 200, False),
    ("kept", 200, True),
    ("error", 409, False),
    ("crash", 500, False),
])
def test_a_request_keeps_its_work_only_when_it_succeeds(probed, db, route, status, kept_row):
    name = f"Район-{route}"
    response = probed.test_client().post(f"/probe/{route}/{name}")
    assert response.status_code == status
    assert _kept(db, name) is kept_row
    assert ([name] if kept_row else []) == AFTER_COMMIT


def test_a_commit_that_fails_is_an_error_page_and_leaves_no_success_message(probed, db):
    probed.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production
    client = probed.test_client()
    response = client.post("/probe/twice/Район-двічі")
    assert response.status_code == 500
    assert "Збережено." not in response.get_data(as_text=True)  # the error page shows flashes
    assert not _kept(db, "Район-двічі")
    with client.session_transaction() as cookie:
        assert "_flashes" not in cookie
