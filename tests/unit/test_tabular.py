"""Spreadsheet cells: formulas neutralised, numbers written for machines."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.tabular import cell, text_cell


@pytest.mark.parametrize(("text", "written"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+380 50 000 00 00", "'+380 50 000 00 00"),
    ("-5 дерев", "'-5 дерев"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tприхований", "'\tприхований"),
    ("Сквер на Незалежності", "Сквер на Незалежності"),
    ("", ""),
    (None, ""),
])
def test_text_that_a_spreadsheet_would_run_is_neutralised(text, written):
    assert text_cell(text) == written


def test_numbers_stay_numbers_in_machine_form():
    assert cell(Decimal("809.50")) == "809.5"
    assert cell(Decimal(40_000_000) / 100_000) == "400"
    assert cell(-1250) == "-1250"
    assert cell(True) == "true" and cell(None) == ""
    assert cell("-1250") == "'-1250"  # text that looks like a number is still text
