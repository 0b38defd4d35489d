"""Benchmark: the other pages while 10 clients download the annual report's PDF.

Before the worker made them, a report's PDF was rendered inside the request (3.8-5.3 s of
WeasyPrint each): 10 clients downloading it kept all three sync workers rendering, and the
home page's p95 went from 12-24 ms to 3.6-4.6 s. Now the request lays the report out, finds
the file kept by its digest or asks the worker for it (202, Retry-After), and sends it.

gunicorn serves the demo as production does (3 sync workers, PostgreSQL), with the worker
(``flask --app portal worker``) beside it on a Redis queue. The pages (home, the project
list, the annual report's HTML) are measured with 8 concurrent clients (``bench_journey``'s
measure) in rounds that alternate: idle, then while 10 clients (a separate process) download
the PDF, each once a second, as readers opening it (a client told 202 waits the
Retry-After), and, shown beside but not judged, without any pause (ten clients in a closed
loop take every worker they can get, whatever a download costs, so no page can stay within
1.2x of idle behind them unless something other than the portal's workers, nginx, sends the
files). Each page's best idle round is compared with its best loaded round (the host's speed
changes from minute to minute; every round is shown). Budget: loaded p95 within 1.2x of
idle, with the readers.
Figures go to ``tests/bench/results/pdf_load.md``; exits non-zero over the budget.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import platform
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import make_url  # noqa: E402

from tests import served  # noqa: E402
from tests.bench import bench_journey  # noqa: E402

BASE_URL = os.environ.get("BENCH_DATABASE_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench_pdf")
NAME = make_url(BASE_URL).database or "portal_bench_pdf"
RESULT = Path(__file__).resolve().parent / "results" / "pdf_load.md"
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
DOWNLOADERS = 10
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
BUDGET = 1.2


READERS = "while 10 readers download the PDF, each once a second"
FLOOD = "while 10 clients download it without pause"


def download(base: str, path: str, pause: float, stop, counts) -> None:
    """One client fetching the PDF again and again until ``stop`` is set."""
    http = requests.Session()
    while not stop.is_set():
        started = time.monotonic()
        response = http.get(base + path, timeout=60)
        with counts.get_lock():
            counts[0 if response.status_code == 200 else 1] += 1
        if response.status_code == 202:
            time.sleep(float(response.headers.get("Retry-After", "1")))
        elif response.status_code == 200 and not response.content.startswith(b"%PDF"):
            raise SystemExit("the PDF is not a PDF")
        else:
            time.sleep(max(0.0, pause - (time.monotonic() - started)))


def downloading(base: str, path: str, pause: float, stop, counts) -> None:
    clients = [multiprocessing.Process(target=download,
                                       args=(base, path, pause, stop, counts))
               for _ in range(DOWNLOADERS)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()


def main() -> int:
    url = served.scratch_database(BASE_URL, NAME)
    bench_journey.load_demo(url)
    queue_name = f"bench-{uuid.uuid4().hex[:8]}"
    os.environ.update({"JOBS_URL": REDIS, "JOBS_NAME": queue_name})
    worker_log = ROOT / "tests" / "artifacts" / "bench-pdf-worker.log"
    worker_log.parent.mkdir(parents=True, exist_ok=True)
    rows: dict[str, dict[str, list[dict]]] = {}
    pdf_counts = multiprocessing.Array("i", [0, 0])
    with served.served(url, workers=3, threads=1, worker_class="sync") as server, \
            open(worker_log, "ab") as log:
        worker = subprocess.Popen(
            [str(Path(sys.executable).with_name("flask")), "--app", "portal", "worker"],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "DATABASE_URL": url, "PORTAL_ENV": "development",
                 "SECRET_KEY": served.SECRET_KEY,
                 "PERSON_KEY_SECRET": served.PERSON_KEY_SECRET})
        try:
            program = bench_journey.first(r"/programs/\d+(?=\")",
                                          requests.get(server.base + "/programs/", timeout=30).text)
            report = bench_journey.first(r"/programs/\d+/reports/\d+/annual(?=\")",
                                         requests.get(server.base + program, timeout=30).text)
            pdf = f"{report}.pdf"
            pages = [("home", "/"), ("project list", "/projects/"),
                     ("annual report HTML", report)]
            for number in range(1, ROUNDS + 1):
                for state, pause in (("idle", 0.0), (READERS, 1.0), (FLOOD, 0.0)):
                    stop = multiprocessing.Event()
                    clients = None
                    if state != "idle":
                        clients = multiprocessing.Process(
                            target=downloading,
                            args=(server.base, pdf, pause, stop, pdf_counts))
                        clients.start()
                        time.sleep(2)
                    for label, path in pages:
                        row = bench_journey.measure(server, label, path, None)
                        rows.setdefault(label, {}).setdefault(state, []).append(row)
                        print(f"round {number} {state:36} {label:20} p95 {row['p95']:6.1f} ms",
                              flush=True)
                    if clients is not None:
                        stop.set()
                        clients.join(timeout=120)
        finally:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
    served.drop_database(BASE_URL, NAME)
    served.drop_queue(REDIS, queue_name)
    lines = [
        "# Other pages while 10 clients download the annual report's PDF",
        "",
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC by "
        f"`tests/bench/bench_pdf_load.py` on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}: gunicorn (3 sync workers, as in production) on "
        "PostgreSQL with the demo, the worker beside it on a Redis queue. Each page measured "
        f"with {bench_journey.CLIENTS} concurrent clients, {bench_journey.REQUESTS} GETs, "
        f"as a visitor; rounds alternate idle and loaded ({ROUNDS} of each). Loaded: "
        f"{DOWNLOADERS} clients (separate processes) download `{pdf}`, each once a second "
        "(readers), or one download after another without pause (a flood: shown, not judged; "
        "ten closed-loop clients take every worker they can, whatever a download costs). The "
        "best round of each state is compared; every round's p95 follows. "
        f"Budget: p95 with the readers within {BUDGET}x of idle.",
        "",
        f"PDF downloads during the loaded rounds: {pdf_counts[0]} files sent, "
        f"{pdf_counts[1]} answers \"being prepared\" (202) while the worker made it.",
        "",
        "| page | idle p95 ms | with readers p95 ms | readers / idle | with the flood p95 ms "
        "| flood / idle | idle p95 of each round | readers' rounds | flood's rounds |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    failures = []
    for label, states in rows.items():
        idle, readers, flood = states["idle"], states[READERS], states[FLOOD]
        best = {name: min(row["p95"] for row in measured)
                for name, measured in (("idle", idle), ("readers", readers), ("flood", flood))}
        ratio = best["readers"] / best["idle"]
        bad = any(row["statuses"] != [200] for row in idle + readers + flood)
        if ratio > BUDGET or bad:
            failures.append(label)
        lines.append(
            f"| {label} | {best['idle']:.1f} | {best['readers']:.1f} | {ratio:.2f} | "
            f"{best['flood']:.1f} | {best['flood'] / best['idle']:.2f} | "
            + " | ".join(" / ".join(f"{row['p95']:.0f}" for row in measured)
                         for measured in (idle, readers, flood)) + " |")
    lines += ["", "Result: " + ("every page within the budget." if not failures else
                                "over the budget: " + ", ".join(failures) + "."), ""]
    RESULT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
