"""One run of Equal Shares in floating point that knows when it cannot be trusted.

This is the pure-Python twin of ``_c_engine.c``, step for step the same algorithm and
the same floating-point operations: the engine used when the extension is not built, and
its reference in the tests. ``run`` returns the funded projects in funding order, or None
when a decision was too close to call in floats; the package's ``__init__.py`` then redoes that
endowment in fractions.

The price without sorting. A project's price ``rho`` is the least value with
``sum(size * min(budget, rho)) == cost`` over its supporters (``size`` voters per ballot
group). Start from ``cost / votes``, or from the project's last price less its error, which
is below the current one; call poor every supporter holding less, charge them all they
have and share the rest of the cost among the others; repeat until nobody new is poor.
Every pass after the first reads only the supporters not yet poor. The poor set only
grows, and at the fixed point it is the set of supporters holding less than the price.
When everybody is poor the project is unaffordable (and stays so: budgets only fall).

When floats are trusted. Every budget carries a bound on its distance to the exact one
(``slack``): the rounding of the endowment (none for an int), plus, for every price paid,
that price's error bound and the rounding of the subtraction, which Fast2Sum gives
exactly; a budget spent to zero is exact again. A price's error bound follows from the
slack of the poor supporters' budgets and the rounding of the sums that made it (none for
``cost / votes`` when that division is exact). A decision is taken in floats only when its
two sides differ by more than ``1e-9`` of their size plus their error bounds: every
supporter's poor-or-rich status at the final price (a budget exactly at an exact price is
no tie), unaffordability, and the winner against every rival (two prices of
``1 / votes`` are compared by votes and tie order instead, exactly).
Lazy evaluation keeps a project's last ``alpha`` (less its error) as a lower bound of its
current one: exact prices only rise as budgets fall.

The certificate. Given the winners and trace of a run at a lower endowment, a run checks
round by round that it funds the same project and that every rival's ``alpha`` here is
above the winner's there (or both are ``1 / votes`` and the winner takes the tie). With
the sequence held fixed, budgets only grow and prices only fall as the endowment grows, so
every endowment in between then funds that same sequence (the package's ``__init__.py`` skips them).
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

TOLERANCE = 1e-9
UNIT = 2.0**-53  # the unit roundoff of a double


class _NearTie(Exception):
    """A decision fell within the margin; the caller must redo the run exactly."""


@dataclass(frozen=True)
class Prepared:
    """One election in the layout ``run`` reads (``order[p] < 0``: not a candidate)."""

    costs: tuple[float, ...]
    votes: tuple[float, ...]
    order: tuple[int, ...]
    supporters: tuple[tuple[int, ...], ...]
    sizes: tuple[float, ...]


def prepare(
    costs: Sequence[int], order: Sequence[int], starts: Sequence[int],
    members: Sequence[int], sizes: Sequence[int],
) -> Prepared:
    """Take the arguments of the C ``prepare``: project ``p``'s supporting ballot groups are
    ``members[starts[p]:starts[p + 1]]``, and ``order`` ranks the candidates on equal price."""
    supporters = tuple(tuple(members[starts[p]:starts[p + 1]]) for p in range(len(costs)))
    votes = tuple(float(sum(sizes[g] for g in groups)) for groups in supporters)
    return Prepared(
        tuple(map(float, costs)), votes, tuple(order), supporters, tuple(map(float, sizes)),
    )


def run(
    prepared: Prepared, endowment: int | float, before_winners: Sequence[int] | None = None,
    before_trace: bytes | None = None,
) -> tuple[tuple[int, ...], bytes, bool] | None:
    """One run with every voter holding ``endowment``: None on a near-tie, else the funded
    projects in order, the trace to certify a later run against, and whether this run is
    certified against the one before (given by its winners and trace)."""
    state = _Run(prepared, endowment)
    if before_winners is not None:
        state.before_winners = tuple(before_winners)
        state.before_trace = array("d", before_trace)
        if len(state.before_trace) != 2 * len(state.before_winners):
            raise ValueError("the trace before does not match its winners")
        state.certified = True
    try:
        winners = state.winners()
    except _NearTie:
        return None
    return winners, state.trace.tobytes(), state.certified


class _Run:
    """The state of one run: budgets with their error bounds, and each project's last price."""

    def __init__(self, prepared: Prepared, endowment: int | float) -> None:
        if not 0 <= endowment <= 2**53:
            raise ValueError("the endowment must be in [0, 2**53]")
        self.e = prepared
        # An int endowment is exact (below 2**53); a float one may be a rounded fraction.
        self.budgets = [float(endowment)] * len(prepared.sizes)
        initial_slack = 0.0 if isinstance(endowment, int) else UNIT * endowment
        self.slack = [initial_slack] * len(prepared.sizes)
        count = len(prepared.costs)
        self.alive = [
            prepared.order[p] >= 0 and prepared.votes[p] > 0 and prepared.costs[p] > 0
            for p in range(count)
        ]
        self.alpha = [1 / v if v > 0 else 0.0 for v in prepared.votes]
        self.alpha_error = [UNIT * a for a in self.alpha]
        self.fresh = [-1] * count
        self.rho = [0.0] * count
        self.rho_error = [0.0] * count
        self.simple = [True] * count
        self.trace = array("d")  # per round: the winner's alpha's upper bound, simple or not
        self.before_winners: tuple[int, ...] = ()
        self.before_trace = array("d")
        self.certified = False

    def winners(self) -> tuple[int, ...]:
        """Fund projects until none is affordable; raise _NearTie when floats are unsure."""
        e, alpha, order = self.e, self.alpha, self.e.order
        funded: list[int] = []
        while True:
            best = -1
            for p, alive in enumerate(self.alive):
                if alive and (best < 0 or alpha[p] < alpha[best]
                              or (alpha[p] == alpha[best] and order[p] < order[best])):
                    best = p
            if best < 0:
                break
            if self.fresh[best] != len(funded):
                self._refresh(best, len(funded))
                continue
            self._check_rivals(best, len(funded))
            if self.certified:
                self.certified = self._certify(best, len(funded))
            rho, error = self.rho[best], self.rho_error[best]
            budgets, slack = self.budgets, self.slack
            for g in e.supporters[best]:
                s = budgets[g]
                if s < rho:
                    budgets[g] = slack[g] = 0.0
                else:  # s >= rho, so (s - left) - rho is exactly the rounding (Fast2Sum)
                    left = s - rho
                    slack[g] += error + abs((s - left) - rho)
                    budgets[g] = left
            self.alive[best] = False
            funded.append(best)
            self.trace.extend((alpha[best] + self.alpha_error[best], float(self.simple[best])))
        if len(funded) != len(self.before_winners):
            self.certified = False
        return tuple(funded)

    def _certify(self, best: int, round_no: int) -> bool:
        """Whether every rival is dearer now than ``best`` was in this round of the run
        before, at a lower endowment, or both are ``1 / votes`` and ``best`` wins the tie:
        then every endowment in between funds ``best`` in this round too."""
        if round_no >= len(self.before_winners) or self.before_winners[round_no] != best:
            return False
        upper = self.before_trace[2 * round_no]
        bound = upper + TOLERANCE * upper
        simple = self.before_trace[2 * round_no + 1] != 0.0
        alpha, alpha_error, votes, order = self.alpha, self.alpha_error, self.e.votes, self.e.order
        for k in range(len(alpha)):
            if not self.alive[k] or k == best or alpha[k] - alpha_error[k] > bound:
                continue
            if self.fresh[k] != round_no:
                try:
                    self._refresh(k, round_no)
                except _NearTie:
                    return False  # k keeps its stale price; this run certifies nothing
                if not self.alive[k] or alpha[k] - alpha_error[k] > bound:
                    continue
            if simple and self.simple[k] and (
                votes[best] > votes[k] or (votes[best] == votes[k] and order[best] < order[k])
            ):
                continue
            return False
        return True

    def _refresh(self, p: int, round_no: int) -> None:
        value = self._price(p)
        if value is None:
            self.alive[p] = False
            return
        rho, error, simple = value
        self.rho[p], self.rho_error[p], self.simple[p] = value
        if simple:
            self.alpha[p] = 1 / self.e.votes[p]
            self.alpha_error[p] = UNIT * self.alpha[p]
        else:
            self.alpha[p] = rho / self.e.costs[p]
            self.alpha_error[p] = error / self.e.costs[p] + 2 * UNIT * self.alpha[p]
        self.fresh[p] = round_no

    def _check_rivals(self, best: int, round_no: int) -> None:
        """Every rival must be clearly dearer, or both be ``1 / votes`` in the right order."""
        alpha, alpha_error, votes, order = self.alpha, self.alpha_error, self.e.votes, self.e.order
        limit = alpha[best] + alpha_error[best] + TOLERANCE * alpha[best]
        for k in range(len(alpha)):
            if not self.alive[k] or k == best or alpha[k] - alpha_error[k] > limit:
                continue
            if self.fresh[k] != round_no:
                self._refresh(k, round_no)
                if not self.alive[k] or alpha[k] - alpha_error[k] > limit:
                    continue
            if self.simple[best] and self.simple[k] and (
                votes[best] > votes[k] or (votes[best] == votes[k] and order[best] < order[k])
            ):
                continue
            raise _NearTie

    def _price(self, p: int) -> tuple[float, float, bool] | None:
        """``(rho, its error bound, nobody poor)``, or None when the supporters cannot pay."""
        e, budgets, slack = self.e, self.budgets, self.slack
        cost, votes, sizes = e.costs[p], e.votes[p], e.sizes
        rho = cost / votes
        exact = Fraction(rho) * int(votes) == int(cost)  # the division did not round
        error = 0.0 if exact else 2 * UNIT * rho
        from_set = True  # rho is the price that the poor set found so far (none) implies
        if self.fresh[p] >= 0 and not self.simple[p]:
            # The last price, less its error, is below the current one: start there.
            floor = (self.rho[p] - self.rho_error[p]) * (1 - 4 * UNIT)
            if floor > rho:
                rho, from_set = floor, False
        count, paid, poor_votes, carried = 0, 0.0, 0.0, 0.0
        top = -math.inf  # the highest budget (plus slack) of a poor supporter
        rich = e.supporters[p]
        while True:
            newly_poor, low, kept = 0, math.inf, []
            for g in rich:
                s = budgets[g]
                if s < rho:  # poor stays poor: the price only rises from here
                    newly_poor += 1
                    paid += sizes[g] * s
                    poor_votes += sizes[g]
                    carried += sizes[g] * slack[g]
                    top = max(top, s + slack[g])
                else:
                    kept.append(g)
                    low = min(low, s - slack[g])
            count += newly_poor
            rich = kept
            if from_set and newly_poor == 0:
                break
            rounding = 2 * (count + 2) * UNIT * paid
            if not rich:  # everybody gives all they have: is it enough?
                if cost - paid > TOLERANCE * cost + carried + rounding:
                    return None
                raise _NearTie
            rest = votes - poor_votes
            rho = (cost - paid) / rest
            error = (carried + rounding + 2 * UNIT * cost) / rest + 4 * UNIT * rho
            if not error < rho:
                raise _NearTie
            from_set = True
        margin = TOLERANCE * rho + error
        if not rho - top > margin:
            raise _NearTie
        if not low - rho > margin and (error != 0.0 or not all(
            # A budget exactly at an exact price is no tie: paying all is paying the price.
            budgets[g] - slack[g] - rho > margin or (budgets[g] == rho and slack[g] == 0.0)
            for g in rich
        )):
            raise _NearTie
        return rho, error, count == 0
