"""pabutools counting a .pb text under one of the portal's rules, for the tests that check
that a tool reading the portal's files computes the portal's winners.

greedy: ``greedy_utilitarian_welfare`` with ``Cost_Sat`` (most votes first, skipping what
does not fit); greedy-threshold: the same over the projects with at least the threshold's
votes; Equal Shares: ``exhaustion_by_budget_increase`` of ``method_of_equal_shares`` one
unit per voter a step while the outcome fits (pabulib's add1); the comparison rule:
``popularity_comparison`` of that and greedy with ``Cardinality_Sat``. pabutools has no
greedy-no-skip.
"""

from __future__ import annotations

from fractions import Fraction

from pabutools.election import Cardinality_Sat, Cost_Sat
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import (
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
    popularity_comparison,
)

from portal.cycles.rules import WinnerRule


def pabutools_winners(text: str, rule: WinnerRule, threshold: int | None,
                      *, stop: bool = False) -> set[str]:
    """The project ids pabutools selects from ``text`` under ``rule``; ``stop``: Equal
    Shares stops at the first exhaustive outcome (pabutools' default) rather than going on
    while the outcome fits."""
    instance, profile = parse_pabulib_from_string(text)
    if rule is WinnerRule.GREEDY_THRESHOLD:
        instance = type(instance)(p for p in instance
                                  if profile.approval_score(p) >= threshold)
        instance.budget_limit = parse_pabulib_from_string(text)[0].budget_limit
    if rule in (WinnerRule.GREEDY, WinnerRule.GREEDY_THRESHOLD):
        return {p.name for p in greedy_utilitarian_welfare(instance, profile, Cost_Sat)}
    mes = {"rule": method_of_equal_shares, "rule_params": {"sat_class": Cost_Sat},
           "budget_step": Fraction(profile.num_ballots()), "exhaustive_stop": stop}
    if rule is WinnerRule.EQUAL_SHARES:
        return {p.name for p in exhaustion_by_budget_increase(instance, profile, **mes)}
    compared = popularity_comparison(
        instance, profile, Cardinality_Sat, [exhaustion_by_budget_increase,
                                             greedy_utilitarian_welfare],
        [mes, {"sat_class": Cost_Sat}])
    return {p.name for p in compared[0]}
