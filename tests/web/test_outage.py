"""While the database cannot be reached, every request is answered 503 with Retry-After, in
the person's language, by a page made without the database; a form that was sent comes
back to be sent again; and the first request after the database returns works.

The outage is real, in both flavours, whichever database the suite runs on: an SQLite file
in a folder that does not exist, and a PostgreSQL address where nothing listens.
"""

from __future__ import annotations

import io
import logging
import os
import re
import socket
from html.parser import HTMLParser

import pytest
from flask import Blueprint
from sqlalchemy import exc, make_url, select, text
from sqlalchemy.orm import Session

from portal import create_app
from portal.accounts.models import User
from portal.db import db_session, make_engine
from portal.health import redis_health
from tests.conftest import post_form, prepare_database, sign_in

PASSWORD = "walks-by-the-river-at-dawn-7"


def closed_port() -> int:
    """A port on the loopback where nothing listens (taken by the system, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unreachable_url(flavour: str, tmp_path) -> str:
    if flavour == "sqlite":
        return f"sqlite:///{tmp_path / 'no-such-folder' / 'portal.sqlite3'}"
    return f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/portal"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def down(request, tmp_path_factory):
    """An application whose database cannot be reached, answering as in production (an
    error the error pages do not handle would reach the client as gunicorn's bare 500)."""
    tmp_path = tmp_path_factory.mktemp("down")
    app = create_app("testing", {"DATABASE_URL": unreachable_url(request.param, tmp_path),
                                 "MAIL_OUTBOX": str(tmp_path), "SERVER_NAME": "portal.test",
                                 "PROPAGATE_EXCEPTIONS": False})
    yield app
    app.extensions["portal.db"].engine.dispose()


def signed_in(app, locale: str | None = None):
    """A client whose session names an account, as a resident's browser does: the user
    loader would ask the database who it is."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:a-security-stamp"
        session["_fresh"] = True
        if locale:
            session["locale"] = locale
    return client


def a_csrf_token(client) -> str:
    """A valid token of the client's session: the login page is drawn without the database."""
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


class Forms(HTMLParser):
    """The forms of a page: their action and their inputs (name, type, value)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "inputs": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].append((attrs.get("name"), attrs.get("type"),
                                             attrs.get("value")))

    def sending_again(self) -> dict:
        """The form of the outage page that sends the entries again."""
        found = [form for form in self.forms if form["action"] not in ("/language",)]
        assert len(found) == 1, self.forms
        return found[0]


def assert_unavailable(response, *, language: str = "uk"):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    if response.mimetype == "application/json":
        return response.get_json()
    assert f'<html lang="{language}">' in page
    return page


def test_an_anonymous_page_is_503_with_retry_after_in_ukrainian(down):
    page = assert_unavailable(down.test_client().get("/cycles/"))
    assert "Портал тимчасово недоступний" in page
    assert "Спробувати ще раз" in page and 'href="/cycles/"' in page


def test_a_signed_in_page_is_503_in_ukrainian_without_the_account_menu(down):
    page = assert_unavailable(signed_in(down).get("/profile"))
    assert "Портал тимчасово недоступний" in page
    # Who is signed in is unknown without the database: no account menu either way.
    for words in ("Профіль", "Вийти", "Мої проєкти", "Увійти", "Зареєструватися"):
        assert words not in page


def test_the_language_the_person_chose_holds_without_the_database(down):
    page = assert_unavailable(signed_in(down, locale="en").get("/profile"), language="en")
    assert "The portal is temporarily unavailable" in page
    assert "Портал" not in page.split("<main")[1].split("</main>")[0]


def test_the_browsers_language_is_used_when_none_was_chosen(down):
    client = down.test_client()
    page = assert_unavailable(client.get("/projects/", headers={"Accept-Language": "en"}),
                              language="en")
    assert "Try again" in page


def test_the_api_answers_503_json_with_retry_after(down):
    body = assert_unavailable(down.test_client().get("/api/v1/cycles/1/results"))
    assert body["error"]["code"] == 503
    assert body["error"]["title"] == "Портал тимчасово недоступний"
    english = down.test_client().get("/api/v1/cycles/1/board",
                                     headers={"Accept-Language": "en"})
    assert assert_unavailable(english)["error"]["title"] == (
        "The portal is temporarily unavailable")
    signed = signed_in(down, locale="en").get("/api/v1/cycles/1/results")
    assert assert_unavailable(signed)["error"]["title"] == "The portal is temporarily unavailable"


def test_a_missing_page_is_still_404_for_a_signed_in_person(down):
    response = signed_in(down).get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Сторінку не знайдено" in page and "Профіль" not in page


def test_a_sent_form_comes_back_to_be_sent_again_without_its_password(down):
    client = down.test_client()
    token = a_csrf_token(client)
    response = client.post("/register", data={
        "display_name": "Олена <Петрівна>", "email": "olena@example.org",
        "password": PASSWORD, "password_again": PASSWORD, "csrf_token": token,
    })
    page = assert_unavailable(response)
    assert "Не збережено" in page and "Надіслати ще раз" in page
    assert "Паролі та файли не зберігаються" in page
    assert PASSWORD not in page
    form = Forms(page).sending_again()
    assert form["action"] == "/register"
    values = {name: value for name, kind, value in form["inputs"]}
    assert values["display_name"] == "Олена <Петрівна>"  # escaped in the page, intact here
    assert values["email"] == "olena@example.org"
    assert values["csrf_token"]  # valid: sending again works (see the commit's test below)
    assert set(values) == {"display_name", "email", "csrf_token"}


def test_a_signed_in_persons_form_keeps_every_entry_and_its_address(down):
    client = signed_in(down)
    token = a_csrf_token(client)
    text = "Лавки біля школи №3.\nІ ліхтарі — «нові»."
    response = client.post("/projects/new?cycle=2", data={
        "title": "Сквер", "summary": text, "district": "", "csrf_token": token,
        "choice": ["5:40", "5:41"],
    })
    page = assert_unavailable(response)
    assert "Паролі та файли" not in page
    form = Forms(page).sending_again()
    assert form["action"] == "/projects/new?cycle=2"
    assert [(name, value) for name, _kind, value in form["inputs"] if name != "csrf_token"] == [
        ("title", "Сквер"), ("summary", text), ("district", ""),
        ("choice", "5:40"), ("choice", "5:41")]


def test_a_form_sent_from_another_site_is_not_offered_again(down):
    response = signed_in(down).post("/projects/new", data={
        "title": "Підкинуте", "summary": "evil@example.org", "csrf_token": "forged"})
    page = assert_unavailable(response)
    assert "Не збережено" in page and "Надіслати ще раз" not in page
    assert "evil@example.org" not in page and "Підкинуте" not in page


def test_a_form_too_large_to_read_is_not_offered_again_and_is_no_500(down, monkeypatch):
    """The user is looked up (and the outage met) before the body is read; the page does
    not then fail on a body larger than the portal accepts."""
    monkeypatch.setitem(down.config, "MAX_CONTENT_LENGTH", 1024)
    client = signed_in(down)
    token = a_csrf_token(client)
    response = client.post("/projects/1/attachments", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(b"x" * 4096), "a.pdf")})
    page = assert_unavailable(response)
    assert "Не збережено" in page and "Надіслати ще раз" not in page


def test_a_file_sent_is_named_among_what_is_not_kept(down):
    client = signed_in(down)
    token = a_csrf_token(client)
    response = client.post("/projects/1/attachments", content_type="multipart/form-data",
                           data={"csrf_token": token, "caption": "Фото скверу",
                                 "file": (io.BytesIO(b"%PDF-1.4"), "a.pdf")})
    page = assert_unavailable(response)
    assert "Паролі та файли не зберігаються" in page
    inputs = Forms(page).sending_again()["inputs"]
    assert [(name, value) for name, _kind, value in inputs if name != "csrf_token"] == [
        ("caption", "Фото скверу")]


def test_redis_health_names_what_it_cannot_check():
    assert redis_health("memory://") == {"status": "not configured"}
    assert redis_health("redis+sentinel://127.0.0.1:26379/portal") == {"status": "not checked"}
    assert redis_health("redis+unix:///no/such/redis.sock") == {"status": "down",
                                                               "error": "ConnectionError"}


def test_healthz_says_the_database_is_down(down):
    response = down.test_client().get("/healthz")
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert response.get_json() == {
        "status": "unavailable",
        "database": {"status": "down", "error": "OperationalError"},
        "redis": {"status": "not configured"},
    }


def test_each_request_of_an_outage_logs_one_line_without_a_traceback(down, caplog):
    caplog.set_level(logging.INFO)
    signed_in(down).get("/profile")
    problems = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(problems) == 1, [record.getMessage() for record in problems]
    [line] = problems
    assert line.name == "portal.errors" and not line.exc_info
    assert line.getMessage().startswith("Database unavailable on GET /profile: OperationalError")
    assert "\n" not in line.getMessage()


def test_a_commit_the_database_fails_is_503_and_the_form_comes_back(app, client, db,
                                                                     monkeypatch, caplog):
    """The database goes away during the request: the commit fails, nothing is kept, and
    the entries can be sent again once it is back."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # answer as in production

    def lost(self):
        raise exc.OperationalError(None, None, Exception("server closed the connection"))

    data = {"display_name": "Олена", "email": "olena@example.org",
            "password": PASSWORD, "password_again": PASSWORD}
    with monkeypatch.context() as patched:
        patched.setattr(Session, "commit", lost)
        caplog.set_level(logging.INFO)
        response = post_form(client, "/register", data)
    page = assert_unavailable(response)
    assert "Не збережено" in page and "Ваш обліковий запис створено" not in page
    assert db.scalar(select(User).where(User.email == "olena@example.org")) is None
    problems = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [(record.name, bool(record.exc_info)) for record in problems] == [
        ("portal.errors", False)]

    # Sent again, with the password typed anew, once the database is back: saved.
    values = {name: value for name, _kind, value in Forms(page).sending_again()["inputs"]}
    response = client.post("/register", data={**values, "password": PASSWORD,
                                              "password_again": PASSWORD})
    assert response.status_code == 302
    assert db.scalar(select(User).where(User.email == "olena@example.org")) is not None


def test_the_first_request_after_an_sqlite_database_returns_works(tmp_path):
    url = unreachable_url("sqlite", tmp_path)
    app = create_app("testing", {"DATABASE_URL": url, "MAIL_OUTBOX": str(tmp_path),
                                 "SERVER_NAME": "portal.test", "PROPAGATE_EXCEPTIONS": False})
    try:
        client = app.test_client()
        assert client.get("/cycles/").status_code == 503
        (tmp_path / "no-such-folder").mkdir()
        prepare_database(url)
        assert client.get("/cycles/").status_code == 200
        assert client.get("/healthz").get_json()["database"]["status"] == "up"
    finally:
        app.extensions["portal.db"].engine.dispose()


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="needs PostgreSQL")
def test_the_first_request_after_a_postgresql_restart_works(database_url, tmp_path):
    """The server's processes are ended as a restart ends them (AdminShutdown on every
    pooled connection), and the request follows at once, before they may even be gone:
    it must not fail on one of them. Several rounds, so that a race would show."""
    name = f"outage-{os.getpid()}"
    url = make_url(database_url).update_query_dict({"application_name": name})
    app = create_app("testing", {
        "DATABASE_URL": url.render_as_string(hide_password=False),
        "MAIL_OUTBOX": str(tmp_path), "SERVER_NAME": "portal.test",
        "PROPAGATE_EXCEPTIONS": False})
    client = signed_in(app)
    killer = make_engine(database_url)
    try:
        for _ in range(10):
            assert client.get("/healthz").status_code == 200  # the pool holds a used one
            with killer.connect() as other:
                ended = other.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND application_name = :name"), {"name": name}).scalars().all()
            assert ended and all(ended)
            assert client.get("/cycles/").status_code == 200
        assert client.get("/healthz").get_json()["database"]["status"] == "up"
    finally:
        killer.dispose()
        app.extensions["portal.db"].engine.dispose()


def test_the_language_a_signed_in_person_chose_is_kept_for_an_outage(app, client, db,
                                                                     make_user, down):
    """The choice is stored on the account; it is copied into the session while the
    database answers, so the outage page of a later request speaks it too."""
    user = make_user()
    user.locale = "en"
    db.flush()
    sign_in(client, user)
    assert '<html lang="en">' in client.get("/profile").get_data(as_text=True)
    with client.session_transaction() as session:
        assert session["locale"] == "en"
        cookie = dict(session)
    later = down.test_client()
    with later.session_transaction() as session:
        session.update(cookie)
    page = assert_unavailable(later.get("/profile"), language="en")
    assert "The portal is temporarily unavailable" in page


def test_healthz_reports_the_database_up_with_its_latency(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and "Retry-After" not in response.headers
    report = response.get_json()
    assert report["status"] == "ok"
    assert report["database"]["status"] == "up"
    assert 0 <= report["database"]["latency_ms"] < 5000
    assert report["redis"] == {"status": "not configured"}  # limits are kept in memory


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def redis_answers() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.mark.skipif(not redis_answers(), reason=f"needs Redis at {REDIS_URL} (.ci/run starts one)")
def test_healthz_reports_redis_up_where_the_limits_are_kept_there(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", REDIS_URL)
    response = client.get("/healthz")
    assert response.status_code == 200
    redis = response.get_json()["redis"]
    assert redis["status"] == "up" and 0 <= redis["latency_ms"] < 2000


def test_healthz_reports_redis_down_and_the_site_still_up(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI",
                        f"redis://127.0.0.1:{closed_port()}/5")
    response = client.get("/healthz")
    assert response.status_code == 200  # the pages work; only the limits are at risk
    assert response.get_json()["redis"] == {"status": "down", "error": "ConnectionError"}
    assert response.get_json()["database"]["status"] == "up"


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="needs PostgreSQL")
def test_a_connection_lost_in_the_middle_of_a_request_is_503_and_the_next_one_works(
        database_url, tmp_path, caplog):
    """The server ends the connection while the view uses it (here the view asks for it):
    503 with Retry-After and one log line; the next request gets a new connection."""
    app = create_app("testing", {"DATABASE_URL": database_url, "MAIL_OUTBOX": str(tmp_path),
                                 "SERVER_NAME": "portal.test", "PROPAGATE_EXCEPTIONS": False})
    probe = Blueprint("probe", __name__)

    @probe.route("/probe/cut", methods=["POST"])
    def cut():
        db_session().execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return "never"

    app.register_blueprint(probe)
    client = app.test_client()
    try:
        caplog.set_level(logging.INFO)
        token = a_csrf_token(client)
        page = assert_unavailable(client.post("/probe/cut", data={"note": "Лавка",
                                                                  "csrf_token": token}))
        assert "Не збережено" in page
        assert [value for name, _kind, value in Forms(page).sending_again()["inputs"]
                if name == "note"] == ["Лавка"]
        problems = [record for record in caplog.records if record.levelno >= logging.WARNING]
        assert [(record.name, bool(record.exc_info)) for record in problems] == [
            ("portal.errors", False)]
        assert "AdminShutdown" in problems[0].getMessage()
        assert client.get("/healthz").status_code == 200
    finally:
        app.extensions["portal.db"].engine.dispose()


def test_the_api_document_declares_the_503_every_database_operation_can_answer(down):
    """The outage answer is part of the API's contract: every operation that reads the
    database lists 503 with its Retry-After; the document itself is served without one."""
    document = down.test_client().get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if path == "/openapi.json":
                assert "503" not in operation["responses"]
                continue
            unavailable = operation["responses"]["503"]
            assert "Retry-After" in unavailable["headers"], (method, path)
            assert "application/json" in unavailable["content"], (method, path)
