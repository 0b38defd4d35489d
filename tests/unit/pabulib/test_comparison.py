"""``equalshares/add1-comparison``: Equal Shares, then the greedy outcome if more voters
prefer it; Wieliczka's Green Budget 2023 counted as the city published it."""

from pathlib import Path

import pytest

from portal.cycles.rules import WinnerRule
from portal.pabulib import format as pabulib
from portal.results.equal_shares.comparison import greedy_preferred, preferences
from portal.results.rules import Ballot, Category, Project, RuleConfig, count

WIELICZKA = (Path(__file__).resolve().parents[3] / ".." / "shared" / "pabulib"
             / "Poland_Wieliczka_2023_Green_Budget.pb")
POT = [Category("all", "all", 10)]
# Six voters want A (10), four want B (5): nobody's share of 1 (or 2) buys anything that
# fits, so Equal Shares funds nothing; "most votes first" funds A.
PROJECTS = [Project("A", "all", 10, 1), Project("B", "all", 5, 2)]
BALLOTS = [Ballot(("A",), 6), Ballot(("B",), 4)]


def test_a_voter_prefers_the_outcome_funding_more_of_their_projects():
    ballots = [((0, 1), 3), ((0,), 2), ((2,), 4), ((), 5)]
    assert preferences({0, 1}, {0, 2}, ballots) == (3, 4)
    assert greedy_preferred({0, 1}, {0, 2}, ballots)


def test_a_tie_in_preferences_keeps_equal_shares():
    assert not greedy_preferred({0}, {1}, [((0,), 2), ((1,), 2)])


def test_the_greedy_outcome_is_taken_when_more_voters_prefer_it():
    plain = count(POT, PROJECTS, BALLOTS, RuleConfig(WinnerRule.EQUAL_SHARES))
    compared = count(POT, PROJECTS, BALLOTS, RuleConfig(WinnerRule.EQUAL_SHARES_COMPARISON))
    assert plain.winners == ()
    assert compared.winners == ("A",)
    assert compared.categories[0].endowment is None  # no share paid for it
    assert compared.categories[0].projects[1].reason.value == "does_not_fit"


def test_equal_shares_stands_when_its_voters_are_as_many():
    ballots = [Ballot(("A",), 5), Ballot(("B",), 5)]
    projects = [Project("A", "all", 5, 1), Project("B", "all", 5, 2)]
    outcome = count(POT, projects, ballots, RuleConfig(WinnerRule.EQUAL_SHARES_COMPARISON))
    assert set(outcome.winners) == {"A", "B"}


@pytest.mark.skipif(not WIELICZKA.exists(), reason="the shared pabulib files are absent")
def test_wieliczka_2023_gives_the_citys_30_winners():
    data = pabulib.parse(WIELICZKA.read_text(encoding="utf-8"))
    categories, projects, ballots, config = pabulib.to_rule_inputs(data)
    assert config.rule is WinnerRule.EQUAL_SHARES_COMPARISON
    outcome = count(categories, projects, ballots, config)
    selected = {row["project_id"] for row in data.projects if row["selected"] == "1"}
    assert len(selected) == 30 and set(outcome.winners) == selected
    # The step compared and kept Equal Shares: the endowment of the add1 completion is a
    # whole number of units, floor(B / n) raised by whole units.
    endowment = outcome.categories[0].endowment
    assert endowment is not None and endowment.denominator == 1
    assert endowment > int(data.meta["budget"]) // len(data.votes)
