"""Benchmark: the public pages and the cast of one community on a platform of 200, against
the same community alone in its database.

Two PostgreSQL databases are made in the same run (``tests/bench/platform_data.py``):

* single: Bakhmut's community of the demo, built by the demo's own builders (a finished
  cycle counted, approved, funded and implemented, its program's annual report, a school
  budget voting today, the next cycle accepting projects), with BENCH_BALLOTS ballots
  (20,000) and BENCH_ACCOUNTS accounts (5,000);
* platform: a file copy of it, in which that community is copied BENCH_COMMUNITIES - 1
  times more with set-based SQL (every id, key and unique value remapped per copy), so
  the platform holds BENCH_COMMUNITIES communities (200: 4,000,000 ballots, 1,000,000
  accounts).

Each database is served by gunicorn as in production (3 sync workers; ``tests/served.py``),
both at once, with the kept copies of public pages off (``PUBLIC_PAGE_SECONDS=0``: every
request is made, or the copies would measure memory, not the database). The single
database's community and the platform's community BENCH_MEASURED (137, one in the middle),
each addressed by its path prefix (``/<slug>/...``), are measured side by side: for each
page, 8 concurrent clients send BENCH_REQUESTS GETs to one server and then to the other
(the order alternates between rounds), and the cast (BENCH_CASTS distinct verified
residents who have not voted POST their ballots, 8 at a time, after opening the ballot
page before the clock starts, as ``bench_voting.py`` does). ``/healthz`` is the bare
baseline. In BENCH_ROUNDS rounds (5): each server's round with the lowest p95 is the one
judged for each page, every round's p95 beside it (the host is shared and its speed varies).

The figures, the sizes counted in the databases, the load time and the machine go to
``tests/bench/results/platform.md``. The script exits non-zero if a page answers anything
unexpected or if the platform's best p95 is more than 1.3 times the single community's for
any page. ``make bench-platform``, or ``python tests/bench/bench_platform.py``
(``BENCH_DATABASE_URL`` names the server).
"""

from __future__ import annotations

import datetime
import os
import platform as host
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
import requests  # noqa: E402
from sqlalchemy import make_url  # noqa: E402

from tests import served  # noqa: E402
from tests.bench import platform_data as data  # noqa: E402
from tests.load_generator import Load, form_post, percentile  # noqa: E402

BASE_URL = os.environ.get("BENCH_DATABASE_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SINGLE, PLATFORM = "portal_bench_single", "portal_bench_platform"
RESULT = Path(__file__).resolve().parent / "results" / "platform.md"
COMMUNITIES = int(os.environ.get("BENCH_COMMUNITIES", "200"))
BALLOTS = int(os.environ.get("BENCH_BALLOTS", "20000"))
ACCOUNTS = int(os.environ.get("BENCH_ACCOUNTS", "5000"))
MEASURED = min(int(os.environ.get("BENCH_MEASURED", "137")), COMMUNITIES)
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
CASTS = int(os.environ.get("BENCH_CASTS", "150"))
CLIENTS = 8
WARM_UP = 16
WORKERS = int(os.environ.get("BENCH_WORKERS", "3"))
RATIO = 1.3
#: Keep the databases afterwards (to EXPLAIN what was slow); dropped otherwise.
KEEP = os.environ.get("BENCH_KEEP", "") == "1"
#: Measure the databases an earlier run kept, as they are (after a migration, say).
REUSE = os.environ.get("BENCH_REUSE", "") == "1"
#: The role the servers act as: one that row-level security binds (migration 0018), as in
#: production, made (NOLOGIN) if the cluster lacks it; empty for the connecting superuser.
ROLE = os.environ.get("BENCH_ROLE", "portal_bench_rls")


def url_of(name: str) -> str:
    return make_url(BASE_URL).set(database=name).render_as_string(hide_password=False)


def served_url(name: str) -> str:
    """What the server connects with: acting as ROLE, which the database lets do what the
    portal does (and row-level security binds)."""
    if not ROLE:
        return url_of(name)
    with psycopg.connect(data.dsn(url_of(name)), autocommit=True) as db:
        db.execute(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') "
                   f"THEN CREATE ROLE {ROLE} NOLOGIN; END IF; END $$")
        db.execute(f"GRANT USAGE ON SCHEMA public TO {ROLE}")
        db.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {ROLE}")
        db.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {ROLE}")
    return make_url(url_of(name)).update_query_dict({"options": f"-c role={ROLE}"}
                                                    ).render_as_string(hide_password=False)


def load(say) -> dict:
    """Both databases; the seconds each step took."""
    seconds = {}
    started = time.monotonic()
    served.scratch_database(BASE_URL, SINGLE, community=False)
    template = data.build_template(url_of(SINGLE), secret=served.PERSON_KEY_SECRET,
                                   ballots=BALLOTS, accounts=ACCOUNTS)
    seconds["template community (demo builders)"] = time.monotonic() - started
    started = time.monotonic()
    data.clone_database(data.dsn(url_of("postgres")), SINGLE, PLATFORM)
    data.replicate(url_of(PLATFORM), template, COMMUNITIES - 1, say=say)
    seconds[f"{COMMUNITIES - 1} copies (set-based SQL)"] = time.monotonic() - started
    started = time.monotonic()
    broken = data.check_keys(url_of(PLATFORM))
    if broken:
        raise SystemExit("the copies break foreign keys: " + "; ".join(broken))
    seconds["every foreign key checked"] = time.monotonic() - started
    started = time.monotonic()
    for name in (SINGLE, PLATFORM):
        with psycopg.connect(data.dsn(url_of(name)), autocommit=True) as db:
            db.execute("VACUUM ANALYZE")
    seconds["VACUUM ANALYZE"] = time.monotonic() - started
    return {"template": template, "seconds": seconds}


class Side:
    """One database served: its measured community's prefix, pages and voters."""

    def __init__(self, label: str, name: str, community: int) -> None:
        self.label, self.name, self.community = label, name, community
        with psycopg.connect(data.dsn(url_of(name))) as db:
            self.slug = db.execute("SELECT slug FROM communities WHERE id = %s",
                                   (community,)).fetchone()[0]
        self.prefix = f"/{self.slug}"
        self.voters = data.add_residents(url_of(name), community, ROUNDS * CASTS + 4)
        self.server = served.Gunicorn(served_url(name), workers=WORKERS, threads=1,
                                      worker_class="sync",
                                      environment={"PUBLIC_PAGE_SECONDS": "0"})

    def get(self, path: str) -> str:
        reply = requests.get(self.server.base + path, timeout=60)
        if reply.status_code != 200:
            raise SystemExit(f"{self.label}: {path} answered {reply.status_code}")
        return reply.text

    def find_pages(self) -> list[tuple[str, str]]:
        """(label, path) of each page, found by following the community's links."""
        p = self.prefix
        voting = self.get(f"{p}/voting/")
        self.open_cycle = re.findall(r"/voting/(\d+)/ballot", voting)[0]
        closed = re.findall(r"/voting/(\d+)/results", voting)[-1]
        record = first(r"/implementation/(\d+)(?=\")", self.get(f"{p}/implementation/"))
        program = first(r"/programs/(\d+)(?=\")", self.get(f"{p}/programs/"))
        report = first(rf"/programs/{program}/reports/\d+/annual(?=\")",
                       self.get(f"{p}/programs/{program}"), whole=True)
        winner = first(r"/projects/(\d+)(?=\")", self.get(f"{p}/implementation/{record}"))
        return [
            ("home", "/"),
            ("community home", f"{p}/"),
            ("cycle (voting)", f"{p}/cycles/{self.open_cycle}"),
            ("cycle (finished)", f"{p}/cycles/{closed}"),
            ("project list", f"{p}/projects/"),
            ("project page (a winner)", f"{p}/projects/{winner}"),
            ("results", f"{p}/voting/{closed}/results"),
            ("board", f"{p}/voting/{closed}/board"),
            ("implementation list", f"{p}/implementation/"),
            ("implementation record", f"{p}/implementation/{record}"),
            ("annual report HTML", f"{p}{report}"),
            ("baseline /healthz", "/healthz"),
        ]

    def ready_casts(self, count: int) -> list[bytes]:
        """The next ``count`` voters open the ballot page (untimed); their POSTs, encoded."""
        path = f"{self.prefix}/voting/{self.open_cycle}/ballot"
        casts = []
        for _ in range(count):
            _uid, token = self.voters.pop()
            http = requests.Session()
            http.cookies.set("session", served.session_cookie(token), domain="127.0.0.1")
            page = http.get(self.server.base + path, timeout=60)
            choices = re.findall(r'name="choice" value="([^"]+)"', page.text)
            casts.append(form_post(path, [
                ("csrf_token", served.CSRF_RE.search(page.text).group(1)), ("action", "cast"),
                ("choice", choices[len(casts) % len(choices)])],
                cookie=http.cookies.get("session", domain="127.0.0.1")))
        return casts


def first(pattern: str, text: str, *, whole: bool = False) -> str:
    found = re.search(pattern, text)
    if found is None:
        raise SystemExit(f"no link like {pattern}")
    return found.group(0) if whole else found.group(1)


def get_request(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: uk\r\n\r\n".encode()


def figures(load: Load, replies: list, ok) -> dict:
    answered = [reply for reply in replies if reply is not None]
    times = [reply.seconds * 1000 for reply in answered]
    return {"p50": statistics.median(times), "p95": percentile(times, 95),
            "p99": percentile(times, 99), "rate": len(answered) / load.seconds,
            "failed": len(answered) < len(replies) or not all(ok(r) for r in answered),
            "server_cores": load.server_cores, "postgres_cores": load.postgres_cores}


def measure_page(side: Side, path: str) -> dict:
    server = side.server
    load = Load(CLIENTS)
    load.fire(server.port, [get_request(path)] * WARM_UP, server.process.pid)
    replies = load.fire(server.port, [get_request(path)] * REQUESTS, server.process.pid)
    return figures(load, replies, lambda reply: reply.status == 200)


def measure_cast(side: Side) -> dict:
    casts = side.ready_casts(CASTS)
    load = Load(CLIENTS)
    replies = load.fire(side.server.port, casts, side.server.process.pid)
    return figures(load, replies, lambda reply: reply.status == 302
                   and reply.location.endswith("/my-ballot"))


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), host.processor())
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    with psycopg.connect(data.dsn(url_of(SINGLE))) as db:
        version = db.execute("SHOW server_version").fetchone()[0]
        buffers = db.execute("SHOW shared_buffers").fetchone()[0]
    return (f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB, {host.system()} "
            f"{host.release()}; Python {host.python_version()}; PostgreSQL {version} "
            f"(shared_buffers {buffers}), on the same machine")


def database_size(name: str) -> str:
    with psycopg.connect(data.dsn(url_of(name))) as db:
        return db.execute("SELECT pg_size_pretty(pg_database_size(current_database()))"
                          ).fetchone()[0]


def main() -> int:
    def say(line: str) -> None:
        print(f"{datetime.datetime.now(datetime.UTC):%H:%M:%S} {line}", flush=True)

    started = time.monotonic()
    loaded = ({"template": 1, "seconds": {"reused from an earlier run": 0.0}} if REUSE
              else load(say))
    load_seconds = time.monotonic() - started
    say(f"loaded in {load_seconds:.0f} s")
    sides = [Side("single", SINGLE, loaded["template"]),
             Side("platform", PLATFORM, loaded["template"] + MEASURED - 1)]
    counted = {side.label: data.sizes(url_of(side.name)) for side in sides}
    sizes_on_disk = {side.label: database_size(side.name) for side in sides}
    host = machine()  # asks the database: before it is dropped
    rounds: dict[tuple[str, str], list[dict]] = {}
    labels: list[str] = []
    paths: dict[tuple[str, str], str] = {}
    try:
        for side in sides:
            side.server.start()
        pages = {side.label: side.find_pages() for side in sides}
        labels = [label for label, _ in pages["single"]] + ["cast (POST of a ballot)"]
        for side in sides:
            paths.update({(side.label, label): path for label, path in pages[side.label]})
            paths[(side.label, "cast (POST of a ballot)")] = (
                f"{side.prefix}/voting/{side.open_cycle}/ballot")
        for number in range(1, ROUNDS + 1):
            order = sides if number % 2 else sides[::-1]
            for label in labels:
                for side in order:
                    if label.startswith("cast"):
                        row = measure_cast(side)
                    else:
                        row = measure_page(side, paths[(side.label, label)])
                    rounds.setdefault((side.label, label), []).append(row)
                    say(f"round {number} {side.label:8} {label:28} p50 {row['p50']:7.1f} "
                        f"p95 {row['p95']:7.1f} ms{'  FAILED' if row['failed'] else ''}")
    finally:
        for side in sides:
            side.server.stop()
    if not KEEP:
        for name in (SINGLE, PLATFORM):
            served.drop_database(BASE_URL, name)
    return report(labels, paths, rounds, counted, sizes_on_disk, loaded["seconds"],
                  load_seconds, host)


def report(labels, paths, rounds, counted, on_disk, steps, load_seconds, host) -> int:
    rows, failures = [], []
    for label in labels:
        single, plat = rounds[("single", label)], rounds[("platform", label)]
        best_single = min(single, key=lambda row: row["p95"])
        best_plat = min(plat, key=lambda row: row["p95"])
        ratio = best_plat["p95"] / best_single["p95"]
        failed = any(row["failed"] for row in single + plat)
        if failed or (ratio > RATIO and not label.startswith("baseline")):
            failures.append(label)
        rows.append(
            f"| {label} | `{paths[('platform', label)]}` | {best_single['p50']:.1f} | "
            f"{best_single['p95']:.1f} | {best_single['p99']:.1f} | {best_plat['p50']:.1f} | "
            f"{best_plat['p95']:.1f} | {best_plat['p99']:.1f} | **{ratio:.2f}** | "
            + " / ".join(f"{s['p95']:.0f}-{p['p95']:.0f}" for s, p in zip(single, plat,
                                                                      strict=True))
            + (" | FAILED |" if failed else " | |"))
    names = list(counted["single"])
    sizes = [f"| {name} | {counted['single'][name]:,} | {counted['platform'][name]:,} |"
             for name in names]
    lines = [
        "# One community on a platform of many, against the same community alone",
        "",
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC by "
        "`tests/bench/bench_platform.py` "
        f"(BENCH_COMMUNITIES={COMMUNITIES}, BENCH_BALLOTS={BALLOTS}, "
        f"BENCH_ACCOUNTS={ACCOUNTS}, BENCH_ROUNDS={ROUNDS}, BENCH_REQUESTS={REQUESTS}, "
        f"BENCH_CASTS={CASTS}).",
        "",
        f"Machine: {host}.",
        "",
        "## What was loaded",
        "",
        "The single database holds one community: Bakhmut's of the demo, built by the demo's "
        "own builders (`portal/demo`, without its generated photos): a finished cycle counted, "
        "approved, funded and implemented, its program with the annual report, a school "
        "budget voting today and the next cycle accepting projects; its accounts brought to "
        f"{ACCOUNTS:,} (the voters beyond became paper ballots) and "
        f"its ballots to {BALLOTS:,}. The platform database is a copy of it in which that "
        f"community is copied {COMMUNITIES - 1} times with set-based SQL "
        "(`tests/bench/platform_data.py`), every foreign key checked afterwards. Measured: "
        f"the single database's community and the platform's community No. {MEASURED}, each "
        "addressed by its prefix; \"home\" is `/` of each (the single community's home page, "
        "the platform's list of its communities). Each database also got "
        f"{ROUNDS * CASTS + 4} verified residents of the measured community who had not "
        "voted, for the cast. Row counts, queried after the load:",
        "",
        "| table | single | platform |",
        "|---|---:|---:|",
        *sizes,
        f"| size on disk | {on_disk['single']} | {on_disk['platform']} |",
        "",
        f"Load time: {load_seconds / 60:.1f} min in all ("
        + "; ".join(f"{step} {seconds:.0f} s" for step, seconds in steps.items()) + ").",
        "",
        "## Latency",
        "",
        f"gunicorn, {WORKERS} sync workers for each database (both served at once, each "
        "measured while the other idles), kept copies of public pages off "
        "(`PUBLIC_PAGE_SECONDS=0`, so every request is made from the database); a visitor "
        f"not signed in; {CLIENTS} concurrent clients, {REQUESTS} GETs per page after "
        f"{WARM_UP} to warm up, a connection per request as with sync workers. The cast: "
        f"{CASTS} residents per round and database each POST a ballot (after opening the "
        f"ballot page, untimed), {CLIENTS} at a time. {ROUNDS} rounds; in each, every page is "
        "measured on one database and then on the other, the order alternating between "
        "rounds. Each side's round with the lowest p95 is reported and judged; the last "
        "column gives every round's p95, single-platform. "
        + (f"The servers act as the role `{ROLE}`, which row-level security (migration 0018) "
           "binds, as production's should; so both guards apply, the ORM's narrowing to the "
           "community and the database's policies." if ROLE else
           "The servers connect as PostgreSQL's superuser, so row-level security (migration "
           "0018) is not applied; the ORM's narrowing to the community is."),
        "",
        "| page | path (platform) | single p50 ms | single p95 | single p99 | platform p50 "
        "| platform p95 | platform p99 | p95 platform / single | p95 of each round "
        "(single-platform) | |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
        *rows,
        "",
        "Result: " + (f"every page and the cast within {RATIO}x of the single community."
                      if not failures else
                      f"over {RATIO}x or failing: " + ", ".join(failures) + "."),
        "",
        FINDINGS,
    ]
    result = RESULT if ROLE else RESULT.with_name("platform_superuser.md")
    result.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 1 if failures else 0


FINDINGS = """## What the first full-scale run found, and migration 0022

The first run at full scale (200 communities, before migration 0022; the host was busy with
another test suite, load average 14, so only the ratios say much) had the community's home
page at p95 290 ms alone and 1,771 ms on the platform, and the cast at 98 ms against 383 ms.
Each page's statements were then run with `EXPLAIN (ANALYZE, BUFFERS)` on both databases
(the buffers a statement touches do not depend on how busy the host is). Where an index
starting with `community_id` was missing, PostgreSQL read every community's rows and kept
the measured one's, although the ORM names the community in every query:

(buffers touched alone / on the platform, before; then after 0022):

- community home, its figures: the count of the ballots not annulled, 879 / 17,881 (0.4 s);
  672, from the index alone (`ix_ballots_community`, partial: `annulled_at IS NULL`);
- every signed-in request, the cast among them: the session's account with its roles
  joined, 7,423 buffers (115 ms) on the platform, as `user_roles` had only partial unique
  indexes, which a join on `user_id` cannot use; 11 (`ix_user_roles_user`);
- community home and implementation list: the latest updates and the winners' funding
  lines, 167 / 1,326 and 33 / 1,135 (`ix_funding_lines_community`,
  `ix_implementations_community`);
- community home, project page, implementation record: the updates' photos, 1 / 194, no
  index on `update_id` (`ix_implementation_photos_update`);
- annual report: payments summed by line, 3 / 277 (`ix_financings_community_line`);
- community home: projects by status read from every community's projects
  (`ix_projects_community_status`).

Two of the planner's estimates go wrong on the platform. It multiplies conditions as if
independent: "this cycle and this community" became a two-hundredth of the cycle's
ballots; extended statistics (`CREATE STATISTICS ... (dependencies) ON cycle_id,
community_id`, on ballots and their choices) now tell it that a cycle decides the
community. And under row-level security every table's policy adds `community_id = <the
setting>`, which it cannot see is the ORM's own condition again: it takes a community's
rows for a two-hundredth of them (alone, for all of them). With a whole index on
`community_id`, that made the board sort all 17,000 ballots of the cycle for each page
(813 buffers instead of 105); the count's index is therefore partial, which the board
cannot use. The same underestimate made the board's entries (the choices of the page's
hundred ballots, joined to their projects and categories) a loop over the community's
projects probing every ballot, 15,500 buffers instead of 570, and the home page's latest
updates loops over every measure for each update, 5,100 instead of 170: both now read the
few rows they need by id first (`voting/board.py`, `main/front.py`), 600 and 460 buffers.

Row-level security: as a role the policies bind, a count of a cycle's 53,000 ballot choices
took 62 ms instead of 8 ms, because `portal_community()` is inlined into the policy and its
two regular-expression matches ran for every row. Migration 0022 rewrites the policies as
`(SELECT portal_community()) IN (0, community_id)`, evaluated once per statement (8 ms).
This benchmark's servers act as such a role (BENCH_ROLE).

The cast itself (the one statement that inserts the ballot, its choices and the audit
event) costs about 0.3 ms more on the platform: its unique indexes (receipt hash, uuid,
person key) hold 4,000,000 entries instead of 20,000.

The platform's front page (`/`, "home" above) is not the same page as a single community's
home: it lists the communities. Before main's 3af0de2 it listed all 200 with their open
cycles (p95 2.9 times a community's home in the run before the merge: 242 ms against 84;
four statements touching 45 buffers, the rest Python's, growing with the platform); it now
shows 24 at a time, found by name or КАТОТТГ code (1.5 times, after the merge); then it
asked the database which communities have something open by the cycles' dates (the few
an extension moved are phased) and read and phased only the page's cycles, rather than
loading and phasing the 400 cycles that might be open (its ratio is in the table above).
Visitors get it from the copy each process keeps for a few seconds (`portal.pagecache`),
which this benchmark turns off.
"""


if __name__ == "__main__":
    os.environ.update({"SECRET_KEY": served.SECRET_KEY, "PORTAL_ENV": "development",
                       "PERSON_KEY_SECRET": served.PERSON_KEY_SECRET})
    raise SystemExit(main())
