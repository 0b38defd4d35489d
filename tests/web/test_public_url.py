"""Every absolute link comes from PUBLIC_URL, and a request for another host is refused.

These tests run an app of their own, as production runs: no SERVER_NAME, PUBLIC_URL
https://budget.example.ua. The test client's own host, localhost, is answered (testing
answers the developer's machine too), so a link that still followed the request's host
would say http://localhost/... and be caught.
"""

from __future__ import annotations

import base64
import email
import hashlib
import re
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import create_app
from portal.accounts.models import Role, User
from portal.clock import utcnow
from portal.cycles.rules import Phase
from portal.db import db_session
from portal.links import external_url, trusted_hosts
from portal.projects.rules import ProjectStatus
from portal.review.decisions import record_decision
from portal.review.notices import send_decision_notices
from portal.review.rules import DecisionKind
from tests.conftest import csrf_token, joined_transaction, post_form, sign_in
from tests.factories import accounts
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project
from tests.factories.review import held_meeting, seat_commission
from tests.factories.voting import make_vote, make_voting_cycle

PUBLIC = "https://budget.example.ua"
ROOT = Path(__file__).resolve().parents[2]


def _app(app, tmp_path_factory, **overrides):
    made = create_app("testing", {"DATABASE_URL": app.config["DATABASE_URL"],
                                  "MAIL_OUTBOX": str(tmp_path_factory.mktemp("outbox")),
                                  "PUBLIC_URL": PUBLIC, **overrides})
    yield made
    made.extensions["portal.db"].engine.dispose()


@pytest.fixture(scope="module")
def public_app(app, tmp_path_factory):
    yield from _app(app, tmp_path_factory)


@pytest.fixture(scope="module")
def proxied_app(app, tmp_path_factory):
    """Behind one reverse proxy, whose X-Forwarded-* headers are believed."""
    yield from _app(app, tmp_path_factory, PROXY_HOPS=1)


def _client(portal, db):
    for old in Path(portal.config["MAIL_OUTBOX"]).glob("*.eml"):
        old.unlink()
    with joined_transaction(portal, db.get_bind()):
        yield portal.test_client()


@pytest.fixture
def client(public_app, db):
    yield from _client(public_app, db)


@pytest.fixture
def proxied(proxied_app, db):
    yield from _client(proxied_app, db)


def mails(portal) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(path.read_bytes(), policy=default)
            for path in sorted(Path(portal.config["MAIL_OUTBOX"]).glob("*.eml"))]


def link_in(message, path: str) -> str:
    """The one absolute link in ``message`` whose path starts with ``path``."""
    found = re.findall(r"\S+://\S*" + re.escape(path) + r"\S*", message.get_content())
    assert len(found) == 1, message.get_content()
    return found[0]


@pytest.fixture
def resident(db, app):
    with app.test_request_context("/"):
        return accounts.make_user(db, email="olena@example.org",
                                  secret=app.config["PERSON_KEY_SECRET"])


# The host check.

@pytest.mark.parametrize(("language", "words"), [
    ("uk", "Портал не відповідає за цією адресою"),
    ("en", "The portal does not answer at this address"),
])
def test_a_reset_asked_through_another_host_is_refused_and_mails_nothing(
        client, public_app, resident, language, words):
    token = csrf_token(client, "/forgot")
    response = client.post("/forgot", data={"email": resident.email, "csrf_token": token},
                           headers={"Host": "evil.example", "Accept-Language": language})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert words in body
    assert f'href="{PUBLIC}/"' in body and "evil.example" not in body
    assert response.content_type == "text/html; charset=utf-8"
    assert mails(public_app) == []


def test_a_forwarded_host_is_checked_like_the_host_behind_a_proxy(proxied, proxied_app,
                                                                  resident):
    token = csrf_token(proxied, "/forgot")
    response = proxied.post("/forgot", data={"email": resident.email, "csrf_token": token},
                            headers={"Host": "budget.example.ua",
                                     "X-Forwarded-Host": "evil.example",
                                     "X-Forwarded-Proto": "https"})
    assert response.status_code == 400
    assert "Портал не відповідає за цією адресою" in response.get_data(as_text=True)
    assert mails(proxied_app) == []
    # Forwarded by the proxy as the public host, the same request is answered.
    response = proxied.post("/forgot", data={"email": resident.email, "csrf_token": token},
                            headers={"X-Forwarded-Host": "budget.example.ua",
                                     "X-Forwarded-Proto": "https"})
    assert response.status_code == 302
    assert link_in(mails(proxied_app)[0], "/reset/").startswith(f"{PUBLIC}/reset/")


def test_without_a_proxy_a_forwarded_host_is_ignored(client, public_app, resident):
    response = post_form(client, "/forgot", {"email": resident.email},
                         headers={"X-Forwarded-Host": "evil.example"})
    assert response.status_code == 302
    assert link_in(mails(public_app)[0], "/reset/").startswith(f"{PUBLIC}/reset/")


def test_the_api_refuses_another_host_in_json(client):
    response = client.get("/api/v1/openapi.json", headers={"Host": "evil.example:8000",
                                                           "Accept-Language": "en"})
    assert response.status_code == 400
    assert response.json == {"error": {
        "code": 400, "title": "Wrong address",
        "message": "The portal does not answer at this address. Open it at its own address:",
        "public_url": PUBLIC}}


def test_the_wrong_host_page_brings_its_look_allowed_by_its_hash(client):
    """Its stylesheet is on the public host, which the page's origin may not load: the page
    carries its few rules inline, and its policy allows exactly those (by hash), nothing else."""
    response = client.get("/forgot", headers={"Host": "evil.example"})
    assert response.status_code == 400
    style = re.search(r"<style>(.*?)</style>", response.get_data(as_text=True), re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    assert f"style-src 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy and "script-src" not in policy


@pytest.mark.parametrize("host", ["budget.example.ua", "budget.example.ua:443", "localhost",
                                  "127.0.0.1:5000"])
def test_the_public_host_and_the_developer_s_machine_are_answered(client, host):
    assert client.get("/", headers={"Host": host}).status_code == 200


def test_production_answers_its_public_host_only(public_app):
    production = {"PUBLIC_URL": "https://Budget.Example.UA:8443/", "LOCAL_HOSTS": ()}
    assert trusted_hosts(production) == ["budget.example.ua"]
    assert public_app.config["TRUSTED_HOSTS"] == ["budget.example.ua", "localhost", "127.0.0.1"]


# Every mail with a link.

def test_the_reset_link_starts_with_the_public_url(client, public_app, resident):
    response = post_form(client, "/forgot", {"email": resident.email})
    assert response.status_code == 302
    link = link_in(mails(public_app)[0], "/reset/")
    assert link.startswith(f"{PUBLIC}/reset/")
    # ... and it works.
    path = link.removeprefix(PUBLIC)
    assert client.get(path).status_code == 200


def test_the_confirmation_link_starts_with_the_public_url(client, public_app, db):
    response = post_form(client, "/register", {
        "display_name": "Петро", "email": "petro@example.org",
        "password": "walks-by-the-river-at-dawn-7",
        "password_again": "walks-by-the-river-at-dawn-7"})
    assert response.status_code == 302
    link = link_in(mails(public_app)[0], "/confirm/")
    assert link.startswith(f"{PUBLIC}/confirm/")
    assert client.get(link.removeprefix(PUBLIC)).status_code == 302
    user = db.scalars(select(User).where(User.email == "petro@example.org")).one()
    assert user.email_confirmed_at is not None


def test_the_co_author_invitation_link_starts_with_the_public_url(client, public_app, db,
                                                                   resident):
    cycle = make_cycle(db, accounts.make_user(db, Role.ADMIN))
    project = make_project(db, cycle, resident)
    sign_in(client, resident)
    response = post_form(client, f"/projects/{project.id}/coauthors",
                         {"email": "friend@example.org"},
                         token_from=f"/projects/{project.id}/edit")
    assert response.status_code == 302
    [letter] = mails(public_app)
    assert letter["To"] == "friend@example.org"
    assert link_in(letter, "/projects/coauthor/").startswith(f"{PUBLIC}/projects/coauthor/")


def test_the_decision_notice_links_to_the_public_review_page(client, public_app, db):
    member = accounts.make_user(db, Role.COMMISSION)
    author = accounts.make_user(db, email="author@example.org")
    cycle = make_cycle(db, accounts.make_user(db, Role.ADMIN), phase=Phase.REVIEW)
    seat_commission(db, cycle, member)
    project = make_project(db, cycle, author, status=ProjectStatus.SUBMITTED)
    meeting = held_meeting(db, cycle, member, present=6, projects=[project])
    with public_app.test_request_context("/", headers={"Host": "localhost"}):
        recorded = record_decision(db, actor=member, meeting=meeting, project=project,
                                   kind=DecisionKind.ADMIT, votes_for=6, votes_against=0,
                                   abstained=0, now=utcnow())
        send_decision_notices(recorded.notices)
        db_session().commit()  # mail leaves with the transaction that wrote it
    [letter] = mails(public_app)
    assert letter["To"] == "author@example.org"
    assert link_in(letter, "/review/projects/") == f"{PUBLIC}/review/projects/{project.id}"


def test_a_mail_sent_by_a_command_links_to_the_public_url_too(public_app):
    with public_app.app_context():
        assert external_url("accounts.reset", token="abc") == f"{PUBLIC}/reset/abc"


def test_a_public_url_with_a_path_keeps_it_in_every_link(app, tmp_path_factory):
    for portal in _app(app, tmp_path_factory, PUBLIC_URL="https://city.example.ua/budget/"):
        with portal.test_request_context("/", headers={"Host": "localhost"}):
            assert external_url("accounts.reset", token="abc") == (
                "https://city.example.ua/budget/reset/abc")
            assert external_url("main.index") == "https://city.example.ua/budget/"
        assert portal.config["TRUSTED_HOSTS"][0] == "city.example.ua"


# Receipts.

def test_the_receipts_give_the_public_address_of_the_board(client, db, app):
    from portal.identity.rules import make_rnokpp

    with app.test_request_context("/"):
        verifier = accounts.make_user(db, Role.VERIFIER)
        voter = accounts.make_user(db, verified=True, secret=app.config["PERSON_KEY_SECRET"])
    cycle = make_voting_cycle(db, accounts.make_user(db, Role.ADMIN))
    project = make_project(db, cycle, voter, status=ProjectStatus.ADMITTED)
    board = f'<a href="{PUBLIC}/voting/{cycle.id}/board">{PUBLIC}/voting/{cycle.id}/board</a>'
    sign_in(client, verifier)
    paper = post_form(client, f"/desk/voting/{cycle.id}", {
        "kind": "rnokpp", "number": make_rnokpp("420000001"), "birth_date": "1980-02-02",
        "resident": "y", "document_checked": "y", "district": "",
        "choice": [f"{project.category_id}:{project.id}"]})
    assert "receipt-code" in paper.get_data(as_text=True)
    assert board in paper.get_data(as_text=True)
    sign_in(client, voter)
    post_form(client, f"/voting/{cycle.id}/ballot",
              {"choice": [f"{project.category_id}:{project.id}"], "action": "cast"})
    online = client.get(f"/voting/{cycle.id}/my-ballot").get_data(as_text=True)
    assert "receipt-code" in online and board in online


# The API.

def test_the_openapi_servers_are_the_public_url_of_the_api(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["servers"] == [{"url": f"{PUBLIC}/api/v1"}]
    # Each path is relative to that server: server + path is the real address.
    assert "/cycles/{cycle_id}/board" in document["paths"]
    assert not any(path.startswith("/api/") for path in document["paths"])


def test_the_results_link_to_the_board_at_the_public_url(client, db):
    cycle = make_vote(db)[0]
    results = client.get(f"/api/v1/cycles/{cycle.id}/results").get_json()
    assert results["board"] == f"{PUBLIC}/api/v1/cycles/{cycle.id}/board"
    assert client.get(results["board"].removeprefix(PUBLIC)).status_code == 200


# No link is built from the request anywhere.

def test_no_code_builds_a_link_from_the_request_s_host():
    pattern = re.compile(r"_external\s*=|host_url|url_root|request\.host\b|request\.url\b")
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for folder in ("portal", "templates")
             for path in sorted((ROOT / folder).rglob("*"))
             if path.suffix in (".py", ".html", ".txt") and path.name != "links.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if pattern.search(line)]
    assert found == [], "build absolute links with portal.links.external_url:\n" + "\n".join(
        found)
