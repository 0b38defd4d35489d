"""The research format: every shared .pb file imports as a finished cycle and its own rule,
counted by ``flask pb tally``, reproduces the file's ``selected`` column exactly, under
the file's own project ids; ``flask pb export`` gives back a file equal in meaning."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from portal.cycles.models import Cycle
from portal.cycles.rules import WinnerRule
from portal.pabulib import format as pabulib
from portal.voting.models import Ballot
from tests.conftest import SHARED
from tests.services.pabulib_tools import pabutools_winners

FILES = sorted((SHARED / "pabulib").glob("*.pb"))
OCHOTA = SHARED / "pabulib" / "Poland_Warszawa_2026_Ochota.pb"
ASSEN = SHARED / "pabulib" / "Netherlands_Assen_2024.pb"
# Every file is imported once, through the command line, for the whole module; each test
# then counts or exports in a savepoint rolled back after it.
pytestmark = pytest.mark.module_transaction


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


def _import(runner, path) -> int:
    result = runner.invoke(args=["pb", "import-pabulib", str(path)])
    assert result.exit_code == 0, result.output
    return int(result.output.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def imported(app, module_db) -> dict:
    """Each shared file imported by ``flask pb import-pabulib``: path -> (cycle id, parsed)."""
    runner = app.test_cli_runner()
    return {path: (_import(runner, path), pabulib.parse(path.read_text(encoding="utf-8")))
            for path in FILES}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_import_then_tally_reproduces_the_selected_projects(runner, db, imported, path):
    cycle_id, data = imported[path]
    assert db.scalar(select(func.count()).select_from(Ballot)
                     .where(Ballot.cycle_id == cycle_id)) == len(data.votes)
    result = runner.invoke(args=["pb", "tally", str(cycle_id), "--json"])
    assert result.exit_code == 0, result.output
    counted = json.loads(result.output)
    selected = {row["project_id"] for row in data.projects if row.get("selected") == "1"}
    assert set(counted["winners"]) == selected
    assert counted["rule"] == data.meta["rule"]
    assert counted["categories"][0]["budget"] == int(data.meta["budget"])


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_an_imported_file_exports_equal_in_meaning(runner, imported, path):
    cycle_id, original = imported[path]
    result = runner.invoke(args=["pb", "export", str(cycle_id)])
    assert result.exit_code == 0, result.output
    assert pabulib.differences(original, pabulib.parse(result.output)) == []


def test_a_finished_cycle_exports_anonymous_ballots_that_count_the_same(runner, db, imported):
    cycle_id, original = imported[OCHOTA]
    exported = runner.invoke(args=["pb", "export", str(cycle_id)]).output
    data = pabulib.parse(exported)
    assert len(data.votes) == len(original.votes)
    assert "voter_id" in data.vote_columns and "person_key" not in exported
    from portal.results import rules

    mine = rules.count(*pabulib.to_rule_inputs(data))
    theirs = rules.count(*pabulib.to_rule_inputs(original))
    assert set(mine.winners) == set(theirs.winners)
    cycle = db.get(Cycle, cycle_id)
    assert cycle.winner_rule.value == "greedy-threshold" and cycle.min_votes == 150


def test_a_malformed_file_is_refused_with_a_message(runner, tmp_path):
    bad = tmp_path / "bad.pb"
    bad.write_text("META\nkey;value\nbudget;100\n", encoding="utf-8")
    result = runner.invoke(args=["pb", "import-pabulib", str(bad)])
    assert result.exit_code != 0 and "missing_section" in result.output


@pytest.mark.parametrize(("text", "said"), [
    ("META\nkey;value\nPROJECTS\nproject_id;cost\n1;5;extra\nVOTES\nvoter_id;vote\n",
     "too_many_fields at line 5: 3 > 2"),
    ("x;y\nMETA\nkey;value\n", "content_before_section at line 1"),
    ("META\nkey;value\nbudget;abc\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n",
     "bad_amount: budget='abc'"),
    ("META\nkey;value\nbudget;100\nrule;\nPROJECTS\nproject_id;cost\n1;5\nVOTES\n"
     "voter_id;vote\n", "unsupported_rule"),
    ("META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n"
     "1;1,7\n", "unknown_project: 7"),
], ids=["file", "file-without-detail", "import", "import-without-detail", "late"])
def test_a_refused_file_is_named_with_its_problem_and_leaves_nothing(runner, db, tmp_path,
                                                                     text, said):
    cycles = db.scalar(select(func.count()).select_from(Cycle))
    bad = tmp_path / "bad.pb"
    bad.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["pb", "import-pabulib", str(bad)])
    assert (result.exit_code, result.output) == (1, f"Error: bad.pb: {said}\n")
    assert db.scalar(select(func.count()).select_from(Cycle)) == cycles


def test_tally_with_another_rule(runner, imported):
    cycle_id, _data = imported[ASSEN]
    result = runner.invoke(args=["pb", "tally", str(cycle_id), "--rule", "greedy", "--json"])
    assert json.loads(result.output)["rule"] == "greedy"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_pabutools_reading_the_export_counts_the_portals_greedy_winners(runner, imported, path):
    """Most votes first (with the file's threshold, where it has one) on every file."""
    cycle_id, data = imported[path]
    threshold = data.meta.get("min_project_score_threshold")
    rule = WinnerRule.GREEDY_THRESHOLD if threshold else WinnerRule.GREEDY
    exported = runner.invoke(args=["pb", "export", str(cycle_id)]).output
    counted = json.loads(runner.invoke(
        args=["pb", "tally", str(cycle_id), "--rule", rule.value, "--json"]).output)
    assert pabutools_winners(exported, rule, threshold and int(threshold)) == set(
        counted["winners"])


def test_pabutools_reading_assens_export_counts_its_equal_shares_winners(runner, imported):
    cycle_id, data = imported[ASSEN]
    exported = runner.invoke(args=["pb", "export", str(cycle_id)]).output
    selected = {row["project_id"] for row in data.projects if row["selected"] == "1"}
    assert pabutools_winners(exported, WinnerRule.EQUAL_SHARES, None) == selected
