"""The one rule for whole numbers (``portal.parsing``) and the form fields built on it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound
from werkzeug.routing import Map, Rule
from wtforms import Form, SelectChoice, SelectField

from portal.fields import DecimalField, IntegerField
from portal.parsing import (
    DB_INT_MAX,
    IdConverter,
    NotAWholeNumber,
    OutOfRange,
    coerce_id,
    page_within,
    whole_number,
)
from portal.voting.rules import Choice
from portal.voting.services import parse_choices


@pytest.mark.parametrize(("text", "value"), [
    ("0", 0), ("7", 7), ("007", 7), (str(DB_INT_MAX), DB_INT_MAX), ("0" * 50 + "12", 12),
])
def test_ascii_digits_within_the_range_are_read(text, value):
    assert whole_number(text) == value


@pytest.mark.parametrize("text", [
    "", " 7", "7 ", "+7", "-7", "7.0", "1_000", "1e3", "0x10", "٤٠", "４０", "²", "7²", "Ⅻ",
    "७", "\x00", "7\x00", "-", "--1", "NaN",
])
def test_anything_else_is_not_a_whole_number(text):
    with pytest.raises(NotAWholeNumber):
        whole_number(text)


@pytest.mark.parametrize("text", [str(DB_INT_MAX + 1), "99999999999", "9" * 5000])
def test_a_number_past_the_database_range_is_out_of_range(text):
    with pytest.raises(OutOfRange):
        whole_number(text)


def test_bounds_are_the_callers():
    assert whole_number("-5", minimum=-10, maximum=10) == -5
    with pytest.raises(NotAWholeNumber):
        whole_number("0", minimum=1)
    with pytest.raises(NotAWholeNumber):
        whole_number("-11", minimum=-10, maximum=10)
    with pytest.raises(OutOfRange):
        whole_number("11", maximum=10)
    assert whole_number(str(2**62), maximum=2**62) == 2**62


def test_the_id_converter_matches_ascii_ids_in_the_range_only():
    routes = Map([Rule("/p/<int:pid>", endpoint="p")], converters={"int": IdConverter})
    adapter = routes.bind("portal.test")
    assert adapter.match("/p/42") == ("p", {"pid": 42})
    assert adapter.match(f"/p/{DB_INT_MAX}") == ("p", {"pid": DB_INT_MAX})
    for path in ("/p/٤٢", "/p/4²", "/p/-1", f"/p/{DB_INT_MAX + 1}", "/p/" + "9" * 5000):
        with pytest.raises(NotFound):
            adapter.match(path)


def test_a_page_past_the_end_is_the_last_page():
    assert page_within(3, total=120, size=50) == (3, 3)
    assert page_within(4, total=120, size=50) == (3, 3)
    assert page_within(0, total=120, size=50) == (1, 3)
    assert page_within(DB_INT_MAX, total=0, size=50) == (1, 1)


def test_ballot_choices_follow_the_rule():
    assert parse_choices(["5:40", "5:41"]) == [Choice(5, 40), Choice(5, 41)]
    for bad in ("5:²", "5:٤٠", "٥:40", "5:40²", "5:", ":40", "5", "5:40:1", "5:-40",
                "5:99999999999", " 5:40", "5:40\x00"):
        assert parse_choices([bad]) is None, bad


def test_select_ids_are_coerced_by_the_rule():
    assert coerce_id(7) == 7 and coerce_id("7") == 7
    for bad in ("٧", "²", "", "99999999999"):
        with pytest.raises(ValueError):
            coerce_id(bad)

    class Pick(Form):
        project = SelectField(choices=[SelectChoice(40, "Сквер")], coerce=coerce_id)

    assert Pick(MultiDict({"project": "40"})).validate()
    assert not Pick(MultiDict({"project": "٤٠"})).validate()


class Numbers(Form):
    count = IntegerField()
    seed = IntegerField(maximum=2**62)
    latitude = DecimalField()


@pytest.mark.parametrize(("typed", "value"), [("12", 12), (" 12 ", 12), ("-3", -3)])
def test_the_integer_field_reads_what_people_type(typed, value):
    form = Numbers(MultiDict({"count": typed}))
    assert form.count.data == value and not form.count.process_errors


@pytest.mark.parametrize("typed", ["٣", "３", "²", "1_0", "1e3", "1.5", "", "\x00"])
def test_the_integer_field_refuses_other_digits(typed):
    form = Numbers(MultiDict({"count": typed}))
    assert form.count.data is None
    assert form.count.process_errors == ["Not a valid integer value."]


def test_the_integer_field_is_bounded_by_the_database_or_its_own_maximum():
    form = Numbers(MultiDict({"count": "99999999999", "seed": str(2**62)}))
    assert form.count.data is None
    assert form.count.process_errors == [f"Number must be at most {DB_INT_MAX}."]
    assert form.seed.data == 2**62


@pytest.mark.parametrize(("typed", "value"), [("48.5", Decimal("48.5")),
                                              ("48,5", Decimal("48.5")), ("-3", Decimal(-3))])
def test_the_decimal_field_reads_a_point_or_a_comma(typed, value):
    assert Numbers(MultiDict({"latitude": typed})).latitude.data == value


@pytest.mark.parametrize("typed", ["NaN", "sNaN", "Infinity", "-inf", "1e999999", "٤٨.٥",
                                   "4_8", "1" * 40, ""])
def test_the_decimal_field_refuses_what_decimal_would_read(typed):
    form = Numbers(MultiDict({"latitude": typed}))
    assert form.latitude.data is None
    assert form.latitude.process_errors == ["Not a valid decimal value."]


def test_numbers_from_requests_are_read_by_the_one_rule_only():
    """No WTForms number field, ``coerce=int`` or ``type=int`` outside ``portal.fields``: each
    would read ``"٤٠"`` as 40 and pass a number no column holds to the database. (Commands
    read their arguments with click, which is not a request.)"""
    import ast
    from pathlib import Path

    portal = Path(__file__).resolve().parents[2] / "portal"
    wtforms_numbers = {"IntegerField", "DecimalField", "FloatField", "IntegerRangeField",
                       "DecimalRangeField"}
    found = []
    for path in sorted(portal.rglob("*.py")):
        if path.name == "cli.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("wtforms"):
                found += [f"{path.name}: {a.name}" for a in node.names
                          if a.name in wtforms_numbers]
            if isinstance(node, ast.keyword) and node.arg in ("coerce", "type") \
                    and isinstance(node.value, ast.Name) and node.value.id in ("int", "float"):
                found.append(f"{path.name}:{node.value.lineno}: {node.arg}={node.value.id}")
    assert found == []
