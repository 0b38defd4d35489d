"""Exact money arithmetic and Ukrainian number formatting.

Money is an ``int`` number of kopecks everywhere in the portal (100 kopecks = 1 hryvnia).
Floats never touch it: user input is scaled to kopecks with integer arithmetic and
rejected, not rounded, when it carries more precision than a kopeck; formatting and
percentages go through ``Decimal`` and exact integer ratios.

Formatting follows the Ukrainian reporting convention of the source documents:

* report tables show thousands of hryvnias with one decimal and a decimal comma
  (``80950000`` kopecks -> ``"809,5"``);
* the interface shows full hryvnias with kopecks (``"1 234 567,89 грн"``);
* percentages have one decimal and a decimal comma (``"94,4"``).

Rounding is ``ROUND_HALF_UP`` in the ``decimal`` module's sense: a tie goes away from
zero (``0,05`` -> ``0,1``; ``-0,05`` -> ``-0,1``). That is the rule Ukrainian finance
departments apply by hand and the one the documents' printed figures follow.

Digit groups are separated by U+00A0 NO-BREAK SPACE, never a plain space, so a number
is not broken across lines. The plain no-break space was chosen over the narrow one
(U+202F) because every font the portal may render with, including those used for PDF
and DOCX exports, has a glyph for it. Groups start at four digits (``"1 112,0"``).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

__all__ = [
    "KOPECKS_PER_HRYVNIA",
    "KOPECKS_PER_THOUSAND",
    "MAX_KOPECKS",
    "NBSP",
    "AmountError",
    "AmountProblem",
    "format_hryvnias",
    "format_hryvnias_short",
    "format_number",
    "format_percent",
    "format_thousands",
    "machine_decimal",
    "parse_hryvnias",
    "parse_thousands",
    "percent",
    "percent_value",
]

NBSP = "\u00a0"
"""The thousands separator of every formatted number."""

KOPECKS_PER_HRYVNIA = 100
KOPECKS_PER_THOUSAND = 100_000
MAX_KOPECKS = 2**63 - 1
"""The largest amount a BIGINT column holds; larger input is a typo, not a budget."""

NO_PERCENT = "—"
"""What a percentage shows when its base is zero: there is nothing to execute against."""


# Digits with optional space-grouped thousands, then an optional fraction after a comma
# or a dot. Grouping is checked (1-3 digits, then groups of exactly 3) so that a typo
# such as "12 34" is refused instead of silently read as 1234. ASCII digits only: int()
# would also read Arabic-Indic or full-width digits, which no one types as an amount.
_AMOUNT = re.compile(
    r"(?P<int>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](?P<frac>\d+))?", re.ASCII
)


class AmountProblem(StrEnum):
    """Why a typed amount was refused; the web layer maps each code to a message."""

    EMPTY = "empty"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    TOO_PRECISE = "too_precise"
    TOO_LARGE = "too_large"


class AmountError(ValueError):
    """A typed amount that cannot be read as an exact non-negative sum of money."""

    def __init__(self, problem: AmountProblem, text: str) -> None:
        super().__init__(f"{problem.value}: {text!r}")
        self.problem = problem
        self.text = text


def _parse_kopecks(text: str, kopecks_per_unit: int) -> int:
    """Read a non-negative amount typed the Ukrainian or the English way, in kopecks.

    The digits are scaled as integers, so no precision limit of ``Decimal`` or of a
    float can round a long input; a fraction finer than one kopeck is refused.
    """
    stripped = text.strip()
    if not stripped:
        raise AmountError(AmountProblem.EMPTY, text)
    if stripped.startswith("-"):
        raise AmountError(AmountProblem.NEGATIVE, text)
    match = _AMOUNT.fullmatch(stripped)
    if match is None:
        raise AmountError(AmountProblem.NOT_A_NUMBER, text)
    if len(stripped) > 60:  # far past MAX_KOPECKS; int() refuses 4 300 digits with an error
        raise AmountError(AmountProblem.TOO_LARGE, text)
    whole = int(re.sub(r"\D", "", match["int"]))
    fraction = match["frac"] or ""
    scale = 10 ** len(fraction)
    kopecks, finer = divmod((whole * scale + int(fraction or 0)) * kopecks_per_unit, scale)
    if finer:
        raise AmountError(AmountProblem.TOO_PRECISE, text)
    if kopecks > MAX_KOPECKS:
        raise AmountError(AmountProblem.TOO_LARGE, text)
    return kopecks


def parse_hryvnias(text: str) -> int:
    """Parse an amount typed in hryvnias (``"1 234,56"``, ``"1234.56"``) into kopecks.

    A comma or a dot is the decimal separator; spaces (plain, no-break or narrow
    no-break) may group thousands. More than two decimals is refused rather than
    rounded, because a silently rounded sum of money is a wrong sum of money.
    """
    return _parse_kopecks(text, KOPECKS_PER_HRYVNIA)


def parse_thousands(text: str) -> int:
    """Parse an amount typed in thousands of hryvnias (``"809,5"``) into kopecks.

    Program documents give plans in thousands with one to three decimals
    (``"25,401"`` is 25 401 грн); up to five decimals are exact kopecks and accepted.
    """
    return _parse_kopecks(text, KOPECKS_PER_THOUSAND)


def _group(digits: str) -> str:
    """Separate thousands of a string of digits with no-break spaces."""
    if len(digits) < 4:
        return digits
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return NBSP.join(groups)


def machine_decimal(value: Decimal | int) -> str:
    """A number for machines (JSON, open data): plain digits and a decimal point, never an
    exponent (``Decimal(40_000_000) / 100_000`` is ``4E+2``: written ``400``) nor trailing
    zeros (``809.50`` is ``809.5``)."""
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


def format_number(value: Decimal | int, places: int | None = None) -> str:
    """Format a number the Ukrainian way: grouped digits and a decimal comma.

    With ``places`` the value is rounded half up to that many decimals; without it
    the value keeps the decimals it has (``Decimal("3500")`` -> ``"3 500"``).
    """
    number = Decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    grouped = _group(whole)
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def format_thousands(kopecks: int) -> str:
    """Format kopecks as thousands of hryvnias with one decimal: ``80950000`` -> ``"809,5"``."""
    return format_number(Decimal(kopecks) / KOPECKS_PER_THOUSAND, places=1)


def format_hryvnias(kopecks: int) -> str:
    """Format kopecks as full hryvnias for the interface: ``"1 234 567,89 грн"``."""
    return f"{format_number(Decimal(kopecks) / KOPECKS_PER_HRYVNIA, places=2)}{NBSP}грн"


def format_hryvnias_short(kopecks: int) -> str:
    """Budgets and cost limits: ``"500 000 грн"`` when whole, ``"1 234,56 грн"`` otherwise."""
    if kopecks % KOPECKS_PER_HRYVNIA:
        return format_hryvnias(kopecks)
    return f"{format_number(kopecks // KOPECKS_PER_HRYVNIA)}{NBSP}грн"


def percent_value(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """Return ``part`` as a percentage of ``whole`` rounded half up to one decimal.

    The quotient is computed on exact integer ratios, so no binary or decimal
    precision limit can move a tie. ``None`` when ``whole`` is zero: a measure with
    nothing planned has no execution percentage (the document prints a dash).
    """
    part_num, part_den = Decimal(part).as_integer_ratio()
    whole_num, whole_den = Decimal(whole).as_integer_ratio()
    if whole_num == 0:
        return None
    # part/whole * 1000 tenths of a percent, as one fraction of integers.
    numerator = part_num * whole_den * 1000
    denominator = part_den * whole_num
    negative = (numerator < 0) != (denominator < 0)
    tenths, remainder = divmod(abs(numerator), abs(denominator))
    if 2 * remainder >= abs(denominator):
        tenths += 1
    return Decimal(-tenths if negative else tenths).scaleb(-1)


def format_percent(value: Decimal | None) -> str:
    """Format a percentage with one decimal (``"94,4"``), or ``"—"`` when there is none."""
    if value is None:
        return NO_PERCENT
    return format_number(value, places=1)


def percent(part: Decimal | int, whole: Decimal | int) -> str:
    """Format ``part`` as a percentage of ``whole``: ``percent(76430000, 80950000)`` -> ``"94,4"``.

    Returns ``"—"`` when ``whole`` is zero (see :func:`percent_value`).
    """
    return format_percent(percent_value(part, whole))
