"""Equal Shares explained the way equalshares.net explains it to its cities (pure).

For one category of an Equal Shares count: the share each voter held; for each winner, in
the order it was funded, what each supporter paid for it; for each project that lost
although it had more votes than a winner, how much money its supporters still held
(less than its cost) and on which winners they had spent the rest. Money is in the count's
unit (``tallies.money_unit``); the caller turns it into kopecks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from portal.results import rules
from portal.results.equal_shares import replay


@dataclass(frozen=True)
class Payment:
    """A winner: its supporters, and what each one paid (``price``); ``capped`` when some
    of them had less than that left and gave all they had."""

    project_id: str
    supporters: int
    price: Fraction
    capped: bool


@dataclass(frozen=True)
class Shortfall:
    """A project that lost although it had more votes than some winner."""

    project_id: str
    votes: int
    cost: int
    left: Fraction  # its supporters' money left when nothing more could be paid for
    spent_on: tuple[tuple[str, Fraction], ...]  # winners its supporters paid for, most first


@dataclass(frozen=True)
class SharesExplained:
    endowment: Fraction  # each voter's share
    voters: int
    payments: tuple[Payment, ...]
    shortfalls: tuple[Shortfall, ...]


def explain(eligible: Sequence[rules.Project], ballots: Sequence[rules.Ballot],
            endowment: Fraction, ranks: dict[str, int]) -> SharesExplained:
    """Replay the category's count at its final ``endowment`` and tell it."""
    grouped = rules.shares_ballots(eligible, ballots)
    run = replay([p.cost for p in eligible], grouped, [ranks[p.id] for p in eligible],
                 endowment)
    votes = [0] * len(eligible)
    for members, size in run.groups:
        for project in members:
            votes[project] += size
    payments = tuple(
        Payment(eligible[r.project].id, votes[r.project], r.price,
                any(paid < r.price for paid in r.paid.values()))
        for r in run.rounds)
    funded = {r.project for r in run.rounds}
    fewest = min((votes[p] for p in funded), default=None)
    shortfalls = []
    for project, candidate in enumerate(eligible):
        if project in funded or fewest is None or votes[project] <= fewest:
            continue
        mine = [g for g, (members, _size) in enumerate(run.groups) if project in members]
        left = sum((run.left[g] * run.groups[g][1] for g in mine), Fraction(0))
        spent = []
        for r in run.rounds:
            amount = sum((r.paid.get(g, 0) * run.groups[g][1] for g in mine), Fraction(0))
            if amount:
                spent.append((eligible[r.project].id, amount))
        spent.sort(key=lambda item: -item[1])
        shortfalls.append(Shortfall(candidate.id, votes[project], candidate.cost, left,
                                    tuple(spent)))
    shortfalls.sort(key=lambda s: -s.votes)
    voters = sum(size for _members, size in run.groups)
    return SharesExplained(endowment, voters, payments, tuple(shortfalls))
