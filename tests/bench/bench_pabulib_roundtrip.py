"""Benchmark: every shared pabulib file imported, exported and compared; pabutools' winners
against the portal's and the file's ``selected``.

Run as a script (not collected by pytest); writes tests/bench/results/pabulib_roundtrip.md.
Per file: ``flask pb import-pabulib`` and ``flask pb export`` on a fresh SQLite database,
timed, and the export compared with the file (``format.differences``: equal in meaning or
the differences); the portal's count under the file's rule and under greedy; pabutools'
(``greedy_utilitarian_welfare`` with ``Cost_Sat``; Equal Shares as
``exhaustion_by_budget_increase`` of ``method_of_equal_shares`` one unit per voter at a
time; the comparison rule as ``popularity_comparison`` of that and greedy with
``Cardinality_Sat``), and for an Equal Shares file also pabutools' default, which stops
at the first exhaustive outcome (``exhaustive_stop=True``) where add1 goes on while the
outcome fits the budget. pabutools has no greedy-no-skip. Each pabutools count is bounded by
``PABUTOOLS_SECONDS`` (default 600): one that takes longer is reported as such.
"""

import datetime
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from portal import create_app  # noqa: E402  (the repository root is put on the path first)
from portal.cycles.rules import WinnerRule  # noqa: E402
from portal.pabulib import format as pabulib  # noqa: E402
from portal.results.rules import count  # noqa: E402
from tests.conftest import TEST_COMMUNITY, prepare_database  # noqa: E402
from tests.services.pabulib_tools import pabutools_winners  # noqa: E402

SHARED = ROOT.parent / "shared" / "pabulib"
OUT = ROOT / "tests" / "bench" / "results" / "pabulib_roundtrip.md"
BOUND = int(os.environ.get("PABUTOOLS_SECONDS", "600"))


class TooLong(Exception):
    pass


def _alarm(_signum, _frame):
    raise TooLong


def pabutools_count(text: str, rule: str,
                    stop: bool = False) -> tuple[set[str] | str, float]:
    if rule not in {r.value for r in WinnerRule} or rule == "greedy-no-skip":
        return "no such rule in pabutools", 0.0
    threshold = pabulib.parse(text).meta.get("min_project_score_threshold")
    start = time.perf_counter()
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(BOUND)
    try:
        found = pabutools_winners(text, WinnerRule(rule), threshold and int(threshold),
                                  stop=stop)
        return found, time.perf_counter() - start
    except TooLong:
        return f"over {BOUND} s", time.perf_counter() - start
    finally:
        signal.alarm(0)


def said(winners, portal: set[str], selected: set[str]) -> str:
    if isinstance(winners, str):
        return winners
    return (f"{len(winners)} winners; = portal: {winners == portal}; "
            f"= file: {winners == selected}; only pabutools: {sorted(winners - portal)}; "
            f"only portal: {sorted(portal - winners)}")


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    prepare_database(url)
    app = create_app("testing", {"DATABASE_URL": url, "MAIL_OUTBOX": str(folder),
                                 "SERVER_NAME": "portal.test",
                                 "DEFAULT_COMMUNITY": TEST_COMMUNITY["code"]})
    runner = app.test_cli_runner()
    lines = [
        "# pabulib round trip and pabutools on the shared files", "",
        f"Measured {datetime.date.today()} by `tests/bench/bench_pabulib_roundtrip.py` on "
        f"this machine (2 cores, shared), SQLite; pabutools bounded at {BOUND} s a count.", ""]
    for path in sorted(SHARED.glob("*.pb")):
        text = path.read_text(encoding="utf-8")
        original = pabulib.parse(text)
        rule = original.meta.get("rule", "greedy")
        start = time.perf_counter()
        imported = runner.invoke(args=["pb", "import-pabulib", str(path)])
        import_seconds = time.perf_counter() - start
        cycle = imported.output.strip().splitlines()[-1]
        start = time.perf_counter()
        exported = runner.invoke(args=["pb", "export", cycle]).output
        export_seconds = time.perf_counter() - start
        found = pabulib.differences(original, pabulib.parse(exported))
        categories, projects, ballots, config = pabulib.to_rule_inputs(original)
        start = time.perf_counter()
        portal = set(count(categories, projects, ballots, config).winners)
        portal_seconds = time.perf_counter() - start
        greedy = set(count(categories, projects, ballots,
                           type(config)(WinnerRule.GREEDY)).winners)
        selected = {r["project_id"] for r in original.projects if r.get("selected") == "1"}
        own, own_seconds = pabutools_count(text, rule)
        plain, plain_seconds = pabutools_count(text, "greedy")
        if rule.startswith("equalshares"):
            stopped, stopped_seconds = pabutools_count(text, "equalshares/add1", stop=True)
        lines += [
            f"## {path.stem}", "",
            f"- {len(original.votes)} votes, {len(original.projects)} projects, rule `{rule}`",
            f"- import {import_seconds:.1f} s, export {export_seconds:.1f} s; round trip: "
            + ("equal in meaning" if not found else "; ".join(found[:10])),
            f"- file's `selected`: {len(selected)}; the portal ({portal_seconds:.2f} s): "
            f"{len(portal)}, = file: {portal == selected}",
            f"- pabutools, the file's rule ({own_seconds:.1f} s): {said(own, portal, selected)}",
            f"- greedy: portal {len(greedy)}; pabutools ({plain_seconds:.1f} s): "
            f"{said(plain, greedy, selected)}"]
        if rule.startswith("equalshares"):
            lines.append(f"- pabutools' Equal Shares with its default `exhaustive_stop=True` "
                         f"(stops at the first exhaustive outcome; {stopped_seconds:.1f} s): "
                         f"{said(stopped, portal, selected)}")
        lines.append("")
        print(path.stem, "done", flush=True)
        OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
