"""Pure checks of program records: codes, terms, measure numbers, figures, payment dates."""

from datetime import date
from decimal import Decimal

import pytest

from portal.programs.rules import (
    ProgramProblem,
    check_code,
    check_payment_date,
    check_term,
    check_year_in_term,
    measure_sort_key,
    parse_figure,
    parse_measure_number,
)


@pytest.mark.parametrize("code", ["bakhmut-civil-society", "k2017", "ab"])
def test_codes_of_latin_letters_digits_and_hyphens_are_accepted(code):
    assert check_code(code) is None


@pytest.mark.parametrize("code", ["", "a", "Bakhmut", "-lead", "бахмут", "a b", "x" * 61])
def test_other_codes_are_refused(code):
    assert check_code(code) is ProgramProblem.CODE_FORMAT


@pytest.mark.parametrize(("start", "end", "expected"), [
    (2017, 2020, []),
    (2014, 2014, []),
    (2020, 2017, [ProgramProblem.TERM_ORDER]),
    (2000, 2020, [ProgramProblem.TERM_LENGTH]),
    (1990, 1995, [ProgramProblem.YEAR_RANGE]),
])
def test_a_term_is_whole_years_in_order_and_at_most_twenty(start, end, expected):
    assert check_term(start, end) == expected


def test_years_outside_the_term_are_refused():
    assert check_year_in_term(2018, 2017, 2020) is None
    assert check_year_in_term(2021, 2017, 2020) is ProgramProblem.YEAR_OUTSIDE_TERM


@pytest.mark.parametrize(("text", "expected"), [
    ("3.3", (3, 3)), (" 4.10 ", (4, 10)), ("1.1.", (1, 1)), ("2 . 5", (2, 5)),
])
def test_measure_numbers_are_read_the_documents_way(text, expected):
    assert parse_measure_number(text) == expected


@pytest.mark.parametrize("text", ["", "3", "3.", "a.1", "0.1", "1.0", "3.3.3", "3,3"])
def test_other_measure_numbers_are_refused(text):
    assert parse_measure_number(text) is ProgramProblem.MEASURE_NUMBER_FORMAT


def test_measure_numbers_sort_numerically():
    assert sorted(["4.10", "4.9", "10.1", "4.2"], key=measure_sort_key) == [
        "4.2", "4.9", "4.10", "10.1"]


@pytest.mark.parametrize(("text", "expected"), [
    ("3500", Decimal("3500")), ("3 500", Decimal("3500")), ("166,7", Decimal("166.7")),
    ("809.5", Decimal("809.5")), ("0,125", Decimal("0.125")), ("1\u00a0000,5", Decimal("1000.5")),
])
def test_figures_are_read_with_a_comma_or_a_dot(text, expected):
    assert parse_figure(text) == expected


@pytest.mark.parametrize(("text", "problem"), [
    ("", ProgramProblem.FIGURE_FORMAT), ("-5", ProgramProblem.FIGURE_FORMAT),
    ("12 34", ProgramProblem.FIGURE_FORMAT), ("1e5", ProgramProblem.FIGURE_FORMAT),
    ("٣٥", ProgramProblem.FIGURE_FORMAT), ("0,1234", ProgramProblem.FIGURE_TOO_PRECISE),
    ("1" + "0" * 15, ProgramProblem.FIGURE_TOO_LARGE),
])
def test_figures_that_are_not_exact_numbers_are_refused(text, problem):
    assert parse_figure(text) is problem


def test_a_payment_belongs_to_the_budget_year_of_its_line():
    assert check_payment_date(date(2018, 12, 31), 2018) is None
    assert check_payment_date(date(2019, 1, 2), 2018) is ProgramProblem.PAYMENT_OUTSIDE_YEAR
