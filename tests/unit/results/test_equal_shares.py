"""Equal Shares (add1): textbook examples and agreement with pabutools, on every engine."""

import random
from fractions import Fraction
from functools import cache

from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance
from pabutools.election import Project as PabuProject
from pabutools.rules import exhaustion_by_budget_increase, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

from portal.results.equal_shares import equal_shares_add1


def test_proportionality_two_groups_share_the_budget(engine):
    # 6 voters like a, b; 4 like c, d; each project costs 30 of a budget of 100.
    costs = [30, 30, 30, 30]
    ballots = [((0, 1), 6), ((2, 3), 4)]
    result = equal_shares_add1(costs, ballots, 100, [0, 1, 2, 3], engine=engine)
    assert sorted(result.winners) == [0, 1, 2]


def test_completion_raises_the_endowment_until_the_outcome_would_overspend(engine):
    costs = [50, 50]
    ballots = [((0,), 1), ((1,), 1)]
    result = equal_shares_add1(costs, ballots, 100, [0, 1], engine=engine)
    assert sorted(result.winners) == [0, 1]
    assert result.endowment == Fraction(50)


def _pabutools_add1(costs, ballots, budget, ranks):
    projects = [PabuProject(str(i), c) for i, c in enumerate(costs)]
    instance = Instance(projects, budget_limit=budget)
    profile = ApprovalProfile(
        [ApprovalBallot([projects[i] for i in chosen]) for chosen, n in ballots for _ in range(n)]
    )
    rank = {str(i): r for i, r in enumerate(ranks)}
    votes = {str(i): sum(n for chosen, n in ballots if i in chosen) for i in range(len(costs))}
    tie = TieBreakingRule(lambda inst, prof, p: (p.cost, -votes[p.name], rank[p.name]))
    outcome = exhaustion_by_budget_increase(
        instance, profile, method_of_equal_shares,
        {"sat_class": Cost_Sat, "tie_breaking": tie},
        budget_step=profile.num_ballots(), exhaustive_stop=False,
    )
    return sorted(int(p.name) for p in outcome)


@cache
def _random_small_instances_and_pabutools_winners() -> list[tuple]:
    """Random small instances and pabutools' winners, computed once for every engine."""
    rng = random.Random(20240501)
    instances = []
    for _ in range(40):
        m = rng.randint(2, 7)
        voters = rng.randint(2, 9)
        costs = [rng.choice([10, 20, 30, 45, 60, 90]) for _ in range(m)]
        ballots = [(tuple(sorted(rng.sample(range(m), rng.randint(1, m)))), 1)
                   for _ in range(voters)]
        budget = voters * rng.randint(5, 30)  # a multiple of the voters: same schedule
        if sum(costs) <= budget:
            continue  # pabutools' completion would raise the budget without end
        ranks = list(range(m))
        instances.append((costs, ballots, budget, ranks,
                          _pabutools_add1(costs, ballots, budget, ranks)))
    return instances


def test_agrees_with_pabutools_on_random_small_instances(engine):
    for costs, ballots, budget, ranks, theirs in _random_small_instances_and_pabutools_winners():
        ours = sorted(equal_shares_add1(costs, ballots, budget, ranks, engine=engine).winners)
        assert ours == theirs


def test_equal_prices_of_one_over_votes_go_to_the_cheaper_project(engine):
    # Both cost 1/7 of their price per supporter; (9/7)/9 > (10/7)/10 in floats, not exactly.
    costs, ballots = [9, 10], [((0, 1), 7)]
    assert equal_shares_add1(costs, ballots, 14, [0, 1], engine=engine).winners == (0,)
    assert _pabutools_add1(costs, ballots, 14, [0, 1]) == [0]


def test_equal_prices_with_poor_supporters_go_by_tie_rank(engine):
    # After project 0, the voter of (0, 1, 2) has 1.5 left and is poor for the twins 1 and 2:
    # both cost 4 at 2.5 for the voter of (1, 2), an exact tie that the tie rank settles.
    costs, ballots = [3, 4, 4], [((0,), 1), ((0, 1, 2), 1), ((1, 2), 1)]
    for ranks, twin in (([0, 1, 2], 1), ([0, 2, 1], 2)):
        result = equal_shares_add1(costs, ballots, 9, ranks, engine=engine)
        assert result.winners == (0, twin)
        assert _pabutools_add1(costs, ballots, 9, ranks) == sorted(result.winners)
