"""Benchmark: the annual report of a program with 50 measures and 200 funding lines.

Run as a script (not collected by pytest): ``python tests/bench/bench_reports.py``.
It builds a database (a temporary SQLite file, or ``BENCH_DATABASE_URL``) at the newest
migration and stores, through the services, a program of 10 tasks and 50 measures with
200 funding lines (three sources in the report year, the city budget the year after),
300 payments, an execution text per measure and 20 indicators. Then, in one process and
one run, it times:

* the HTML report through ``reports.generate`` (read the records, compute, lay out,
  render the template), the same call as the download link and the command line;
* the PDF report through the same call (WeasyPrint);
* a bare Jinja render of table 1 from rows computed beforehand, so the ratio shows what
  reading the records, the arithmetic and the layout cost on top of drawing the table.

It writes medians and 95th percentiles to ``tests/bench/results/reports.md`` and exits
non-zero if the HTML median is not under 1 s or the PDF median not under 3 s.
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from flask_babel import force_locale  # noqa: E402  (the repository root is put on the path first)
from jinja2 import Environment  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from portal import create_app  # noqa: E402
from portal.clock import utcnow  # noqa: E402
from portal.db import make_engine  # noqa: E402
from portal.migrate import upgrade  # noqa: E402
from portal.programs import funding, services  # noqa: E402
from portal.programs.models import Financing  # noqa: E402
from portal.programs.rules import FundingSource, IndicatorGroup  # noqa: E402
from portal.reports.services import (  # noqa: E402
    ReportFormat,
    ReportKind,
    ReportSpec,
    build,
    generate,
)

RESULT = Path(__file__).resolve().parent / "results" / "reports.md"
YEAR = 2024
TASKS, MEASURES_PER_TASK = 10, 5
HTML_RUNS, PDF_RUNS, BARE_RUNS = 30, 7, 200
HTML_BUDGET, PDF_BUDGET = 1.0, 3.0
TEXT = ("Проведено {n} заходів за участі громадських об’єднань; підготовлено і оприлюднено "
        "звіт, залучено волонтерів, організовано консультації для мешканців громади.")

BARE_TABLE = Environment(autoescape=True).from_string(
    "<table>{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}"
    "</tr>{% endfor %}</table>")


def build_program(session):
    """The program of 50 measures and 200 lines, stored through the services."""
    now = utcnow()
    program = services.create_program(session, actor=None, now=now, data=services.ProgramData(
        code="bench", title="Програма для вимірювання", start_year=YEAR - 1, end_year=YEAR + 2,
        approved_by="міської ради", approved_on=date(2022, 12, 20), approval_number="1/2-3",
        responsible_executor="Відділ внутрішньої політики"))
    lines = 0
    for t in range(1, TASKS + 1):
        task = services.save_task(session, actor=None, program=program, number=t,
                                  title=f"Пріоритетне завдання {t} щодо розвитку громади",
                                  now=now)
        for m in range(1, MEASURES_PER_TASK + 1):
            measure = services.save_measure(session, actor=None, task=task, now=now,
                                            data=services.MeasureData(
                                                seq=m, content=f"Захід {t}.{m}: " + TEXT[:90],
                                                term="2023-2026 роки",
                                                executors="Управління та відділи міської ради"))
            for source in FundingSource:
                line = funding.plan_line(session, actor=None, measure=measure, year=YEAR,
                                         source=source, planned=(t * 7 + m) * 1_000_000,
                                         now=now)
                for month in (3, 9) if source is FundingSource.CITY_BUDGET else (6,):
                    funding.record_payment(session, actor=None, line=line,
                                           paid_on=date(YEAR, month, 15),
                                           amount=(t + m) * 150_000, document="п/д", now=now)
            funding.plan_line(session, actor=None, measure=measure, year=YEAR + 1,
                              source=FundingSource.CITY_BUDGET, planned=5_000_000, now=now)
            lines += 4
            funding.set_execution_text(session, actor=None, measure=measure, year=YEAR,
                                       text=TEXT.format(n=t + m), now=now)
    for n, group in enumerate(list(IndicatorGroup) * 5):
        funding.save_indicator(session, actor=None, program=program, year=YEAR, now=now,
                               data=funding.IndicatorData(group, f"Показник {n}", "од.",
                                                          Decimal(100 + n), Decimal(90 + n),
                                                          reasons="Зменшення кількості "
                                                                  "запрошень"))
    session.commit()
    return program, lines


def timed(function, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each run: on a shared machine the CPU time shows what
    the work itself costs when other processes take turns on the processors."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        engine = make_engine(url)
        with engine.begin() as connection:
            upgrade(connection)
        engine.dispose()
        app = create_app("testing", {"DATABASE_URL": url, "FAST_PASSWORD_HASHES": True})
        session = app.extensions["portal.db"].sessionmaker()
        with app.test_request_context("/"), force_locale("uk"):
            program, lines = build_program(session)
            payments = session.scalar(select(func.count(Financing.id)))
            spec = ReportSpec(ReportKind.ANNUAL, YEAR)
            table = build(session, program, spec).document.tables[0]
            rows = [[cell.text for cell in row.cells] for row in table.rows]

            def html() -> None:
                session.expire_all()
                generate(session, program, spec, ReportFormat.HTML)

            def pdf() -> None:
                session.expire_all()
                generate(session, program, spec, ReportFormat.PDF)

            for warm in (html, pdf):
                warm()
            measured = {
                "html": timed(html, HTML_RUNS),
                "pdf": timed(pdf, PDF_RUNS),
                "bare": timed(lambda: BARE_TABLE.render(rows=rows), BARE_RUNS),
            }
        session.close()
        app.extensions["portal.db"].engine.dispose()
        database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    results = {name: wall for name, (wall, _cpu) in measured.items()}
    cpu = {name: statistics.median(cpu) for name, (_wall, cpu) in measured.items()}
    medians = {name: statistics.median(values) for name, values in results.items()}
    ok = medians["html"] < HTML_BUDGET and medians["pdf"] < PDF_BUDGET
    ratio = medians["html"] / medians["bare"]
    report = [
        "# Report generation benchmark",
        "",
        f"A program of {TASKS * MEASURES_PER_TASK} measures in {TASKS} tasks with {lines} "
        f"funding lines ({3 * TASKS * MEASURES_PER_TASK} in the report year), "
        f"{payments} payments, an execution "
        "text per measure and 20 indicators; the annual report generated through "
        "`reports.generate`, the call behind the download links, the API and the command "
        "line (records read from the database each time).",
        "",
        f"- Run: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
        f"Python {platform.python_version()}, {database}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the end",
        "",
        "| what | runs | median, ms | p95, ms | median CPU, ms |",
        "|---|---:|---:|---:|---:|",
        f"| HTML report (read, compute, lay out, render) | {HTML_RUNS} | "
        f"{medians['html'] * 1000:.1f} | {p95(results['html']) * 1000:.1f} | "
        f"{cpu['html'] * 1000:.1f} |",
        f"| PDF report (the same, then WeasyPrint) | {PDF_RUNS} | "
        f"{medians['pdf'] * 1000:.1f} | {p95(results['pdf']) * 1000:.1f} | "
        f"{cpu['pdf'] * 1000:.1f} |",
        f"| bare Jinja render of table 1 from precomputed rows | {BARE_RUNS} | "
        f"{medians['bare'] * 1000:.2f} | {p95(results['bare']) * 1000:.2f} | "
        f"{cpu['bare'] * 1000:.2f} |",
        "",
        f"The HTML report takes {ratio:.1f} × the bare render of its table in the same run.",
        "",
        f"Budget: HTML median under {HTML_BUDGET:.0f} s and PDF median under "
        f"{PDF_BUDGET:.0f} s: {'met' if ok else 'NOT MET'}.",
        "",
    ]
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text("\n".join(report), encoding="utf-8")
    print("\n".join(report))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
