"""Benchmark: a worker's memory over 500 PDFs, the way before the fix and the way now.

Run as a script (not collected by pytest): ``python tests/bench/bench_pdf_memory.py``.
It loads the demo (``flask demo load``) into a temporary SQLite database, then starts two
fresh processes, one for each way, side by side, each on its own copy of it. Each
renders, 500 times, the demo program's annual report for 2018 through ``reports.generate``
(the call behind the download link) and the protocol of the demo commission's fullest
meeting through ``protocol_pdf`` (as its download does), and reads its resident memory
(``VmRSS`` in ``/proc/self/status``) before the first round and after every 25th. The
way before is the code of commit ``BASE`` for the two modules that write PDFs, read with
``git show`` and put in their place before the portal is imported; the rest is the
working tree's.

It writes the figures to ``tests/bench/results/pdf_memory.md`` and exits non-zero if the
process grows by more than 10 % from the 50th round to the last, or if the two ways
do not make the same PDFs. ``BENCH_ROUNDS`` sets the number of rounds (500).
``tests/unit/test_pdf_memory.py`` is the quick check of the same, in the suite.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

RESULT = Path(__file__).resolve().parent / "results" / "pdf_memory.md"
#: The last commit before the fix: one FontConfiguration made for each PDF.
BASE = "8526209"
MODULES = {"portal.reports.renderers.pdf": "portal/reports/renderers/pdf.py",
           "portal.review.documents": "portal/review/documents.py"}
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "500"))
EVERY = 25
FROM_ROUND = 50
BOUND = 0.10
YEAR = 2018

_CHILD = r"""
import hashlib, importlib, json, subprocess, sys, time, types
from pathlib import Path

root, url, uploads, way, rounds, every, base, year = sys.argv[1:9]
rounds, every, year = int(rounds), int(every), int(year)
modules = json.loads(sys.argv[9])
sys.path.insert(0, root)


def rss():
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


if way == "before":
    for name, path in modules.items():
        source = subprocess.run(["git", "show", f"{base}:{path}"], cwd=root, check=True,
                                capture_output=True, text=True).stdout
        package, _, leaf = name.rpartition(".")
        module = types.ModuleType(name)
        module.__file__ = str(Path(root) / path)
        sys.modules[name] = module
        exec(compile(source, module.__file__, "exec"), module.__dict__)
        setattr(importlib.import_module(package), leaf, module)

from flask_babel import force_locale
from sqlalchemy import select

from portal import create_app
from portal.db import db_session
from portal.programs.models import Program
from portal.reports.services import ReportFormat, ReportKind, ReportSpec, generate
from portal.review import views
from portal.review.documents import protocol_pdf
from portal.review.models import Meeting

app = create_app("testing", {"DATABASE_URL": url, "UPLOAD_FOLDER": uploads})
with app.test_request_context("/"), force_locale("uk"):
    session = db_session()
    program = session.scalar(select(Program).where(Program.code == "bakhmut-civil-society"))
    meeting = max(session.scalars(select(Meeting)), key=lambda m: len(m.decisions))
    spec = ReportSpec(ReportKind.ANNUAL, year)
    print(json.dumps({"round": 0, "rss": rss(), "seconds": 0}), flush=True)
    start = time.perf_counter()
    for n in range(1, rounds + 1):
        session.expire_all()
        report = generate(session, program, spec, ReportFormat.PDF).content
        protocol = protocol_pdf(views._protocol_html(meeting, for_pdf=True))
        if n == 1:
            print(json.dumps({"report": hashlib.sha256(report).hexdigest(),
                              "protocol": hashlib.sha256(protocol).hexdigest(),
                              "meeting": meeting.id}), flush=True)
        if n % every == 0:
            print(json.dumps({"round": n, "rss": rss(),
                              "seconds": time.perf_counter() - start}), flush=True)
"""


def load_demo(folder: str) -> None:
    """The demo, loaded by its own command into a new SQLite database in ``folder``."""
    from portal import create_app
    from portal.db import make_engine
    from portal.migrate import upgrade

    url = f"sqlite:///{folder}/demo.sqlite3"
    engine = make_engine(url)
    with engine.begin() as connection:
        upgrade(connection)
    engine.dispose()
    app = create_app("testing", {"DATABASE_URL": url, "UPLOAD_FOLDER": f"{folder}/uploads"})
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    if result.exit_code != 0:
        raise SystemExit(f"demo load failed:\n{result.output}\n{result.exception!r}")
    app.extensions["portal.db"].engine.dispose()


def run_both(folder: str) -> dict[str, dict]:
    """Both ways at once, each in its own fresh process with its own copy of the database
    (SQLite lets one transaction at a time write): {way: {samples, hashes}}."""
    started = {}
    for way in ("before", "after"):
        shutil.copyfile(f"{folder}/demo.sqlite3", f"{folder}/{way}.sqlite3")
        started[way] = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(ROOT), f"sqlite:///{folder}/{way}.sqlite3",
             f"{folder}/uploads", way, str(ROUNDS), str(EVERY), BASE, str(YEAR),
             json.dumps(MODULES)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    runs = {}
    for way, process in started.items():
        out, err = process.communicate(timeout=3600)
        if process.returncode != 0:
            raise SystemExit(f"the {way} run failed:\n{err}")
        lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        runs[way] = {"samples": {line["round"]: line for line in lines if "round" in line},
                     "hashes": next(line for line in lines if "report" in line)}
        print(f"{way}: {runs[way]['samples'][ROUNDS]['rss']:.1f} MiB after {ROUNDS} rounds")
    return runs


def growth(samples: dict[int, dict]) -> float:
    return samples[ROUNDS]["rss"] / samples[FROM_ROUND]["rss"] - 1


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        load_demo(folder)
        runs = run_both(folder)
    before, after = runs["before"]["samples"], runs["after"]["samples"]
    same = runs["before"]["hashes"] == runs["after"]["hashes"]
    flat = growth(after) <= BOUND
    per_pdf = {way: (runs[way]["samples"][ROUNDS]["rss"] - runs[way]["samples"][FROM_ROUND]["rss"])
               / (ROUNDS - FROM_ROUND) for way in runs}
    rows = [f"| {n} | {before[n]['rss']:.1f} | {after[n]['rss']:.1f} |" for n in sorted(after)]
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join([
        "# PDF memory benchmark",
        "",
        "Resident memory (`VmRSS`) of a fresh Python process that renders, round after round, "
        f"the demo program's annual report for {YEAR} through `reports.generate` (the "
        "download link's call, records read again each time) and the protocol of the demo "
        f"commission's fullest meeting (meeting {runs['after']['hashes']['meeting']}) through "
        "`protocol_pdf`: two PDFs a round. Round 0 is the process with the portal imported "
        "and the app made, before its first PDF. *Before* is the code of commit "
        f"{BASE} for `portal/reports/renderers/pdf.py` and `portal/review/documents.py` (a "
        "new WeasyPrint `FontConfiguration` for each report PDF and, inside WeasyPrint, for "
        "each protocol; tabular figures asked of Pango in every number cell); *after* is "
        "the working tree (one `FontConfiguration` per thread, kept; no OpenType feature "
        "asked for). The two processes ran at the same time, each on its own copy of the database.",
        "",
        f"- Run: {now}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the end; {ROUNDS} rounds in "
        f"{before[ROUNDS]['seconds']:.0f} s (before) and {after[ROUNDS]['seconds']:.0f} s "
        "(after)",
        f"- Same PDFs both ways (SHA-256 of the first report and protocol): "
        f"{'yes' if same else 'NO'}",
        "",
        "| rounds (report + protocol) | before, MiB | after, MiB |",
        "|---:|---:|---:|",
        *rows,
        "",
        f"From round {FROM_ROUND} to round {ROUNDS}: before {growth(before):+.1%} "
        f"({per_pdf['before']:.3f} MiB a round), after {growth(after):+.1%} "
        f"({per_pdf['after']:.3f} MiB a round).",
        "",
        f"Bound: after, within {BOUND:.0%} from round {FROM_ROUND} to round {ROUNDS}: "
        + ("met." if flat else "NOT met."),
        "",
    ])
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(text, encoding="utf-8")
    print(text)
    return 0 if flat and same else 1


if __name__ == "__main__":
    sys.exit(main())
