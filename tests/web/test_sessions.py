"""Server-side sessions: logging out, a new password, the idle time and the profile's
buttons end a session on the server, so a copy of its cookie opens nothing afterwards."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import AccountSession, Role
from portal.clock import utcnow
from tests.conftest import PASSWORD, login, post_form, sign_in

DOMAIN = "portal.test"  # the test app's SERVER_NAME
STAFF_PAGE = "/staff/review/"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
ANDROID = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0.0.0 Mobile Safari/537.36")


def copy_of(app, client, *names: str):
    """A second browser holding a copy of ``client``'s cookies ``names`` (a stolen cookie)."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name, domain=DOMAIN)
        assert cookie is not None, f"no {name} cookie"
        thief.set_cookie(name, cookie.value, domain=DOMAIN)
    return thief


def is_sent_to_login(response) -> bool:
    return response.status_code == 302 and response.location.startswith("/login")


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF)


@pytest.fixture
def clock(monkeypatch):
    """Move the clock the session checks read: ``clock(hours=2)`` is two hours from now."""
    start = utcnow()

    def move(**delta):
        moved = start + timedelta(**delta)
        monkeypatch.setattr("portal.accounts.login.utcnow", lambda: moved)
        return moved

    return move


def test_a_copy_of_the_cookie_taken_before_logout_opens_nothing_after_it(app, client, staff):
    login(client, staff)
    thief = copy_of(app, client, "session")
    assert thief.get("/profile").status_code == 200
    assert thief.get(STAFF_PAGE).status_code == 200
    response = post_form(client, "/logout", {}, token_from="/profile")
    assert response.status_code == 302
    assert is_sent_to_login(thief.get("/profile"))
    assert is_sent_to_login(thief.get(STAFF_PAGE))
    assert is_sent_to_login(client.get("/profile"))


def test_the_remember_cookie_is_bound_to_the_session_and_dies_with_it(app, client, staff):
    response = post_form(client, "/login", {"email": staff.email, "password": PASSWORD,
                                            "remember": "y"})
    assert response.status_code == 302
    # Only the remember cookie: the browser was closed and its session cookie is gone.
    reopened = copy_of(app, client, "remember_token")
    assert reopened.get(STAFF_PAGE).status_code == 200
    post_form(client, "/logout", {}, token_from="/profile")
    assert client.get_cookie("remember_token", domain=DOMAIN) is None
    assert is_sent_to_login(copy_of(app, reopened, "remember_token").get(STAFF_PAGE))


def test_only_the_hash_of_the_token_is_stored(client, db, staff):
    login(client, staff)
    with client.session_transaction() as session:
        token = session["_user_id"]
    row = db.scalars(select(AccountSession).where(AccountSession.user_id == staff.id)).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash and str(staff.id) != token


def test_a_cookie_naming_the_account_instead_of_a_session_opens_nothing(client, staff):
    with client.session_transaction() as session:
        session["_user_id"] = staff.get_id()  # what the cookie held before sessions were kept
        session["_fresh"] = True
    assert is_sent_to_login(client.get("/profile"))


def test_a_session_ends_after_the_idle_time_and_activity_keeps_it(app, client, db, staff,
                                                                  clock):
    login(client, staff)
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    assert idle == timedelta(hours=2)
    clock(hours=1, minutes=50)
    assert client.get("/profile").status_code == 200  # active again: the idle time restarts
    clock(hours=3, minutes=40)
    assert client.get(STAFF_PAGE).status_code == 200
    clock(hours=5, minutes=41)
    assert is_sent_to_login(client.get(STAFF_PAGE))
    clock(hours=5, minutes=42)
    assert is_sent_to_login(client.get("/profile"))  # and it stays ended


def test_a_remembered_session_skips_the_idle_time_but_not_its_lifetime(client, staff, clock):
    post_form(client, "/login", {"email": staff.email, "password": PASSWORD, "remember": "y"})
    clock(days=3)
    assert client.get("/profile").status_code == 200
    clock(days=13, hours=23)
    assert client.get("/profile").status_code == 200
    clock(days=14, minutes=1)
    assert is_sent_to_login(client.get("/profile"))


def test_an_active_session_still_ends_at_its_lifetime(client, staff, clock):
    login(client, staff)
    for minutes in range(110, 14 * 24 * 60, 110):  # a request every 110 minutes
        clock(minutes=minutes)
        assert client.get("/profile").status_code == 200, minutes
    clock(days=14, minutes=1)
    assert is_sent_to_login(client.get("/profile"))


def test_last_activity_is_written_at_most_once_a_minute(client, db, staff, clock):
    login(client, staff)
    row = db.scalars(select(AccountSession).where(AccountSession.user_id == staff.id)).one()
    started = row.last_seen_at
    clock(seconds=30)
    client.get("/profile")
    db.refresh(row)
    assert row.last_seen_at == started
    later = clock(seconds=61)
    client.get("/profile")
    db.refresh(row)
    assert row.last_seen_at == later
    clock(seconds=90)
    client.get("/profile")
    db.refresh(row)
    assert row.last_seen_at == later


def test_the_profile_lists_the_sessions_and_marks_this_device(app, client, staff):
    post_form(client, "/login", {"email": staff.email, "password": PASSWORD},
              headers={"User-Agent": FIREFOX})
    phone = app.test_client()
    post_form(phone, "/login", {"email": staff.email, "password": PASSWORD},
              headers={"User-Agent": ANDROID}, environ_base={"REMOTE_ADDR": "198.51.100.23"})
    page = client.get("/profile").get_data(as_text=True)
    listed = page[page.index('id="sessions-h"'):]
    assert "Де ви увійшли" in listed
    assert "Firefox, Windows" in listed and "Chrome, Android" in listed
    assert "198.51.100.23" in listed
    assert listed.count("цей пристрій") == 1
    # This device comes first, though the phone logged in later.
    assert (listed.index("Firefox, Windows") < listed.index("цей пристрій")
            < listed.index("Chrome, Android"))
    assert "після 2 годин без дій" in listed
    assert "Вийти на інших пристроях" in listed and "Вийти всюди, і тут також" in listed
    # The phone's own page marks the phone.
    phone_page = phone.get("/profile").get_data(as_text=True)
    phone_list = phone_page[phone_page.index('id="sessions-h"'):]
    assert (phone_list.index("Chrome, Android") < phone_list.index("цей пристрій")
            < phone_list.index("Firefox, Windows"))


def test_ending_the_other_sessions_from_the_profile_logs_out_another_browser(app, client,
                                                                            staff):
    login(client, staff)
    other = app.test_client()
    login(other, staff)
    assert other.get(STAFF_PAGE).status_code == 200
    response = post_form(client, "/profile/sessions/end-others", {}, token_from="/profile")
    assert response.status_code == 302 and response.location == "/profile"
    assert is_sent_to_login(other.get(STAFF_PAGE))
    page = client.get("/profile").get_data(as_text=True)
    assert "Ви вийшли на інших своїх пристроях." in page
    assert page.count("цей пристрій") == 1
    assert "Вийти на інших пристроях" not in page  # nothing else is left to end


def test_ending_all_sessions_logs_out_this_browser_too(app, client, staff):
    login(client, staff)
    other = app.test_client()
    login(other, staff)
    response = post_form(client, "/profile/sessions/end-all", {}, token_from="/profile")
    assert response.status_code == 302 and response.location == "/login"
    assert is_sent_to_login(client.get("/profile"))
    assert is_sent_to_login(other.get("/profile"))
    assert "Ви вийшли на всіх своїх пристроях" in client.get("/login").get_data(as_text=True)


def test_the_session_buttons_need_the_form_token(app, client, staff):
    login(client, staff)
    other = app.test_client()
    login(other, staff)
    for action in ("end-others", "end-all"):
        response = client.post(f"/profile/sessions/{action}", data={})
        assert response.status_code == 302 and response.location == "/profile"
        assert "Форма застаріла" in client.get("/profile").get_data(as_text=True)
    assert other.get("/profile").status_code == 200
    assert client.get("/profile").status_code == 200


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, client, staff):
    login(client, staff)
    other = app.test_client()
    login(other, staff)
    stolen = copy_of(app, client, "session")
    response = post_form(client, "/profile/password", {
        "current_password": PASSWORD, "password": "brand-new-passphrase-5",
        "password_again": "brand-new-passphrase-5"}, token_from="/profile")
    assert response.status_code == 302
    assert is_sent_to_login(other.get(STAFF_PAGE))
    assert client.get(STAFF_PAGE).status_code == 200
    # The session that changed it stays (so does a copy of its cookie, until it logs out).
    assert stolen.get("/profile").status_code == 200
    post_form(client, "/logout", {}, token_from="/profile")
    assert is_sent_to_login(stolen.get("/profile"))


def test_resetting_the_password_ends_every_session(app, client, db, staff, outbox):
    login(client, staff)
    from portal.accounts import services
    from tests.web.test_accounts_flow import latest_link

    post_form(app.test_client(), "/forgot", {"email": staff.email})
    link = latest_link(outbox, r"http://portal\.test/reset/\S+").replace("http://portal.test", "")
    stranger = app.test_client()
    response = post_form(stranger, link, {"password": "brand-new-passphrase-5",
                                          "password_again": "brand-new-passphrase-5"})
    assert response.status_code == 302
    assert is_sent_to_login(client.get("/profile"))
    assert services.find_user_by_email(db, staff.email) is not None


def test_a_blocked_account_is_signed_out_at_once(client, db, staff):
    sign_in(client, staff)
    assert client.get("/profile").status_code == 200
    staff.active = False
    db.flush()
    assert is_sent_to_login(client.get("/profile"))


def test_an_idle_time_of_minutes_is_said_in_minutes(app, client, staff, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_TIMEOUT", timedelta(minutes=25))
    login(client, staff)
    assert "після 25 хвилин без дій" in client.get("/profile").get_data(as_text=True)
