import pytest

from portal.accounts.rules import (
    PasswordProblem,
    is_valid_email,
    normalize_email,
    password_problems,
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
