"""The Method of Equal Shares for approval ballots with cost utilities, completed by "add1".

This module is the counting engine behind ``WinnerRule.EQUAL_SHARES``; it works on
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
* Each run is first done in floats by an engine that reports every decision too close to
  call (``Engine.C``, the extension ``_c_engine.c`` that ``pip install`` builds, or
  its pure-Python twin ``Engine.PYTHON`` in ``float_engine.py``, whose docstring
  gives the algorithm and the error bounds). A run so reported is redone here in
  ``fractions.Fraction`` (``Engine.EXACT``, the reference of the tests), so near-ties and
  exact ties are decided exactly. Both use lazy evaluation: a project's ``alpha`` only
  rises as voters spend, so a stale value is a lower bound and only the best candidate is
  recomputed until it is fresh.
* Skipping endowments: with the winner sequence held fixed, every budget grows and every
  price falls as the endowment grows. So if the run at ``e + d`` funds the sequence of the
  run at ``e`` and, round by round, every rival's price at ``e + d`` is above the winner's
  at ``e``, every endowment in between funds that same sequence and need not be run (the
  float engines check this; an exact rerun certifies nothing). The step doubles after two
  such certificates in a row and halves when one fails. On a count in zloty most steps are
  single ones; in kopecks, a hundred times finer, the skip saves most runs.
"""

from __future__ import annotations

import enum
import heapq
import math
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from portal.results.equal_shares import float_engine

try:
    from portal.results.equal_shares import _c_engine
except ImportError:  # not built (``pip install -e .`` builds it): the Python twin stands in
    _c_engine = None

_FLOAT_LIMIT = 2**53  # money and voter counts below this are exact doubles


class Engine(enum.StrEnum):
    """How each run is computed; all three give the same winners."""

    C = "c"
    PYTHON = "python"
    EXACT = "exact"


DEFAULT_ENGINE = Engine.C if _c_engine is not None else Engine.PYTHON


@dataclass(frozen=True)
class EqualSharesResult:
    """Funded project indices in funding order and the per-voter endowment that gave them."""

    winners: tuple[int, ...]
    endowment: Fraction


class _Election:
    """Static data of one count: identical ballots grouped, supporters per project, tie
    ranks."""

    def __init__(
        self, costs: Sequence[int], ballots: Sequence[tuple[Sequence[int], int]],
        ranks: Sequence[int],
    ) -> None:
        self.costs = list(costs)
        groups: dict[frozenset[int], int] = {}
        for chosen, count in ballots:
            key = frozenset(chosen)
            groups[key] = groups.get(key, 0) + count
        self.votes = [0] * len(costs)
        for chosen, count in groups.items():
            for project in chosen:
                self.votes[project] += count
        # Groups in the order of the most supported projects they choose: a project's
        # supporters then lie close together in memory, and a float run is ~40% faster.
        popular = sorted(range(len(costs)), key=lambda p: (-self.votes[p], p))
        place = {p: position for position, p in enumerate(popular)}
        ordered = sorted(groups, key=lambda chosen: sorted(place[p] for p in chosen))
        self.sizes = [groups[chosen] for chosen in ordered]
        self.supporters: list[list[int]] = [[] for _ in costs]
        for group, chosen in enumerate(ordered):
            for project in chosen:
                self.supporters[project].append(group)
        self.candidates = [p for p in range(len(costs)) if costs[p] > 0 and self.votes[p] > 0]
        # Equal price: cheaper first, then more votes, then the caller's tie order.
        ordered = sorted(self.candidates, key=lambda p: (costs[p], -self.votes[p], ranks[p]))
        self.rank = [-1] * len(costs)
        for position, p in enumerate(ordered):
            self.rank[p] = position

    def fits_floats(self) -> bool:
        """Whether every integer the float engines read is exact as a double."""
        return max(self.costs, default=0) < _FLOAT_LIMIT and sum(self.sizes) < _FLOAT_LIMIT

    def float_arguments(self) -> tuple[list[int], ...]:
        """The arguments of the engines' ``prepare``: supporters flattened, with offsets."""
        starts = [0]
        for groups in self.supporters:
            starts.append(starts[-1] + len(groups))
        members = [g for groups in self.supporters for g in groups]
        return self.costs, self.rank, starts, members, self.sizes


def _exact_price(election: _Election, budgets: list[Fraction], project: int) -> Fraction | None:
    """What each supporter pays for ``project`` (all they have when less), or None."""
    cost = election.costs[project]
    sizes = election.sizes
    paid = Fraction(0)
    remaining = election.votes[project]
    for g in sorted(election.supporters[project], key=budgets.__getitem__):
        share = (cost - paid) / remaining
        if share <= budgets[g]:
            return share
        paid += budgets[g] * sizes[g]
        remaining -= sizes[g]
    return None  # everybody would have to give all they have, and it is still not enough


@dataclass(frozen=True)
class _Run:
    """One run: the funded projects, and what certifies a later run against this one.

    ``trace`` holds two doubles per round: an upper bound of the winner's ``alpha`` and
    1.0 when that ``alpha`` is exactly ``1 / votes``. ``certified``: every endowment from
    the one of the run given as ``before`` to this one funds these same projects.
    """

    winners: tuple[int, ...]
    trace: bytes
    certified: bool


def _exact_run(election: _Election, endowment: Fraction) -> _Run:
    """One run in fractions, with a heap of lazily refreshed ``alpha`` lower bounds."""
    budgets = [endowment] * len(election.sizes)
    rank = election.rank
    heap = [(Fraction(1, election.votes[p]), rank[p], p, -1) for p in election.candidates]
    heapq.heapify(heap)
    winners: list[int] = []
    trace = array("d")
    while heap:
        alpha, _, project, evaluated = heapq.heappop(heap)
        if evaluated != len(winners):
            rho = _exact_price(election, budgets, project)
            if rho is not None:
                alpha = rho / election.costs[project]
                heapq.heappush(heap, (alpha, rank[project], project, len(winners)))
            continue
        rho = alpha * election.costs[project]
        for g in election.supporters[project]:
            budgets[g] = budgets[g] - rho if budgets[g] > rho else Fraction(0)
        winners.append(project)
        simple = alpha == Fraction(1, election.votes[project])
        trace.extend((math.nextafter(float(alpha), math.inf), float(simple)))
    return _Run(tuple(winners), trace.tobytes(), False)


def _runner(
    election: _Election, engine: Engine,
) -> Callable[[Fraction, _Run | None], _Run]:
    """One run at an endowment, certified against an earlier run when one is given: in
    floats by ``engine``, in fractions when a decision is too close to call."""
    if engine is Engine.EXACT or not election.fits_floats():
        return lambda endowment, before: _exact_run(election, endowment)
    if engine is Engine.C and _c_engine is None:
        raise RuntimeError("the C engine is not built; run pip install -e .")
    module = _c_engine if engine is Engine.C else float_engine
    prepared = module.prepare(*election.float_arguments())
    exact: dict[Fraction, _Run] = {}  # the skip may ask for an endowment twice

    def run(endowment: Fraction, before: _Run | None) -> _Run:
        # A whole endowment goes as an int, which the engines know to be exact.
        given = endowment.numerator if endowment.denominator == 1 else float(endowment)
        if endowment >= _FLOAT_LIMIT:  # beyond exact doubles: fractions only
            result = None
        elif before is None:
            result = module.run(prepared, given)
        else:
            result = module.run(prepared, given, before.winners, before.trace)
        if result is not None:
            return _Run(*result)
        if endowment not in exact:
            exact[endowment] = _exact_run(election, endowment)
        return exact[endowment]

    return run


def equal_shares_add1(
    costs: Sequence[int],
    ballots: Sequence[tuple[Sequence[int], int]],
    budget: int,
    tie_ranks: Sequence[int],
    *,
    engine: Engine = DEFAULT_ENGINE,
) -> EqualSharesResult:
    """Equal Shares with add1 completion over projects ``0..len(costs)-1``.

    ``ballots`` are ``(chosen project indices, number of identical ballots)``;
    ``tie_ranks[p]`` orders projects left tied after cost and votes (lower wins).
    ``engine`` only changes the speed: every engine gives the same result.
    """
    election = _Election(costs, ballots, tie_ranks)
    voters = sum(election.sizes)
    if voters == 0:
        return EqualSharesResult((), Fraction(0))
    run = _runner(election, engine)
    everything = len(election.candidates)

    def spent(outcome: _Run) -> int:
        return sum(costs[p] for p in outcome.winners)

    first = run(Fraction(budget, voters), None)
    if len(first.winners) == everything:
        return EqualSharesResult(first.winners, Fraction(budget, voters))
    endowment = budget // voters + 1
    current = run(Fraction(endowment), None)
    if spent(current) > budget:
        return EqualSharesResult(first.winners, Fraction(budget, voters))
    step, streak = 1, 0
    while len(current.winners) < everything:  # with all funded, more money changes nothing
        trial = run(Fraction(endowment + step), current)
        if trial.certified:  # and so is every endowment in between: skip them
            endowment, current, streak = endowment + step, trial, streak + 1
            step *= 2 if streak >= 2 else 1
        elif step > 1:
            step, streak = step // 2, 0
        elif spent(trial) > budget:
            break
        else:
            endowment, current, streak = endowment + 1, trial, 0
    return EqualSharesResult(current.winners, Fraction(endowment))


@dataclass(frozen=True)
class Round:
    """One project funded: what each supporter paid (``price``; one who had less paid all
    they had) and what each group of identical ballots paid, per ballot."""

    project: int
    price: Fraction
    paid: dict[int, Fraction]  # group -> what each of its ballots paid


@dataclass(frozen=True)
class Replay:
    """A run told round by round, for the results page's explanation."""

    rounds: tuple[Round, ...]
    groups: tuple[tuple[frozenset[int], int], ...]  # each group's projects and size
    left: tuple[Fraction, ...]  # what each group's ballot holds at the end


def replay(
    costs: Sequence[int],
    ballots: Sequence[tuple[Sequence[int], int]],
    tie_ranks: Sequence[int],
    endowment: Fraction,
) -> Replay:
    """The one run at ``endowment`` (the completed count's), in fractions, round by round.

    The same choice as every engine's: the lowest price relative to cost, then the tie
    order of ``_Election``. Plain and slow (every candidate priced each round): it runs
    once per approved tally, for people to read, never to decide.
    """
    election = _Election(costs, ballots, tie_ranks)
    members = [frozenset() for _ in election.sizes]
    for project, groups in enumerate(election.supporters):
        for g in groups:
            members[g] |= {project}
    budgets = [endowment] * len(election.sizes)
    open_ = set(election.candidates)
    rounds = []
    while open_:
        priced = [(rho / costs[p], election.rank[p], p, rho) for p in open_
                  if (rho := _exact_price(election, budgets, p)) is not None]
        if not priced:
            break
        _alpha, _rank, project, rho = min(priced)
        paid = {}
        for g in election.supporters[project]:
            paid[g] = min(budgets[g], rho)
            budgets[g] -= paid[g]
        rounds.append(Round(project, rho, paid))
        open_.discard(project)
    return Replay(tuple(rounds), tuple(zip(members, election.sizes, strict=True)),
                  tuple(budgets))
