"""A process that renders PDFs keeps its memory: the reports' and the protocol's PDFs, one
after the other, 40 times in a fresh process, and its resident memory after the 40th is
within a few MiB of what it was after the 10th (the first ones load fonts and code).

Before, each PDF made a WeasyPrint font configuration that was never freed and asked
Pango for an OpenType feature that leaked with every number cell: these 30 rounds
grew the process by some 15 MiB. ``tests/bench/bench_pdf_memory.py`` renders the demo's
annual report 500 times and writes the figures to ``tests/bench/results/pdf_memory.md``.

Each thread keeps its own font configuration (Pango's and fontconfig's objects are not to
be shared between threads), and the PDF does not depend on which thread wrote it. No text
of a PDF asks Pango for an OpenType feature: a leak too small for 30 rounds to show
(0.016 MiB a protocol) is caught there.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WARM, ROUNDS = 10, 40
#: Growth allowed from round WARM to round ROUNDS: the leak was 0.5 MiB a round.
BOUND_MIB = 4.0

_CHILD = r"""
import sys
from portal import create_app
from portal.reports.document import Cell, Document, Paragraph, Row, Table
from portal.reports.renderers.pdf import render_pdf
from portal.review.documents import protocol_pdf

def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

warm, rounds = int(sys.argv[1]), int(sys.argv[2])
rows = tuple(Row((Cell(f"1.{n}"), Cell("Проведення навчань для громадських об’єднань"),
                  Cell("1 234,5", numeric=True), Cell("987,6", numeric=True),
                  Cell("80,0", numeric=True))) for n in range(20))
report = Document(title="Звіт", name="zvit", blocks=(
    Paragraph("Виконання програми: 94,4 %"),
    Table("Таблиця 1", (Row(tuple(Cell(t) for t in ("№", "Захід", "План", "Факт", "%"))),),
          rows, (1, 6, 2, 2, 1))))
protocol = ('<!doctype html><html lang="uk"><head><title>Протокол № 1</title></head><body>'
            '<div class="protocol"><h1>ПРОТОКОЛ № 1</h1>'
            + "<p>СЛУХАЛИ: про проєкт. ВИРІШИЛИ: допустити. за — 6, проти — 1.</p>" * 20
            + "</div></body></html>")
app = create_app("testing")
with app.test_request_context("/"):
    for n in range(1, rounds + 1):
        render_pdf(report)
        protocol_pdf(protocol)
        if n in (warm, rounds):
            print(rss(), flush=True)
"""


def test_rendering_pdfs_over_and_over_keeps_the_memory_of_the_process():
    out = subprocess.run([sys.executable, "-c", _CHILD, str(WARM), str(ROUNDS)], cwd=ROOT,
                         check=True, capture_output=True, text=True, timeout=120).stdout
    warm, last = (int(line) / 1024 for line in out.split())
    assert last - warm < BOUND_MIB, f"{warm:.1f} MiB after {WARM} rounds, {last:.1f} after {ROUNDS}"


def test_each_thread_writes_with_its_own_font_configuration_the_same_pdf(app):
    from portal.reports.document import Cell, Document, Row, Table
    from portal.reports.renderers.pdf import font_configuration, render_pdf

    document = Document(title="Звіт", name="zvit", blocks=(Table(
        "Таблиця 1", (Row((Cell("Захід"), Cell("Сума"))),),
        tuple(Row((Cell(f"Захід {n}"), Cell(f"{n},5", numeric=True))) for n in range(20)),
        (3, 1)),))
    together = threading.Barrier(3)

    def render():
        with app.test_request_context("/"):
            together.wait(timeout=30)
            return font_configuration(), render_pdf(document), font_configuration()

    with ThreadPoolExecutor(3) as pool:
        results = [future.result() for future in [pool.submit(render) for _ in range(3)]]
    with app.test_request_context("/"):
        alone = render_pdf(document)
    assert all(first is again for first, _, again in results)
    assert len({id(first) for first, _, _ in results} | {id(font_configuration())}) == 4
    assert all(pdf == alone for _, pdf, _ in results)


def test_no_text_of_a_pdf_asks_for_an_opentype_feature(app, monkeypatch):
    """WeasyPrint leaks what Pango makes for text that asks for one (tabular figures in the
    report's number cells and in WeasyPrint's list markers did): 0.075 MiB a report."""
    from weasyprint.text import line_break

    from portal.reports.document import Cell, Document, Row, Table
    from portal.reports.renderers.pdf import render_pdf
    from portal.review.documents import protocol_pdf

    asked = []
    features = line_break.font_features

    def recorded(*args, **kwargs):
        answer = features(*args, **kwargs)
        asked.extend([answer] if answer else [])
        return answer

    monkeypatch.setattr(line_break, "font_features", recorded)
    report = Document(title="Звіт", name="zvit", blocks=(Table(
        "Таблиця 1", (Row((Cell("Захід"), Cell("Сума"))),),
        (Row((Cell("Захід 1"), Cell("1 234,5", numeric=True))),), (3, 1)),))
    with app.test_request_context("/"):
        render_pdf(report)
        protocol_pdf('<html lang="uk"><title>Протокол</title><div class="protocol">'
                     "<ol><li>Іваненко</li><li>Петренко</li></ol></div></html>")
    assert asked == []
