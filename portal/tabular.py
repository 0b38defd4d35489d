"""Cells of the files people open in a spreadsheet (CSV of reports and open data).

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, a tab or a carriage return) as a formula: a project title such as
``=HYPERLINK("http://…")`` would become a live link, or worse, in the reader's program.
Text is therefore written with a leading apostrophe when it begins so, which every
spreadsheet shows as the text itself (OWASP, "CSV Injection"). Numbers are written for
machines: digits and a decimal point (``money.machine_decimal``), never neutralised,
so a negative amount stays a number.
"""

from __future__ import annotations

from decimal import Decimal

from portal.money import machine_decimal

#: What a spreadsheet takes as the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(text: str | None) -> str:
    """``text`` as a cell a spreadsheet shows and never runs; ``None`` is an empty cell."""
    if text is None:
        return ""
    return "'" + text if text.startswith(FORMULA_START) else text


def cell(value: str | int | Decimal | bool | None) -> str:
    """Any value as a CSV cell: numbers in machine form, text neutralised, booleans as
    ``true``/``false``, ``None`` empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return machine_decimal(value)
    return text_cell(str(value))
