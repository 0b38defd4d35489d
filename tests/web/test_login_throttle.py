"""Failed logins hold back the address that fails, not the account's owner: behind one
proxy (``PROXY_HOPS=1``), the attacker's and the owner's addresses come in X-Forwarded-For."""

from __future__ import annotations

import pytest

from portal import create_app
from tests.conftest import PASSWORD, joined_transaction, post_form

ATTACKER = "203.0.113.66"
OWNER = "198.51.100.14"
HELD_BACK = "Забагато невдалих спроб увійти з вашої адреси"


@pytest.fixture
def proxied(app, db):
    """The portal behind one reverse proxy, on the test's transaction."""
    behind = create_app("testing", {"DATABASE_URL": app.config["DATABASE_URL"],
                                    "PROXY_HOPS": 1, "SERVER_NAME": "portal.test"})
    try:
        with joined_transaction(behind, db.get_bind()):
            yield behind
    finally:
        behind.extensions["portal.db"].engine.dispose()


def attempt(app, email: str, password: str, address: str):
    """One login from a fresh browser at ``address``."""
    return post_form(app.test_client(), "/login", {"email": email, "password": password},
                     headers={"X-Forwarded-For": address})


def test_the_attacker_is_held_back_and_the_owner_logs_in_at_once(proxied, make_user):
    owner = make_user()
    for n in range(5):
        response = attempt(proxied, owner.email, f"guess-number-{n}", ATTACKER)
        assert response.status_code == 200, n
        assert "Неправильна електронна пошта або пароль" in response.get_data(as_text=True)
    held = attempt(proxied, owner.email, PASSWORD, ATTACKER)  # even the right password
    assert held.status_code == 429
    assert HELD_BACK in held.get_data(as_text=True)
    page = held.get_data(as_text=True)
    assert 'name="password"' in page and 'href="/forgot"' in page  # the form, and a way out
    assert attempt(proxied, owner.email, PASSWORD, OWNER).status_code == 302


def test_the_owner_logs_in_past_the_accounts_ceiling_from_an_address_without_failures(
        proxied, make_user):
    owner = make_user()
    botnet = [f"192.0.2.{n}" for n in range(1, 5)]
    for address in botnet:  # 4 x 5 = 20 failures: the account's ceiling
        for n in range(5):
            assert attempt(proxied, owner.email, f"guess-{n}", address).status_code == 200
    assert attempt(proxied, owner.email, PASSWORD, OWNER).status_code == 302
    # A fresh address of the attacker's gets one guess, then it is held back too.
    assert attempt(proxied, owner.email, "one-more-guess", "192.0.2.50").status_code == 200
    assert attempt(proxied, owner.email, "and-another", "192.0.2.50").status_code == 429
    # An address with failures on the account is held back before its own limit of five.
    for n in range(2):
        attempt(proxied, owner.email, f"few-{n}", "192.0.2.60")
    assert attempt(proxied, owner.email, "third", "192.0.2.60").status_code == 429
    assert attempt(proxied, owner.email, PASSWORD, "198.51.100.77").status_code == 302


def test_one_address_trying_many_accounts_is_held_back(proxied, make_user):
    accounts = [make_user() for _ in range(8)]
    failures = 0
    for account in accounts:  # four guesses each: under the limit of one account
        for n in range(4):
            if failures < 30:
                assert attempt(proxied, account.email, f"Spring2026-{n}",
                               ATTACKER).status_code == 200
                failures += 1
    assert failures == 30
    victim = accounts[-1]
    assert attempt(proxied, victim.email, "Spring2026-x", ATTACKER).status_code == 429
    assert attempt(proxied, make_user().email, PASSWORD, ATTACKER).status_code == 429
    # Every owner still logs in from their own address.
    for account in accounts:
        assert attempt(proxied, account.email, PASSWORD, OWNER).status_code == 302


def test_unknown_addresses_count_as_wrong_passwords(proxied, make_user):
    for n in range(5):
        assert attempt(proxied, "nobody@example.org", f"guess-{n}", ATTACKER).status_code == 200
    assert attempt(proxied, "Nobody@Example.org ", "guess", ATTACKER).status_code == 429
    assert attempt(proxied, "nobody@example.org", "guess", OWNER).status_code == 200


def test_the_held_back_page_is_in_english_for_english_readers(proxied, make_user):
    owner = make_user()
    for n in range(5):
        attempt(proxied, owner.email, f"guess-{n}", ATTACKER)
    response = post_form(proxied.test_client(), "/login",
                         {"email": owner.email, "password": PASSWORD},
                         headers={"X-Forwarded-For": ATTACKER, "Accept-Language": "en"})
    assert response.status_code == 429
    assert ("Too many failed attempts to log in from your address. Wait a quarter of an hour"
            in response.get_data(as_text=True))
