"""Benchmark: the public project list with 2 000 projects, against a bare endpoint.

Run as a script (not collected by pytest): ``python tests/bench/bench_project_list.py``.
It builds a database (a temporary SQLite file, or ``BENCH_DATABASE_URL``) at the newest
migration, loads one cycle of 2 000 projects by 29 authors, then times requests through
Flask's test client, in the same process and run:

* the list page, ``/projects/?cycle=N`` (first page, and page 50 sorted by cost);
* a bare endpoint that runs one SELECT of the same 20 rows and returns them as JSON,
  so the ratio shows what the page costs on top of fetching its rows.

It writes the median and 95th percentile of each, their ratio and the number of SQL
statements of one list request to ``tests/bench/results/project_list.md``, and exits
non-zero if the list's median exceeds 250 ms or its statements are not a constant.
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, select  # noqa: E402  (the repository root is put on the path first)

from portal import create_app  # noqa: E402
from portal.accounts.models import Role, User, UserRole  # noqa: E402
from portal.clock import utcnow  # noqa: E402
from portal.db import make_engine  # noqa: E402
from portal.migrate import upgrade  # noqa: E402
from portal.projects.models import Project  # noqa: E402
from tests.factories.cycles import make_cycle  # noqa: E402
from tests.factories.projects import bulk_projects  # noqa: E402

RESULT = Path(__file__).resolve().parent / "results" / "project_list.md"
PROJECTS = 2000
AUTHORS = 29
REQUESTS = 200
BUDGET_MS = 250


def build(url: str) -> tuple[object, int]:
    """An app on a migrated database holding one cycle of PROJECTS projects."""
    engine = make_engine(url)
    with engine.begin() as connection:
        upgrade(connection)
    engine.dispose()
    app = create_app("testing", {"DATABASE_URL": url, "FAST_PASSWORD_HASHES": True})

    @app.route("/bench/bare")
    def bare():
        from portal.db import db_session

        rows = db_session().execute(
            select(Project.id, Project.number, Project.title, Project.total_cost)
            .where(Project.cycle_id == app.config["BENCH_CYCLE"])
            .order_by(Project.number).limit(20)
        ).all()
        return {"rows": [list(map(str, row)) for row in rows]}

    session = app.extensions["portal.db"].sessionmaker()
    now = utcnow()
    users = []
    for n in range(AUTHORS + 1):
        user = User(email=f"bench{n}@example.org", display_name=f"Автор {n}",
                    password_hash="-", created_at=now)
        user.role_grants.append(UserRole(role=Role.ADMIN if n == 0 else Role.RESIDENT,
                                         granted_at=now))
        session.add(user)
        users.append(user)
    session.flush()
    cycle = make_cycle(session, users[0])
    bulk_projects(session, cycle, [u.id for u in users[1:]], PROJECTS)
    session.commit()
    session.close()
    app.config["BENCH_CYCLE"] = cycle.id
    return app, cycle.id


def timed(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, response.status_code)
    return elapsed * 1000


def statements_of(app, client, url: str) -> int:
    found = []
    engine = app.extensions["portal.db"].engine

    def count(*_args):
        found.append(1)

    event.listen(engine, "before_cursor_execute", count)
    client.get(url)
    event.remove(engine, "before_cursor_execute", count)
    return len(found)


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        app, cycle_id = build(url)
        client = app.test_client()
        urls = {
            "list, first page": f"/projects/?cycle={cycle_id}",
            "list, page 50 by cost": f"/projects/?cycle={cycle_id}&sort=cost_desc&page=50",
            "bare SELECT of 20 rows": "/bench/bare",
        }
        for path in urls.values():
            for _warm in range(5):
                timed(client, path)
        samples = {name: [] for name in urls}
        for _round in range(REQUESTS):
            for name, path in urls.items():
                samples[name].append(timed(client, path))
        statements = {n: statements_of(app, client, p) for n, p in urls.items()}
        app.extensions["portal.db"].engine.dispose()
    results = {name: summary(values) for name, values in samples.items()}
    bare_median = results["bare SELECT of 20 rows"][0]
    list_median = results["list, first page"][0]
    constant = statements["list, first page"] == statements["list, page 50 by cost"]
    met = list_median <= BUDGET_MS and constant
    lines = [
        "# Project list benchmark",
        "",
        f"{PROJECTS} projects by {AUTHORS} authors in one cycle; {REQUESTS} requests of each "
        "URL through Flask's test client, interleaved, after 5 warm-up requests each.",
        "",
        f"- Run: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, Python "
        f"{platform.python_version()}, {'PostgreSQL' if 'postgres' in url else 'SQLite'}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end",
        "",
        "| request | median, ms | p95, ms | × bare | SQL statements |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, (median, p95) in results.items():
        lines.append(f"| {name} | {median:.1f} | {p95:.1f} | {median / bare_median:.1f} | "
                     f"{statements[name]} |")
    lines += [
        "",
        f"Budget: the list's median under {BUDGET_MS} ms and the same number of statements on "
        f"every page: {'met' if met else 'NOT met'}.",
        "",
    ]
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
