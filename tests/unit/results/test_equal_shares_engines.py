"""The float engines of Equal Shares: same winners as fractions, near-ties redone exactly,
the C engine and its Python twin step for step alike, and endowments skipped safely."""

import random
from fractions import Fraction
from functools import cache

import pytest

from portal.results import equal_shares
from portal.results.equal_shares import (
    DEFAULT_ENGINE,
    Engine,
    _c_engine,
    _Election,
    equal_shares_add1,
)
from portal.results.equal_shares import float_engine as python_twin

needs_c = pytest.mark.skipif(_c_engine is None, reason="the C engine is not built")


def _random_count(rng: random.Random) -> tuple[list[int], list, int, list[int]]:
    """A small count; half of them with costs that make exact ties likely."""
    m = rng.randint(1, 9)
    if rng.random() < 0.5:
        costs = [rng.choice([6, 10, 12, 20, 30, 60]) for _ in range(m)]
    else:
        costs = [rng.randint(1, 400) for _ in range(m)]
    ballots = [
        (tuple(sorted(rng.sample(range(m), rng.randint(0, m)))), rng.randint(1, 4))
        for _ in range(rng.randint(1, 12))
    ]
    voters = sum(n for _, n in ballots)
    budget = voters * rng.randint(1, 40) + rng.randint(0, voters - 1)
    ranks = list(range(m))
    rng.shuffle(ranks)
    return costs, ballots, budget, ranks


@pytest.fixture
def exact_runs(monkeypatch) -> list[Fraction]:
    """The endowments that a count redid in fractions."""
    seen: list[Fraction] = []
    exact_run = equal_shares._exact_run

    def spy(election, endowment):
        seen.append(endowment)
        return exact_run(election, endowment)

    monkeypatch.setattr(equal_shares, "_exact_run", spy)
    return seen


def test_the_c_engine_is_built():
    assert DEFAULT_ENGINE is Engine.C, "build it: pip install -e ."


@cache
def _random_counts_and_exact_winners() -> list[tuple]:
    """300 random counts and their winners in fractions, computed once for every engine."""
    rng = random.Random(20261121)
    counts = []
    for _ in range(300):
        costs, ballots, budget, ranks = _random_count(rng)
        expected = equal_shares_add1(costs, ballots, budget, ranks, engine=Engine.EXACT)
        counts.append((costs, ballots, budget, ranks, expected))
    return counts


def test_float_engines_give_the_winners_of_fractions_on_random_counts(float_engine):
    for costs, ballots, budget, ranks, expected in _random_counts_and_exact_winners():
        assert equal_shares_add1(costs, ballots, budget, ranks, engine=float_engine) == expected


@needs_c
def test_the_c_engine_and_its_python_twin_agree_run_for_run():
    rng = random.Random(7)
    near_ties = 0
    for _ in range(300):
        costs, ballots, budget, ranks = _random_count(rng)
        arguments = _Election(costs, ballots, ranks).float_arguments()
        c, python = _c_engine.prepare(*arguments), python_twin.prepare(*arguments)
        endowment = rng.randint(1, 50)
        first = _c_engine.run(c, endowment)
        assert first == python_twin.run(python, endowment)
        if first is None:
            near_ties += 1
            continue
        later = (endowment + rng.randint(1, 5), first[0], first[1])
        assert _c_engine.run(c, *later) == python_twin.run(python, *later)
        half = endowment + 0.5  # a float endowment: a rounded fraction, with slack
        assert _c_engine.run(c, half) == python_twin.run(python, half)
    assert 0 < near_ties < 30


def test_a_near_tie_is_redone_in_fractions(float_engine, exact_runs):
    # Three voters hold 2 each. After project 0 (2/3 each), each has 4/3 left, which in
    # floats is only near the 4/3 that project 1 asks: are they poor, can they pay?
    costs, ballots = [2, 4], [((0, 1), 1), ((0, 1), 2)]
    result = equal_shares_add1(costs, ballots, 6, [0, 1], engine=float_engine)
    assert result.winners == (0, 1)
    assert exact_runs == [Fraction(2)]


def test_a_tie_of_prices_with_poor_supporters_is_redone_in_fractions(float_engine, exact_runs):
    # Twins 1 and 2 have the same supporters and cost, and one of them is poor after 0.
    costs, ballots = [3, 4, 4], [((0,), 1), ((0, 1, 2), 1), ((1, 2), 1)]
    result = equal_shares_add1(costs, ballots, 9, [0, 2, 1], engine=float_engine)
    assert result.winners == (0, 2)
    assert Fraction(3) in exact_runs


def test_a_budget_exactly_at_a_whole_price_needs_no_fractions(float_engine, exact_runs):
    # 100 voters hold 1,000 each and all want project 0, of 100,000: each pays exactly all
    # they have. One of them also wants project 1, of 10, which fits once the endowment
    # leaves them exactly 10 (at 1,010, when the outcome overspends).
    costs, ballots = [100_000, 10], [((0,), 99), ((0, 1), 1)]
    result = equal_shares_add1(costs, ballots, 100_000, [0, 1], engine=float_engine)
    assert exact_runs == []
    assert result == equal_shares.EqualSharesResult((0,), Fraction(1_009))
    assert result == equal_shares_add1(costs, ballots, 100_000, [0, 1], engine=Engine.EXACT)


def test_certified_runs_skip_a_long_stretch_of_endowments(float_engine, monkeypatch):
    # Project 1 needs its single voter to hold a million: the outcome stays (0,) from the
    # endowment 101 to 1,000,009, a million endowments that the certificates skip.
    module = _c_engine if float_engine is Engine.C else python_twin
    calls = []
    run = module.run
    monkeypatch.setattr(module, "run", lambda *args: calls.append(args[1]) or run(*args))
    costs, ballots = [100, 1_000_000], [((0,), 9), ((0, 1), 1)]
    result = equal_shares_add1(costs, ballots, 1_000, [0, 1], engine=float_engine)
    assert result.winners == (0,)
    assert result.endowment == 1_000_009
    assert len(calls) < 100


@needs_c
@pytest.mark.parametrize(
    "arguments",
    [
        ([10], [0], [0, 2], [0], [1]),  # starts end past the members
        ([10], [0], [0, 1], [5], [1]),  # no ballot group 5
        ([-1], [0], [0, 1], [0], [1]),  # a negative cost
        ([10], [0], [0, 1], [0], [0]),  # an empty ballot group
        ([2**53 + 1], [0], [0, 1], [0], [1]),  # money beyond exact doubles
    ],
)
def test_the_c_engine_refuses_inconsistent_arrays(arguments):
    with pytest.raises(ValueError):
        _c_engine.prepare(*arguments)


def test_float_engines_refuse_a_bad_trace_or_endowment(float_engine):
    module = _c_engine if float_engine is Engine.C else python_twin
    election = module.prepare([10], [0], [0, 1], [0], [2])
    with pytest.raises(ValueError):
        module.run(election, 10, (0,), b"")
    with pytest.raises(ValueError):
        module.run(election, -1)
