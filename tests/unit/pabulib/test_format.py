"""The pabulib reader/writer, and every shared pabulib file reproducing its own selection."""

from functools import cache
from pathlib import Path

import pytest

from portal.pabulib import format as pabulib
from portal.results.rules import count

PABULIB = Path(__file__).resolve().parents[3] / ".." / "shared" / "pabulib"
FILES = sorted(PABULIB.glob("*.pb"))


@cache
def parsed(path: Path) -> pabulib.PbFile:
    """A shared file read once for the module's tests (they only read what it gives)."""
    return pabulib.parse(path.read_text(encoding="utf-8"))


def test_the_shared_files_are_found():
    assert FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_the_files_own_rule_reproduces_its_selected_column(path):
    data = parsed(path)
    categories, projects, ballots, config = pabulib.to_rule_inputs(data)
    outcome = count(categories, projects, ballots, config)
    selected = {row["project_id"] for row in data.projects if row.get("selected") == "1"}
    assert set(outcome.winners) == selected


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_parse_write_parse_round_trips(path):
    data = parsed(path)
    assert pabulib.parse(pabulib.write(data)) == data


def test_quoted_fields_with_semicolons_are_kept():
    text = (
        'META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost;name\n1;5;"a; b"\n'
        "VOTES\nvoter_id;vote\n1;1\n"
    )
    assert pabulib.parse(text).projects[0]["name"] == "a; b"


def test_a_row_with_too_many_fields_names_its_line():
    text = "META\nkey;value\nPROJECTS\nproject_id;cost\n1;5;extra\nVOTES\nvoter_id;vote\n"
    with pytest.raises(pabulib.PabulibError) as error:
        pabulib.parse(text)
    assert (error.value.code, error.value.line) == ("too_many_fields", 5)


def test_a_missing_section_is_an_error():
    with pytest.raises(pabulib.PabulibError) as error:
        pabulib.parse("META\nkey;value\nbudget;1\n")
    assert error.value.code == "missing_section"


def test_export_is_anonymous_and_round_trips():
    text = pabulib.export(
        {"budget": "10"}, [{"project_id": "1", "cost": "5"}],
        [(["1"], {"age": "30"}), (["1"], {})],
    )
    data = pabulib.parse(text)
    assert [v["voter_id"] for v in data.votes] == ["1", "2"]
    assert data.vote_columns == ("voter_id", "vote", "age")
    assert pabulib.parse(pabulib.write(data)) == data
