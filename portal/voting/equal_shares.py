"""The Method of Equal Shares for approval ballots with cost utilities, completed by "add1".

This module is the counting engine behind ``WinnerRule.EQUAL_SHARES_ADD1``; it works on
plain integers (project indices, costs in the smallest currency unit, grouped ballots) so
that ``rules.py`` can keep the names and the reporting.

Definition (equalshares.net, and pabulib's checker for ``equalshares/add1``): each voter
starts with an equal share of the budget; in every round the project whose cost its
supporters can cover at the lowest price relative to its cost (``alpha = rho / cost``,
``rho`` being what each supporter pays, those with less paying all they have) is funded;
ties go to the cheaper project, then to the one with more votes, then to the caller's
order. The run ends when no project can be paid for. "add1" completion: run once with the
real budget, then with every voter holding ``floor(budget / voters) + k`` units for
``k = 1, 2, ...`` while the outcome still costs no more than the real budget; the last
outcome that fits wins. No greedy top-up.

How it is made fast, and why it stays exact:

* Identical ballots are grouped and carry a count.
* Lazy evaluation: a project's ``alpha`` can only rise as voters spend, so a heap holds
  lower bounds and only the top is recomputed until it is fresh.
* Each run uses floats first. Every decision (poor or rich supporter, affordability, the
  winner against the runner-up) must clear a relative margin of ``1e-9``, far above the
  rounding error of money below ``1e12`` after a few hundred operations; when one does
  not, the run is redone with ``fractions.Fraction``, so near-ties are decided exactly.
  Prices with no poor supporter are ``1 / supporters`` and are compared as integers.
* Skipping endowments: with the winner sequence held fixed, every budget grows and every
  price falls as the endowment grows. So if the runs at ``e`` and ``e + d`` fund the same
  sequence and, round by round, the winner's price at ``e`` is below every rival's lower
  bound at ``e + d``, every endowment in between funds that same sequence and need not be
  run. The step doubles while this holds and halves when it does not.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

Number = float | Fraction

_TOLERANCE = 1e-9


class _NearTie(Exception):
    """A float decision fell inside the safety margin; the run must be redone exactly."""


@dataclass(frozen=True)
class _Run:
    """One run at a fixed endowment: the funded sequence and each winner's price factor."""

    winners: tuple[int, ...]
    alphas: tuple[float, ...]
    certified: bool


@dataclass(frozen=True)
class EqualSharesResult:
    """Funded project indices in funding order and the per-voter endowment that gave them."""

    winners: tuple[int, ...]
    endowment: Fraction


class _Election:
    """Static data of one count: supporters per project, group sizes, tie ranks."""

    def __init__(
        self, costs: Sequence[int], ballots: Sequence[tuple[Sequence[int], int]],
        ranks: Sequence[int],
    ) -> None:
        self.costs = list(costs)
        self.sizes = [count for _, count in ballots]
        self.supporters: list[list[int]] = [[] for _ in costs]
        for group, (chosen, _) in enumerate(ballots):
            for project in set(chosen):
                self.supporters[project].append(group)
        self.votes = [sum(self.sizes[g] for g in groups) for groups in self.supporters]
        # Equal price: cheaper first, then more votes, then the caller's tie order.
        self.rank = {
            p: position
            for position, p in enumerate(
                sorted(range(len(costs)), key=lambda p: (costs[p], -self.votes[p], ranks[p]))
            )
        }
        self.candidates = [p for p in range(len(costs)) if costs[p] > 0 and self.votes[p] > 0]


def _evaluate(
    election: _Election, budgets: list, project: int, exact: bool,
) -> tuple[Number, Number, bool] | None:
    """Return ``(alpha, rho, simple)`` for ``project`` or None when its supporters cannot pay.

    ``simple`` means nobody was poor, so ``alpha == 1 / votes`` exactly.
    """
    cost = election.costs[project]
    groups = election.supporters[project]
    sizes = election.sizes
    paid: Number = 0
    remaining = election.votes[project]
    for g in sorted(groups, key=budgets.__getitem__):
        budget = budgets[g]
        share = (cost - paid) / remaining
        if not exact and budget > 0 and abs(share - budget) <= _TOLERANCE * share:
            raise _NearTie
        if share > budget:
            paid += budget * sizes[g]
            remaining -= sizes[g]
            continue
        if exact:
            return Fraction(share) / cost, share, paid == 0
        return share / cost, share, paid == 0
    return None  # everybody would have to give all they have, and it is still not enough


def _run(
    election: _Election, endowment: Number, exact: bool, previous: _Run | None,
) -> _Run:
    """Run the method once; when ``previous`` is given, also try to certify the skip."""
    budgets: list = [endowment] * len(election.sizes)
    rank = election.rank
    heap = [(Fraction(1, election.votes[p]) if exact else 1 / election.votes[p],
             rank[p], p, -1, True) for p in election.candidates]
    heapq.heapify(heap)
    winners: list[int] = []
    alphas: list[float] = []
    certified = previous is not None
    round_no = 0
    while heap:
        alpha, _, project, evaluated, simple = heap[0]
        if evaluated != round_no:
            heapq.heappop(heap)
            value = _evaluate(election, budgets, project, exact)
            if value is not None:
                heapq.heappush(heap, (value[0], rank[project], project, round_no, value[2]))
            continue
        heapq.heappop(heap)
        rho = _price(election, budgets, project, exact)
        if not exact:
            _check_runner_up(election, budgets, heap, alpha, simple, round_no)
        if certified:
            certified = _certify_round(election, budgets, heap, previous, round_no, project, exact)
        winners.append(project)
        alphas.append(float(alpha))
        _pay(election, budgets, project, rho, exact)
        round_no += 1
    if certified and len(winners) != len(previous.winners):
        certified = False
    return _Run(tuple(winners), tuple(alphas), certified)


def _price(election: _Election, budgets: list, project: int, exact: bool) -> Number:
    value = _evaluate(election, budgets, project, exact)
    assert value is not None
    return value[1]


def _check_runner_up(
    election: _Election, budgets: list, heap: list, alpha: float, simple: bool, round_no: int,
) -> None:
    """Refresh every rival within the margin of the winner; an unclear order means _NearTie."""
    while heap and heap[0][0] <= alpha * (1 + _TOLERANCE):
        rival_alpha, rival_rank, rival, evaluated, rival_simple = heap[0]
        if evaluated != round_no:
            heapq.heappop(heap)
            value = _evaluate(election, budgets, rival, False)
            if value is not None:
                heapq.heappush(heap, (value[0], rival_rank, rival, round_no, value[2]))
            continue
        if simple and rival_simple:
            return  # both are 1 / votes: the float order is the exact order
        raise _NearTie


def _certify_round(
    election: _Election, budgets: list, heap: list, previous: _Run, round_no: int,
    project: int, exact: bool,
) -> bool:
    """Whether every rival's price here is clearly above the winner's at the lower endowment."""
    if round_no >= len(previous.winners) or previous.winners[round_no] != project:
        return False
    bound = previous.alphas[round_no] * (1 + _TOLERANCE)
    refreshed = []
    while heap and float(heap[0][0]) <= bound:
        _, rival_rank, rival, evaluated, _ = heapq.heappop(heap)
        value = _evaluate(election, budgets, rival, exact)
        if value is None:
            continue
        refreshed.append((value[0], rival_rank, rival, round_no, value[2]))
        if float(value[0]) <= bound:
            for entry in refreshed:
                heapq.heappush(heap, entry)
            return False
    for entry in refreshed:
        heapq.heappush(heap, entry)
    return True


def _pay(election: _Election, budgets: list, project: int, rho: Number, exact: bool) -> None:
    """Charge every supporter ``rho``, or all they have when that is less."""
    for g in election.supporters[project]:
        budget = budgets[g]
        if not exact and budget > 0 and abs(budget - rho) <= _TOLERANCE * rho:
            raise _NearTie
        budgets[g] = budget - rho if budget > rho else 0


def _run_checked(election: _Election, endowment: Fraction, previous: _Run | None) -> _Run:
    """Run in floats, and again in exact fractions if a decision was too close to call."""
    try:
        return _run(election, float(endowment), False, previous)
    except _NearTie:
        return _run(election, endowment, True, previous)


def equal_shares_add1(
    costs: Sequence[int],
    ballots: Sequence[tuple[Sequence[int], int]],
    budget: int,
    tie_ranks: Sequence[int],
) -> EqualSharesResult:
    """Equal Shares with add1 completion over projects ``0..len(costs)-1``.

    ``ballots`` are ``(chosen project indices, number of identical ballots)``;
    ``tie_ranks[p]`` orders projects left tied after cost and votes (lower wins).
    """
    election = _Election(costs, ballots, tie_ranks)
    voters = sum(election.sizes)
    if voters == 0:
        return EqualSharesResult((), Fraction(0))

    def spent(run: _Run) -> int:
        return sum(costs[p] for p in run.winners)

    best_endowment = Fraction(budget, voters)
    best = _run_checked(election, best_endowment, None)
    if len(best.winners) == len(election.candidates):
        return EqualSharesResult(best.winners, best_endowment)
    endowment = budget // voters + 1
    current = _run_checked(election, Fraction(endowment), None)
    if spent(current) > budget:
        return EqualSharesResult(best.winners, best_endowment)
    step = 1
    everything = len(election.candidates)
    while len(current.winners) < everything:  # with all funded, more money changes nothing
        trial = _run_checked(election, Fraction(endowment + step), current)
        if trial.certified:
            endowment, current, step = endowment + step, trial, step * 2
            continue
        if step > 1:
            step //= 2
            continue
        if spent(trial) > budget:
            return EqualSharesResult(current.winners, Fraction(endowment))
        endowment, current = endowment + 1, trial
    return EqualSharesResult(current.winners, Fraction(endowment))
