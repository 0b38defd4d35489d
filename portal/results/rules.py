"""Winner rules of a participatory budget: a pure function over plain data (DESIGN rule 6).

``count(...)`` takes frozen dataclasses and returns an ``Outcome`` that a service can
store next to ``inputs_digest(...)`` so anyone can recompute and compare the tally.
Money is integer (smallest currency unit, e.g. kopecks). Project ids are strings,
everywhere, including in ``outcome_to_json``.

Leftover transfer: when a category names ``leftover_to``, it is counted before that
category, and whatever it leaves unspent is added to the target's budget before the
target is counted (with its own rule, over its own projects). Chains are allowed,
cycles are refused.
"""

from __future__ import annotations

import enum
import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction

from portal.cycles.rules import EQUAL_SHARES_RULES, TieRule, WinnerRule
from portal.results.equal_shares import equal_shares_add1
from portal.results.equal_shares.comparison import greedy_preferred


class Reason(enum.StrEnum):
    """Why a project was not funded; translated into words outside this module."""

    DOES_NOT_FIT = "does_not_fit"
    BELOW_THRESHOLD = "below_threshold"
    STOPPED = "stopped"
    SHARES_EXHAUSTED = "shares_exhausted"  # equal shares: its supporters could not pay


@dataclass(frozen=True)
class Project:
    id: str
    category: str
    cost: int
    registration: int


@dataclass(frozen=True)
class Category:
    key: str
    name: str
    budget: int
    leftover_to: str | None = None


@dataclass(frozen=True)
class Ballot:
    """The chosen project ids; ``count`` identical ballots may be given as one."""

    choices: tuple[str, ...]
    count: int = 1


@dataclass(frozen=True)
class RuleConfig:
    rule: WinnerRule
    tie_rule: TieRule = TieRule.REGISTRATION
    seed: int | None = None
    min_votes: int | None = None


@dataclass(frozen=True)
class ProjectResult:
    project_id: str
    votes: int
    cost: int
    selected: bool
    reason: Reason | None


@dataclass(frozen=True)
class CategoryOutcome:
    key: str
    name: str
    budget: int
    received: int
    spent: int
    left: int
    projects: tuple[ProjectResult, ...]
    winners: tuple[str, ...]
    endowment: Fraction | None


@dataclass(frozen=True)
class Outcome:
    rule: WinnerRule
    tie_rule: TieRule
    seed: int | None
    categories: tuple[CategoryOutcome, ...]
    winners: tuple[str, ...]


def tie_order(projects: Sequence[Project], config: RuleConfig) -> dict[str, int]:
    """Rank used when everything else is equal: lower rank wins."""
    ordered = sorted(projects, key=lambda p: (p.registration, p.id))
    if config.tie_rule is TieRule.LOTTERY:
        if config.seed is None:
            raise ValueError("the lottery tie rule needs a seed")
        # A published seed must reproduce the draw; this is not a security use.
        random.Random(config.seed).shuffle(ordered)  # noqa: S311
    return {p.id: position for position, p in enumerate(ordered)}


def count(
    categories: Sequence[Category],
    projects: Sequence[Project],
    ballots: Sequence[Ballot],
    config: RuleConfig,
) -> Outcome:
    """Compute the winners of every category under ``config``."""
    if config.rule is WinnerRule.GREEDY_THRESHOLD and config.min_votes is None:
        raise ValueError("greedy-threshold needs min_votes")
    known = {p.id for p in projects}
    votes = dict.fromkeys(known, 0)
    for ballot in ballots:
        for choice in set(ballot.choices):
            if choice not in known:
                raise ValueError(f"ballot names an unknown project {choice!r}")
            votes[choice] += ballot.count
    ranks = tie_order(projects, config)
    received = {c.key: 0 for c in categories}
    results: dict[str, CategoryOutcome] = {}
    for category in _counting_order(categories):
        members = [p for p in projects if p.category == category.key]
        budget = category.budget + received[category.key]
        result = _count_category(category, budget, members, ballots, votes, ranks, config)
        results[category.key] = result
        if category.leftover_to is not None:
            received[category.leftover_to] += result.left
    ordered = tuple(results[c.key] for c in categories)
    winners = tuple(w for c in ordered for w in c.winners)
    return Outcome(config.rule, config.tie_rule, config.seed, ordered, winners)


def _counting_order(categories: Sequence[Category]) -> list[Category]:
    """Categories ordered so that every leftover source comes before its target."""
    by_key = {c.key: c for c in categories}
    for c in categories:
        if c.leftover_to is not None and c.leftover_to not in by_key:
            raise ValueError(f"leftover of {c.key!r} goes to unknown {c.leftover_to!r}")
    order: list[Category] = []
    state: dict[str, int] = {}

    def visit(key: str) -> None:
        if state.get(key) == 2:
            return
        if state.get(key) == 1:
            raise ValueError("leftover transfers form a cycle")
        state[key] = 1
        for source in categories:
            if source.leftover_to == key:
                visit(source.key)
        state[key] = 2
        order.append(by_key[key])

    for c in categories:
        visit(c.key)
    return order


def _count_category(
    category: Category, budget: int, members: list[Project], ballots: Sequence[Ballot],
    votes: dict[str, int], ranks: dict[str, int], config: RuleConfig,
) -> CategoryOutcome:
    eligible = [
        p for p in members if config.min_votes is None or votes[p.id] >= config.min_votes
    ]
    reasons: dict[str, Reason] = {
        p.id: Reason.BELOW_THRESHOLD for p in members if p not in eligible
    }
    endowment: Fraction | None = None
    if config.rule in EQUAL_SHARES_RULES:
        winners, endowment = _equal_shares(eligible, ballots, budget, ranks)
        reasons.update({p.id: Reason.SHARES_EXHAUSTED for p in eligible if p.id not in winners})
        if config.rule is WinnerRule.EQUAL_SHARES_COMPARISON:
            greedy_reasons: dict[str, Reason] = {}
            greedy = _greedy(eligible, votes, ranks, budget, WinnerRule.GREEDY, greedy_reasons)
            if greedy_preferred(*_indices(eligible, winners, greedy), shares_ballots(
                    eligible, ballots)):
                # The greedy outcome is taken: no share was spent, so no endowment.
                winners, endowment = greedy, None
                reasons = {key: r for key, r in reasons.items()
                           if r is Reason.BELOW_THRESHOLD} | greedy_reasons
    else:
        winners = _greedy(eligible, votes, ranks, budget, config.rule, reasons)
    spent = sum(p.cost for p in members if p.id in winners)
    listed = sorted(members, key=lambda p: (-votes[p.id], ranks[p.id]))
    rows = tuple(
        ProjectResult(p.id, votes[p.id], p.cost, p.id in winners, reasons.get(p.id))
        for p in listed
    )
    return CategoryOutcome(
        category.key, category.name, category.budget, budget - category.budget, spent,
        budget - spent, rows, tuple(p.id for p in listed if p.id in winners), endowment,
    )


def _greedy(
    eligible: list[Project], votes: dict[str, int], ranks: dict[str, int], budget: int,
    rule: WinnerRule, reasons: dict[str, Reason],
) -> set[str]:
    """Most votes first; skip what does not fit, or stop there for ``greedy-no-skip``."""
    winners: set[str] = set()
    left = budget
    stopped = False
    for p in sorted(eligible, key=lambda p: (-votes[p.id], ranks[p.id])):
        if stopped:
            reasons[p.id] = Reason.STOPPED
        elif p.cost <= left:
            winners.add(p.id)
            left -= p.cost
        else:
            reasons[p.id] = Reason.DOES_NOT_FIT
            stopped = rule is WinnerRule.GREEDY_NO_SKIP
    return winners


def _equal_shares(
    eligible: list[Project], ballots: Sequence[Ballot], budget: int, ranks: dict[str, int],
) -> tuple[set[str], Fraction]:
    result = equal_shares_add1(
        [p.cost for p in eligible], shares_ballots(eligible, ballots), budget,
        [ranks[p.id] for p in eligible],
    )
    return {eligible[i].id for i in result.winners}, result.endowment


def _indices(eligible: Sequence[Project], *outcomes: set[str]) -> list[set[int]]:
    index = {p.id: i for i, p in enumerate(eligible)}
    return [{index[w] for w in outcome} for outcome in outcomes]


def shares_ballots(eligible: Sequence[Project],
                   ballots: Sequence[Ballot]) -> list[tuple[tuple[int, ...], int]]:
    """The ballots as Equal Shares counts them: the indices (in ``eligible``) of the chosen
    projects, identical ones grouped with their number.

    Every voter of the election holds a share, even one who chose nothing in this pot.
    """
    index = {p.id: i for i, p in enumerate(eligible)}
    grouped: dict[tuple[int, ...], int] = {}
    for ballot in ballots:
        key = tuple(sorted({index[c] for c in ballot.choices if c in index}))
        grouped[key] = grouped.get(key, 0) + ballot.count
    return list(grouped.items())


def inputs_digest(
    categories: Sequence[Category], projects: Sequence[Project], ballots: Sequence[Ballot],
    config: RuleConfig,
) -> str:
    """SHA-256 of a canonical JSON of the inputs, independent of ballot order."""
    document = {
        "categories": sorted((asdict(c) for c in categories), key=lambda c: c["key"]),
        "projects": sorted((asdict(p) for p in projects), key=lambda p: p["id"]),
        "ballots": sorted(
            ([sorted(set(b.choices)), b.count] for b in ballots), key=json.dumps
        ),
        "config": {k: str(v) if isinstance(v, enum.Enum) else v
                   for k, v in asdict(config).items()},
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def outcome_to_json(outcome: Outcome) -> dict:
    """The published summary: rule, winners, and each category's budget and winners."""
    return {
        "rule": outcome.rule.value,
        "winners": list(outcome.winners),
        "categories": [
            {"name": c.name, "budget": c.budget, "winners": list(c.winners)}
            for c in outcome.categories
        ],
    }
