"""Greedy rules, tie rules, thresholds, leftover transfer, digest and JSON of rules.count."""

from portal.cycles.rules import TieRule, WinnerRule
from portal.results.rules import (
    Ballot,
    Category,
    Project,
    Reason,
    RuleConfig,
    count,
    inputs_digest,
    outcome_to_json,
)

POT = [Category("a", "Pot A", 100)]
PROJECTS = [
    Project("x", "a", 60, 1),
    Project("y", "a", 50, 2),
    Project("z", "a", 30, 3),
]
BALLOTS = [Ballot(("x",), 5), Ballot(("y",), 4), Ballot(("z",), 3)]


def test_greedy_skips_a_project_that_does_not_fit_and_takes_the_next():
    outcome = count(POT, PROJECTS, BALLOTS, RuleConfig(WinnerRule.GREEDY))
    assert outcome.winners == ("x", "z")
    reasons = {r.project_id: r.reason for r in outcome.categories[0].projects}
    assert reasons == {"x": None, "y": Reason.DOES_NOT_FIT, "z": None}
    assert outcome.categories[0].left == 10


def test_greedy_no_skip_stops_at_the_first_project_that_does_not_fit():
    outcome = count(POT, PROJECTS, BALLOTS, RuleConfig(WinnerRule.GREEDY_NO_SKIP))
    assert outcome.winners == ("x",)
    reasons = {r.project_id: r.reason for r in outcome.categories[0].projects}
    assert reasons["z"] is Reason.STOPPED


def test_greedy_threshold_skips_projects_under_min_votes():
    config = RuleConfig(WinnerRule.GREEDY_THRESHOLD, min_votes=4)
    outcome = count(POT, PROJECTS, BALLOTS, config)
    assert outcome.winners == ("x",)
    reasons = {r.project_id: r.reason for r in outcome.categories[0].projects}
    assert reasons["z"] is Reason.BELOW_THRESHOLD


def test_registration_tie_rule_prefers_the_earlier_registration():
    projects = [Project("late", "a", 60, 9), Project("early", "a", 60, 2)]
    ballots = [Ballot(("late", "early"), 3)]
    outcome = count(POT, projects, ballots, RuleConfig(WinnerRule.GREEDY))
    assert outcome.winners == ("early",)


def test_lottery_tie_rule_is_reproducible_with_a_seed_and_varies_across_seeds():
    projects = [Project(str(i), "a", 60, i) for i in range(20)]
    ballots = [Ballot(tuple(p.id for p in projects))]

    def winner(seed):
        config = RuleConfig(WinnerRule.GREEDY, TieRule.LOTTERY, seed=seed)
        return count(POT, projects, ballots, config).winners

    assert winner(7) == winner(7)
    assert len({winner(seed) for seed in range(10)}) > 1


def test_leftover_moves_to_the_named_category_which_is_then_extended():
    categories = [Category("small", "Small", 100, leftover_to="big"), Category("big", "Big", 100)]
    projects = [
        Project("s1", "small", 70, 1),
        Project("b1", "big", 90, 2),
        Project("b2", "big", 40, 3),
    ]
    ballots = [Ballot(("s1", "b1", "b2"))]
    outcome = count(categories, projects, ballots, RuleConfig(WinnerRule.GREEDY))
    small, big = outcome.categories
    assert small.left == 30
    assert big.received == 30
    assert big.winners == ("b1", "b2")


def test_digest_is_stable_under_ballot_order_and_changes_with_inputs():
    config = RuleConfig(WinnerRule.GREEDY)
    first = inputs_digest(POT, PROJECTS, BALLOTS, config)
    assert first == inputs_digest(POT, PROJECTS, list(reversed(BALLOTS)), config)
    assert first != inputs_digest(POT, PROJECTS, BALLOTS[:2], config)


def test_outcome_json_has_exactly_the_published_shape():
    outcome = count(POT, PROJECTS, BALLOTS, RuleConfig(WinnerRule.GREEDY))
    assert outcome_to_json(outcome) == {
        "rule": "greedy",
        "winners": ["x", "z"],
        "categories": [{"name": "Pot A", "budget": 100, "winners": ["x", "z"]}],
    }
