"""Benchmark: our Equal Shares + add1 against pabutools on Warszawa 2023 Ursynów.

Run as a script (not collected by pytest). Writes tests/bench/results/equal_shares.md and
exits non-zero unless ours is under 1 s, at least 200x faster, and picks the same winners.
Ours is timed three times (the best counts, as with timeit: the machine may be busy with
other work) on the engine ``pip install`` built; pabutools, taking minutes, once.
pabutools runs method_of_equal_shares with Cost_Sat through exhaustion_by_budget_increase
with a step of one unit per voter and no stop on exhaustiveness (the add1 of pabulib's
checker); its first budget is the real one, ours too, and its later per-voter budgets are
``budget / voters + k`` where ours are ``floor(budget / voters) + k``.
"""

import datetime
import os
import sys
import time
from pathlib import Path

from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.rules import exhaustion_by_budget_increase, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from portal.cycles.rules import WinnerRule  # noqa: E402
from portal.pabulib import format as pabulib  # noqa: E402  (the repository root is put on the path first)
from portal.results.equal_shares import DEFAULT_ENGINE  # noqa: E402
from portal.results.rules import RuleConfig, count  # noqa: E402

FILE = ROOT / ".." / "shared" / "pabulib" / "Poland_Warszawa_2023_Ursynow.pb"
RESULT = Path(__file__).resolve().parent / "results" / "equal_shares.md"


def ours() -> tuple[set[str], float, float]:
    """Our winners, and the best wall and processor times of three counts."""
    data = pabulib.parse(FILE.read_text(encoding="utf-8"))
    categories, projects, ballots, _ = pabulib.to_rule_inputs(data)
    walls, cpus = [], []
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        outcome = count(categories, projects, ballots, RuleConfig(WinnerRule.EQUAL_SHARES))
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return set(outcome.winners), min(walls), min(cpus)


def theirs() -> tuple[set[str], float]:
    instance, profile = parse_pabulib(str(FILE))
    order = {p.name: n for n, p in enumerate(instance)}
    votes = {p.name: profile.approval_score(p) for p in instance}
    tie = TieBreakingRule(lambda inst, prof, p: (p.cost, -votes[p.name], order[p.name]))
    start = time.perf_counter()
    outcome = exhaustion_by_budget_increase(
        instance, profile, method_of_equal_shares,
        {"sat_class": Cost_Sat, "tie_breaking": tie},
        budget_step=profile.num_ballots(), exhaustive_stop=False,
    )
    return {p.name for p in outcome}, time.perf_counter() - start


def main() -> int:
    our_winners, our_time, our_cpu = ours()
    their_winners, their_time = theirs()
    ratio = their_time / our_time
    same = our_winners == their_winners
    met = same and our_time < 1 and ratio >= 200
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(
        "# Equal Shares + add1 on Poland_Warszawa_2023_Ursynow.pb\n\n"
        f"- date: {datetime.date.today().isoformat()}\n"
        f"- cpu count: {os.cpu_count()}\n"
        f"- engine: {DEFAULT_ENGINE.value}\n"
        f"- ours: {our_time:.3f} s (best of 3; processor time {our_cpu:.3f} s)\n"
        f"- pabutools: {their_time:.1f} s\n"
        f"- ratio: {ratio:.0f}x\n"
        f"- winners equal: {'yes' if same else 'no'}\n"
        f"- target (same winners, under 1 s, at least 200x): {'met' if met else 'NOT met'}\n",
        encoding="utf-8",
    )
    print(RESULT.read_text(encoding="utf-8"))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
