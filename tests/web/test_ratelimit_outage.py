"""Redis, where the login limits are kept, unreachable: logging in and asking for a reset
still answer (limited in the process's memory), never a 500."""

from __future__ import annotations

import pytest

from portal import create_app, ratelimit
from tests.conftest import PASSWORD, joined_transaction, post_form
from tests.served import free_port


@pytest.fixture
def redis_down(app, db):
    """The portal with its limits in a Redis where nothing listens."""
    unreachable = f"redis://127.0.0.1:{free_port()}/0"
    portal = create_app("testing", {"DATABASE_URL": app.config["DATABASE_URL"],
                                    "RATELIMIT_STORAGE_URI": unreachable,
                                    "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1},
                                    "SERVER_NAME": "portal.test"})
    try:
        with joined_transaction(portal, db.get_bind()):
            yield portal
    finally:
        portal.extensions["portal.db"].engine.dispose()
        ratelimit._memory.clear()
        # The limiter is one object: give it back a storage the next tests can reach.
        again = create_app("testing", {"DATABASE_URL": app.config["DATABASE_URL"]})
        again.extensions["portal.db"].engine.dispose()


def test_the_owner_logs_in_while_redis_is_down(redis_down, make_user):
    owner = make_user()
    response = post_form(redis_down.test_client(), "/login",
                         {"email": owner.email, "password": PASSWORD})
    assert response.status_code == 302


def test_guessing_is_still_held_back_while_redis_is_down(redis_down, make_user):
    owner = make_user()
    client = redis_down.test_client()
    for n in range(5):
        wrong = post_form(client, "/login", {"email": owner.email, "password": f"guess-{n}"})
        assert wrong.status_code == 200, n
    held = post_form(client, "/login", {"email": owner.email, "password": PASSWORD})
    assert held.status_code == 429
    assert "Забагато невдалих спроб" in held.get_data(as_text=True)


def test_the_limited_pages_answer_while_redis_is_down(redis_down, make_user):
    owner = make_user()
    forgot = post_form(redis_down.test_client(), "/forgot", {"email": owner.email})
    assert forgot.status_code in (200, 302)
    register = post_form(redis_down.test_client(), "/register", {
        "email": "new-resident@example.org", "display_name": "Олена",
        "password": "a-long-enough-passphrase-2026", "confirm": "a-long-enough-passphrase-2026"})
    assert register.status_code < 500
