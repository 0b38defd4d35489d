from datetime import date

import pytest

from portal.identity.rules import (
    NumberKind,
    NumberProblem,
    PersonNumber,
    age_on,
    make_rnokpp,
    parse_person_number,
    person_key,
    resides_in,
    rnokpp_check_digit,
)


def test_a_real_shaped_tax_number_with_its_check_digit_is_accepted():
    number = make_rnokpp("312456789")
    assert parse_person_number(number, NumberKind.RNOKPP) == PersonNumber(NumberKind.RNOKPP, number)


def test_spaces_and_dashes_in_a_tax_number_are_ignored():
    number = make_rnokpp("312456789")
    spaced = f"{number[:3]} {number[3:6]}-{number[6:]}"
    assert parse_person_number(spaced, NumberKind.RNOKPP).value == number


STEM = "298765432"


@pytest.mark.parametrize("wrong_digit", [d for d in range(10) if d != rnokpp_check_digit(STEM)])
def test_every_wrong_check_digit_is_refused(wrong_digit):
    stem = STEM
    parsed = parse_person_number(f"{stem}{wrong_digit}", NumberKind.RNOKPP)
    assert parsed is NumberProblem.RNOKPP_CHECK_DIGIT


@pytest.mark.parametrize("raw", ["123", "12345678901", "12345abcde"])
def test_a_tax_number_must_have_ten_digits(raw):
    assert parse_person_number(raw, NumberKind.RNOKPP) is NumberProblem.RNOKPP_LENGTH


def test_an_empty_number_is_named_as_empty():
    assert parse_person_number("  ", NumberKind.RNOKPP) is NumberProblem.EMPTY


def test_check_digit_follows_the_published_weights():
    # weights -1 5 7 9 4 6 10 5 7 over 1 2 3 4 5 6 7 8 9: 295, 295 % 11 = 9
    assert rnokpp_check_digit("123456789") == 9


@pytest.mark.parametrize("raw, normalised", [
    ("123456789", "123456789"),
    ("ВК 123456", "ВК123456"),
    ("bk123456", "ВК123456"),  # typed on a Latin layout
])
def test_document_numbers_are_normalised(raw, normalised):
    assert parse_person_number(raw, NumberKind.DOCUMENT).value == normalised


@pytest.mark.parametrize("raw", ["12345678", "ZZ123456", "ВК12345"])
def test_malformed_document_numbers_are_refused(raw):
    assert parse_person_number(raw, NumberKind.DOCUMENT) is NumberProblem.DOCUMENT_FORMAT


def test_person_key_is_stable_secret_dependent_and_does_not_contain_the_number():
    number = PersonNumber(NumberKind.RNOKPP, make_rnokpp("312456789"))
    key = person_key(number, "secret-a")
    assert key == person_key(number, "secret-a")
    assert key != person_key(number, "secret-b")
    assert number.value not in key and len(key) == 64


def test_a_tax_number_and_a_document_with_the_same_digits_are_different_people():
    digits = "123456789"
    as_doc = PersonNumber(NumberKind.DOCUMENT, digits)
    as_tax = PersonNumber(NumberKind.RNOKPP, digits + "9")
    assert person_key(as_doc, "s") != person_key(as_tax, "s")


@pytest.mark.parametrize("birth, day, age", [
    (date(2008, 3, 15), date(2026, 3, 14), 17),
    (date(2008, 3, 15), date(2026, 3, 15), 18),
    (date(2008, 2, 29), date(2026, 2, 28), 17),
    (date(2008, 2, 29), date(2026, 3, 1), 18),
])
def test_age_counts_full_years_on_the_given_day(birth, day, age):
    assert age_on(birth, day) == age


@pytest.mark.parametrize("address, locality, expected", [
    ("Донецька обл., м. Бахмут, вул. Миру, 5", "", True),
    ("м.Бахмут, вул. Миру, 5", "", True),
    ("БАХМУТ", "", True),
    ("м. Київ, вул. Бахмутська, 3", "", False),
    ("Донецька обл., с. Бахмутівка", "", False),
    ("Донецька обл., Бахмутський р-н, с. Опитне", "", True),
    ("", "", False),
    ("ignored when the locality is given: Бахмут", "Київ", False),
    ("", "м. Бахмут", True),
    ("", "місто  бахмут", True),
    ("", "Опитне", True),
])
def test_residence_is_decided_by_whole_settlement_names(address, locality, expected):
    assert resides_in(address, ("Бахмут", "с. Опитне"), locality=locality) is expected


def test_apostrophes_of_every_kind_name_the_same_settlement():
    assert resides_in("Київська обл., с. Мар’янівка", ["Мар'янівка"])
    assert resides_in("", ["Мар'янівка"], locality="Марʼянівка")


def test_nobody_resides_in_a_community_without_localities():
    assert not resides_in("м. Бахмут", [])
