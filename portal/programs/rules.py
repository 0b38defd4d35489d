"""Pure checks for program records: numbers, terms, years, figures and payments.

Each check returns a :class:`ProgramProblem` code (or a list of them) instead of raising,
so the services can refuse with a code and the web layer can say why in the reader's
language (``portal.programs.messages``).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

MAX_TERM_YEARS = 20
FIRST_YEAR = 1991  # the first budget year of independent Ukraine
LAST_YEAR = 2100
FIGURE_PLACES = 3
MAX_FIGURE = Decimal(10) ** 15

_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,59}", re.ASCII)
_MEASURE_NUMBER = re.compile(r"\s*(\d{1,3})\s*\.\s*(\d{1,3})\s*\.?\s*", re.ASCII)
_FIGURE = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?", re.ASCII)


class FundingSource(StrEnum):
    """Where a measure's money comes from, in the order report forms list them."""

    CITY_BUDGET = "city_budget"  # "кошти міського бюджету"
    STATE_BUDGET = "state_budget"  # "кошти державного бюджету"
    OTHER = "other"  # "інші джерела": grants, sponsors, donors' programs


class IndicatorGroup(StrEnum):
    """The four groups of performance indicators, in the order the form prints them."""

    COST = "cost"  # "показники затрат"
    PRODUCT = "product"  # "показники продукту"
    EFFICIENCY = "efficiency"  # "показники ефективності"
    QUALITY = "quality"  # "показники якості"


class IndicatorBasis(StrEnum):
    """Where an indicator's figures come from when the report is built."""

    RECORDED = "recorded"  # planned and actual as staff entered them
    TOTAL_FUNDING = "total_funding"  # the report's own totals, in thousands of hryvnias


class PortalFigure(StrEnum):
    """What an indicator's actual value can be computed from."""

    PROJECTS_SUBMITTED = "projects_submitted"
    AUTHORS = "authors"
    VOTERS = "voters"
    WINNERS = "winners"
    IMPLEMENTED = "implemented"
    MONEY_FINANCED = "money_financed"


class ProgramProblem(StrEnum):
    """Why a program record was refused; ``messages.py`` words each code."""

    CODE_FORMAT = "code_format"
    CODE_TAKEN = "code_taken"
    SIGNATORY_FORMAT = "signatory_format"
    TERM_ORDER = "term_order"
    TERM_LENGTH = "term_length"
    YEAR_RANGE = "year_range"
    YEAR_OUTSIDE_TERM = "year_outside_term"
    AMENDMENT_TAKEN = "amendment_taken"
    TASK_NUMBER_TAKEN = "task_number_taken"
    MEASURE_NUMBER_FORMAT = "measure_number_format"
    MEASURE_NUMBER_TAKEN = "measure_number_taken"
    UNKNOWN_TASK = "unknown_task"
    UNKNOWN_MEASURE = "unknown_measure"
    UNKNOWN_DEPARTMENT = "unknown_department"
    DEPARTMENT_TAKEN = "department_taken"
    DEPARTMENT_IN_USE = "department_in_use"
    LINE_EXISTS = "line_exists"
    HAS_PAYMENTS = "has_payments"
    WINNER_LINE = "winner_line"
    CYCLE_NOT_LINKED = "cycle_not_linked"
    PAYMENT_OUTSIDE_YEAR = "payment_outside_year"
    AMOUNT_NOT_POSITIVE = "amount_not_positive"
    FIGURE_FORMAT = "figure_format"
    FIGURE_TOO_PRECISE = "figure_too_precise"
    FIGURE_TOO_LARGE = "figure_too_large"
    FIGURE_NEEDS_NO_ACTUAL = "figure_needs_no_actual"
    TERMS_CHANGED_UNDER_LINES = "terms_changed_under_lines"
    TEXT_REQUIRED = "text_required"


def check_code(code: str) -> ProgramProblem | None:
    """A program's code names it in URLs and on the command line: ``bakhmut-civil-2017``."""
    return None if _CODE.fullmatch(code) else ProgramProblem.CODE_FORMAT


def check_term(start_year: int, end_year: int) -> list[ProgramProblem]:
    """A program runs over whole budget years, at most twenty of them."""
    problems = []
    if not (FIRST_YEAR <= start_year <= LAST_YEAR and FIRST_YEAR <= end_year <= LAST_YEAR):
        problems.append(ProgramProblem.YEAR_RANGE)
    elif start_year > end_year:
        problems.append(ProgramProblem.TERM_ORDER)
    elif end_year - start_year >= MAX_TERM_YEARS:
        problems.append(ProgramProblem.TERM_LENGTH)
    return problems


def check_year_in_term(year: int, start_year: int, end_year: int) -> ProgramProblem | None:
    """Funding lines, indicators and reports belong to a year of the program's term."""
    return None if start_year <= year <= end_year else ProgramProblem.YEAR_OUTSIDE_TERM


def parse_measure_number(text: str) -> tuple[int, int] | ProgramProblem:
    """Read a measure number the documents' way: "3.3" -> (3, 3); "1.1." is accepted too."""
    match = _MEASURE_NUMBER.fullmatch(text or "")
    if match is None:
        return ProgramProblem.MEASURE_NUMBER_FORMAT
    task, seq = int(match[1]), int(match[2])
    if task < 1 or seq < 1:
        return ProgramProblem.MEASURE_NUMBER_FORMAT
    return task, seq


def measure_sort_key(number: str) -> tuple[int, int]:
    """Order measure numbers numerically, so "4.10" follows "4.9"."""
    parsed = parse_measure_number(number)
    return parsed if isinstance(parsed, tuple) else (10**6, 10**6)


def parse_figure(text: str) -> Decimal | ProgramProblem:
    """Read an indicator figure typed the Ukrainian or the English way ("3 500", "166,7").

    At most three decimals: a figure is a count, a share or an amount in thousands, and a
    silently rounded figure would be a different figure.
    """
    stripped = (text or "").strip()
    if not _FIGURE.fullmatch(stripped):
        return ProgramProblem.FIGURE_FORMAT
    normalised = re.sub(r"[ \u00a0\u202f]", "", stripped).replace(",", ".")
    try:
        value = Decimal(normalised)
    except InvalidOperation:
        return ProgramProblem.FIGURE_FORMAT
    if value.as_tuple().exponent < -FIGURE_PLACES:  # type: ignore[operator]
        return ProgramProblem.FIGURE_TOO_PRECISE
    if value >= MAX_FIGURE:
        return ProgramProblem.FIGURE_TOO_LARGE
    return value


def check_payment_date(paid_on: date, line_year: int) -> ProgramProblem | None:
    """A payment belongs to the budget year of its line: money is budgeted by year."""
    return None if paid_on.year == line_year else ProgramProblem.PAYMENT_OUTSIDE_YEAR

