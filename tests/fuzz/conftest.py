"""What the fuzz tests share: the data every page and endpoint names, and the tally of cases.

The data is the access table's (``tests/web/test_access.py``: a user per role, and every
row a route names) plus a closed vote with ballots, built once per module and rolled back
after it. Each suite counts the cases it sent and the 5xx answers it saw; at the end of the
run the counts are written to ``tests/fuzz/results/<database>.json`` (the figures issue 10
asks for). A suite fails when it sees a 5xx.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.factories.voting import make_vote
from tests.web.test_access import table  # noqa: F401  (the access table's rows: a fixture)

RESULTS = Path(__file__).resolve().parent / "results"

#: suite -> Counter of status codes (and "cases"); filled by the tests, written at the end.
TALLY: dict[str, Counter] = {}


def count(suite: str, status: int) -> None:
    tally = TALLY.setdefault(suite, Counter())
    tally["cases"] += 1
    tally[f"{status // 100}xx"] += 1


@pytest.fixture(scope="session", autouse=True)
def fuzz_results(database_url: str):
    yield
    if not TALLY:
        return
    database = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    suites = {name: dict(sorted(tally.items())) for name, tally in sorted(TALLY.items())}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{database}.json").write_text(json.dumps({
        "database": database,
        "cases fuzzed": sum(t["cases"] for t in TALLY.values()),
        "5xx seen": sum(t["5xx"] for t in TALLY.values()),
        "suites": suites,
    }, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def fuzz_data(table, module_db):  # noqa: F811  (the fixture imported above)
    """People per role and the ids of every kind of row (the access table's), with a closed
    vote that has ballots (``vote_cycle``)."""
    people, ids = table
    vote_cycle, *_rest = make_vote(module_db)
    module_db.commit()
    return people, {**ids, "vote_cycle": vote_cycle.id}
