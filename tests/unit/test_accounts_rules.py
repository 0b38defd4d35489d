from datetime import UTC, datetime, timedelta

import pytest

from portal.accounts.rules import (
    PasswordProblem,
    SessionLimits,
    device_summary,
    is_valid_email,
    needs_touch,
    normalize_email,
    password_problems,
    session_is_live,
)


@pytest.mark.parametrize("password", ["qwerty123456", "password1234", "1234567890", "йцукенгшщз1"])
def test_common_passwords_are_refused(password):
    assert PasswordProblem.TOO_COMMON in password_problems(password) or \
        PasswordProblem.TOO_SHORT in password_problems(password)


def test_short_passwords_are_refused():
    assert password_problems("Xq7!pz") == [PasswordProblem.TOO_SHORT]


def test_a_passphrase_is_accepted():
    assert password_problems("correct-horse-battery-staple-77") == []


def test_a_password_containing_the_email_is_refused():
    assert PasswordProblem.CONTAINS_EMAIL in password_problems(
        "olena.petrenko-2026!", email="olena.petrenko@example.org")


def test_overlong_passwords_are_refused_before_scoring():
    assert password_problems("a" * 300) == [PasswordProblem.TOO_LONG]


def test_email_is_normalised_and_checked():
    assert normalize_email("  Olena@Example.ORG ") == "olena@example.org"
    assert is_valid_email("olena@example.org")
    assert not is_valid_email("olena@localhost")


LIMITS = SessionLimits(idle_timeout=timedelta(hours=2), max_age=timedelta(days=14),
                       touch_every=timedelta(minutes=1))
START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def live(*, seen_after: timedelta = timedelta(0), now_after: timedelta, ended: bool = False,
         remembered: bool = False) -> bool:
    return session_is_live(created_at=START, last_seen_at=START + seen_after,
                           ended_at=START if ended else None, remembered=remembered,
                           now=START + now_after, limits=LIMITS)


def test_a_session_lives_until_it_is_idle_for_the_idle_time():
    assert live(now_after=timedelta(hours=1, minutes=59))
    assert not live(now_after=timedelta(hours=2))
    assert live(seen_after=timedelta(hours=5), now_after=timedelta(hours=6))


def test_an_ended_session_is_dead_at_once():
    assert not live(now_after=timedelta(0), ended=True)
    assert not live(now_after=timedelta(days=1), ended=True, remembered=True)


def test_a_remembered_session_is_not_idle_but_still_ends_at_its_lifetime():
    assert live(now_after=timedelta(days=10), remembered=True)
    assert not live(now_after=timedelta(days=14), remembered=True)
    assert not live(seen_after=timedelta(days=13, hours=23), now_after=timedelta(days=14))


def test_activity_is_written_once_a_minute():
    assert not needs_touch(START, now=START + timedelta(seconds=59), limits=LIMITS)
    assert needs_touch(START, now=START + timedelta(minutes=1), limits=LIMITS)


@pytest.mark.parametrize(("user_agent", "summary"), [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
     "Firefox, Windows"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge, Windows"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1", "Safari, iOS"),
    ("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
     "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", "Samsung Internet, Android"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Safari/537.36", "Chrome, macOS"),
    ("curl/8.5.0", ""),
    ("", ""),
])
def test_a_device_is_summed_up_by_its_browser_and_system(user_agent, summary):
    assert device_summary(user_agent) == summary
