"""Exact parsing and Ukrainian formatting of money and percentages."""

from decimal import Decimal

import pytest

from portal.money import (
    NBSP,
    AmountError,
    AmountProblem,
    format_hryvnias,
    format_number,
    format_percent,
    format_thousands,
    machine_decimal,
    parse_hryvnias,
    parse_thousands,
    percent,
    percent_value,
)


@pytest.mark.parametrize(
    ("text", "kopecks"),
    [
        ("1 234,56", 123456),
        ("1234.56", 123456),
        ("1234,5", 123450),
        (f"1{NBSP}234{NBSP}567,89", 123456789),
        ("1\u202f234", 123400),
        ("  0,01 ", 1),
        ("0", 0),
        ("7", 700),
        # 0.1 + 0.2 style inputs stay exact: floats would give 30.000000000000004.
        ("0,30", 30),
    ],
)
def test_parse_hryvnias_is_exact(text: str, kopecks: int) -> None:
    assert parse_hryvnias(text) == kopecks


@pytest.mark.parametrize(
    ("text", "kopecks"),
    [
        ("809,5", 80950000),
        ("0,5", 50000),
        ("25,401", 2540100),
        ("2 000,0", 200000000),
        ("12,76", 1276000),
        ("0,00001", 1),
    ],
)
def test_parse_thousands_is_exact(text: str, kopecks: int) -> None:
    assert parse_thousands(text) == kopecks


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", AmountProblem.EMPTY),
        ("   ", AmountProblem.EMPTY),
        ("-5", AmountProblem.NEGATIVE),
        ("abc", AmountProblem.NOT_A_NUMBER),
        ("1.234,56", AmountProblem.NOT_A_NUMBER),
        ("12 34", AmountProblem.NOT_A_NUMBER),
        ("5,", AmountProblem.NOT_A_NUMBER),
        ("1e3", AmountProblem.NOT_A_NUMBER),
        ("NaN", AmountProblem.NOT_A_NUMBER),
        ("\u0661\u0662", AmountProblem.NOT_A_NUMBER),
        ("1,234", AmountProblem.TOO_PRECISE),
    ],
)
def test_parse_hryvnias_refuses_bad_input_with_a_reason(text: str, problem: AmountProblem) -> None:
    with pytest.raises(AmountError) as caught:
        parse_hryvnias(text)
    assert caught.value.problem is problem
    assert isinstance(caught.value, ValueError)


def test_parse_thousands_refuses_fractions_of_a_kopeck() -> None:
    with pytest.raises(AmountError) as caught:
        parse_thousands("0,000001")
    assert caught.value.problem is AmountProblem.TOO_PRECISE


@pytest.mark.parametrize(
    ("kopecks", "text"),
    [
        (80950000, "809,5"),
        (0, "0,0"),
        (50000, "0,5"),
        # 4 999,99 грн is 4,99999 thousand: half up to 5,0.
        (499999, "5,0"),
        # An exact tie, 0,05 thousand, goes up.
        (5000, "0,1"),
        (4999, "0,0"),
        (111200000, f"1{NBSP}112,0"),
        (-5000, "-0,1"),
    ],
)
def test_format_thousands(kopecks: int, text: str) -> None:
    assert format_thousands(kopecks) == text


def test_format_hryvnias_groups_with_no_break_spaces() -> None:
    assert format_hryvnias(123456789) == f"1{NBSP}234{NBSP}567,89{NBSP}грн"
    assert format_hryvnias(5) == f"0,05{NBSP}грн"
    assert format_hryvnias(100000) == f"1{NBSP}000,00{NBSP}грн"


def test_format_number_keeps_given_decimals_unless_told() -> None:
    assert format_number(Decimal("3500")) == f"3{NBSP}500"
    assert format_number(Decimal("809.5")) == "809,5"
    assert format_number(Decimal("12.345"), places=2) == "12,35"


@pytest.mark.parametrize(
    ("part", "whole", "text"),
    [
        (76430000, 80950000, "94,4"),
        (46420000, 50000000, "92,8"),
        (2, 1, "200,0"),
        (1, 3, "33,3"),
        (2, 3, "66,7"),
        # 0,05 % exactly is a tie and rounds up; 0,0499... does not.
        (1, 2000, "0,1"),
        (1, 2001, "0,0"),
        (Decimal("764.3"), Decimal("809.5"), "94,4"),
        (0, 5, "0,0"),
    ],
)
def test_percent_rounds_half_up_from_exact_integers(part: int, whole: int, text: str) -> None:
    assert percent(part, whole) == text


def test_percent_of_nothing_planned_is_a_dash() -> None:
    assert percent_value(10, 0) is None
    assert percent(10, 0) == "—"
    assert format_percent(None) == "—"


def test_percent_value_is_a_decimal_with_one_place() -> None:
    assert percent_value(1, 1) == Decimal("100.0")
    assert str(percent_value(1, 1)) == "100.0"
    assert percent_value(-1, 2000) == Decimal("-0.1")


def test_long_inputs_are_exact_or_refused_never_rounded() -> None:
    assert parse_hryvnias("92233720368547758,07") == 2**63 - 1
    with pytest.raises(AmountError) as caught:
        parse_hryvnias("92233720368547758,08")
    assert caught.value.problem is AmountProblem.TOO_LARGE
    with pytest.raises(AmountError) as caught:
        parse_hryvnias("1," + "0" * 40 + "1")
    assert caught.value.problem is AmountProblem.TOO_PRECISE


def test_a_whole_budget_is_shown_without_kopecks_and_a_fraction_with_them():
    from portal.money import NBSP, format_hryvnias_short

    assert format_hryvnias_short(50_000_000) == f"500{NBSP}000{NBSP}грн"
    assert format_hryvnias_short(123_456) == f"1{NBSP}234,56{NBSP}грн"


@pytest.mark.parametrize(("value", "text"), [
    (Decimal(40_000_000) / 100_000, "400"),  # Decimal writes this one 4E+2
    (Decimal("809.50"), "809.5"),
    (Decimal("0.05"), "0.05"),
    (Decimal("0E-5"), "0"),
    (Decimal("-12.300"), "-12.3"),
    (110, "110"),
])
def test_a_machine_decimal_has_no_exponent_and_no_trailing_zeros(value, text):
    assert machine_decimal(value) == text
