"""A report's document drawn as HTML by ``document_markup``: every text escaped, line
breaks kept, spans, numbers and row kinds marked as the stylesheet and the tables' readers
need them (what the template macros drew before, now in Python for speed)."""

from __future__ import annotations

from portal.reports.document import Cell, Document, Paragraph, Row, RowKind, Style, Table
from portal.reports.renderers.html import document_markup


def test_the_document_is_drawn_escaped_with_its_tables_structure():
    table = Table(
        caption="Таблиця <1>",
        header=(Row((Cell("Захід", span=2), Cell("Сума,\nтис. грн", rows=2))),),
        rows=(Row((Cell("І. Група"), Cell(""), Cell(""))),
              Row((Cell("1.1"), Cell("<script>alert(1)</script>"), Cell("809,5", numeric=True))),
              Row((Cell("Усього"), Cell(""), Cell("809,5", numeric=True)), RowKind.TOTAL)),
        widths=(1, 2, 1),
    )
    document = Document("Звіт", "zvit", (
        Paragraph("ЗВІТ & підсумки", Style.TITLE), Paragraph("Розділ", Style.HEADING),
        Paragraph("про виконання", Style.SUBTITLE), Paragraph("рядок 1\nрядок 2", Style.NOTE),
        table), landscape=False)
    body = str(document_markup(document))
    # The portal's own page forbids inline style: the browser sizes the columns there.
    assert "<colgroup>" not in str(document_markup(document, inline_widths=False))
    assert body.startswith('<div class="report-document">') and body.endswith("</div>")
    assert '<h1 class="report-title">ЗВІТ &amp; підсумки</h1>' in body
    assert '<h2 class="report-heading">Розділ</h2>' in body
    assert '<p class="report-subtitle">про виконання</p>' in body
    assert '<p class="report-note">рядок 1<br>\nрядок 2</p>' in body
    assert "<caption>Таблиця &lt;1&gt;</caption>" in body
    assert ('<colgroup><col style="width: 25.0%"><col style="width: 50.0%">'
            '<col style="width: 25.0%"></colgroup>') in body
    assert '<th scope="col" colspan="2">Захід</th>' in body
    assert '<th scope="col" rowspan="2">Сума,<br>\nтис. грн</th>' in body
    assert '<tr class="row-body"><td>1.1</td><td>&lt;script&gt;alert(1)&lt;/script&gt;</td>' in body
    assert '<td class="num">809,5</td>' in body
    assert '<tr class="row-total"><th scope="row">Усього</th>' in body
    assert "<script>" not in body


def test_a_landscape_document_says_so():
    assert str(document_markup(Document("Звіт", "zvit", ()))).startswith(
        '<div class="report-document landscape">')
