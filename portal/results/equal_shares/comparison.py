"""The comparison step of ``equalshares/add1-comparison`` (Wieliczka's Green Budget 2023).

Definition, as pabulib's checker computes it for that rule (its ``satisfaction`` mode) and
as equalshares.net describes the step Wieliczka's rules adopted: after Equal Shares with
add1 completion, the utilitarian greedy outcome is computed over the same budget (most
votes first; a project that no longer fits is skipped). Each voter is compared on the two
outcomes by the number of the projects they approved that each one funds; a voter with
more in one outcome prefers it, a voter with as many in both prefers neither. The greedy
outcome is taken only when strictly more voters prefer it than prefer Equal Shares;
otherwise (a tie included) the Equal Shares outcome stands.

The endowment step of the completion is the portal's ``equal_shares_add1``: the share
``floor(B / n)`` raised by whole currency units while the outcome fits the budget, as the
checker does; on Wieliczka's file it gives the city's published 30 winners. pabutools'
``exhaustion_by_budget_increase`` (one unit per voter a step from ``B / n``) gives the same
30 when told to go on while the outcome fits (``exhaustive_stop=False``); with its default,
stopping at the first exhaustive outcome, it picks 31 (66 and 67 in, 46 out):
``tests/bench/results/pabulib_roundtrip.md`` shows both. pabutools' ``popularity_comparison``
(``Cardinality_Sat``) of that and greedy is this step.

Pure: project indices and grouped ballots, like ``equal_shares_add1``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence


def preferences(mes: Collection[int], greedy: Collection[int],
                ballots: Sequence[tuple[Sequence[int], int]]) -> tuple[int, int]:
    """How many voters prefer the Equal Shares outcome ``mes``, how many ``greedy``."""
    mes, greedy = set(mes), set(greedy)
    for_mes = for_greedy = 0
    for chosen, count in ballots:
        chosen = set(chosen)
        in_mes, in_greedy = len(chosen & mes), len(chosen & greedy)
        if in_mes > in_greedy:
            for_mes += count
        elif in_greedy > in_mes:
            for_greedy += count
    return for_mes, for_greedy


def greedy_preferred(mes: Collection[int], greedy: Collection[int],
                     ballots: Sequence[tuple[Sequence[int], int]]) -> bool:
    """Whether the comparison step takes the greedy outcome instead of Equal Shares'."""
    for_mes, for_greedy = preferences(mes, greedy, ballots)
    return for_greedy > for_mes
