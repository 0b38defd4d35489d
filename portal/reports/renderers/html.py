"""Reports as HTML: the printable stand-alone page, and the markup the PDF is made from.

The stand-alone page carries its stylesheet inside, so a file written by ``flask report``
or saved from the browser prints the same anywhere; the portal serves it with a policy
that allows that one inline stylesheet and nothing else (``views._file``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import render_template
from markupsafe import Markup, escape

from portal.i18n import get_locale
from portal.reports.document import Cell, Document, Paragraph, Row, RowKind, Style, Table

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "css" / "report.css"
STANDALONE_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                     "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@cache
def _stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def _text(text: str) -> str:
    return str(escape(text)).replace("\n", "<br>\n")


def _cell(tag: str, cell: Cell, scope: str = "") -> str:
    attrs = scope
    if cell.span > 1:
        attrs += f' colspan="{cell.span}"'
    if cell.rows > 1:
        attrs += f' rowspan="{cell.rows}"'
    if cell.numeric:
        attrs += ' class="num"'
    return f"<{tag}{attrs}>{_text(cell.text)}</{tag}>"


def _row(row: Row) -> str:
    head = row.kind is not RowKind.BODY
    return f'<tr class="row-{row.kind.value}">' + "".join(
        _cell("th", cell, ' scope="row"') if head and i == 0 else _cell("td", cell)
        for i, cell in enumerate(row.cells)) + "</tr>"


def _table(table: Table, *, widths: bool) -> str:
    whole = sum(table.widths)
    parts = ['<table class="report-table">']
    if table.caption:
        parts.append(f"<caption>{escape(table.caption)}</caption>")
    if widths:
        parts.append("<colgroup>" + "".join(
            f'<col style="width: {round(100 * width / whole, 1)}%">' for width in table.widths
        ) + "</colgroup>")
    if table.header:
        parts.append("<thead>" + "".join(
            "<tr>" + "".join(_cell("th", cell, ' scope="col"') for cell in row.cells) + "</tr>"
            for row in table.header) + "</thead>")
    parts.append("<tbody>\n" + "\n".join(_row(row) for row in table.rows) + "\n</tbody>")
    parts.append("</table>")
    return "\n".join(parts)


def _paragraph(paragraph: Paragraph) -> str:
    if paragraph.style is Style.TITLE:
        return f'<h1 class="report-title">{escape(paragraph.text)}</h1>'
    if paragraph.style is Style.HEADING:
        return f'<h2 class="report-heading">{escape(paragraph.text)}</h2>'
    if paragraph.style is Style.SUBTITLE:
        return f'<p class="report-subtitle">{escape(paragraph.text)}</p>'
    if paragraph.style is Style.SIGNATURE:
        position, _tab, name = paragraph.text.partition("\t")
        return (f'<p class="report-signature"><span>{_text(position)}</span> '
                f'<span class="report-signature-name">{escape(name)}</span></p>')
    return f'<p class="report-{paragraph.style.value}">{_text(paragraph.text)}</p>'


def document_markup(document: Document, *, inline_widths: bool = True) -> Markup:
    """The document's blocks as HTML, for the portal's page and the stand-alone file.

    Drawn in Python rather than by template macros: a year's report has hundreds of cells,
    and a macro call per cell was most of the page's rendering time. Column widths are
    inline style, which the stand-alone file and the PDF allow; the portal's own page (its
    policy forbids inline style) passes ``inline_widths=False`` and lets the browser size
    the columns.
    """
    landscape = " landscape" if document.landscape else ""
    blocks = "\n".join(_table(block, widths=inline_widths) if isinstance(block, Table)
                       else _paragraph(block) for block in document.blocks)
    # Every text in ``blocks`` is escaped above.
    return Markup(f'<div class="report-document{landscape}">\n{blocks}\n</div>')  # noqa: S704


def render_html(document: Document, *, for_pdf: bool = False) -> str:
    """A complete HTML page of ``document``; for the PDF the stylesheet is passed apart."""
    return render_template(
        "reports/document.html",
        document=document,
        lang=str(get_locale() or "uk"),
        stylesheet=None if for_pdf else Markup(_stylesheet()),  # noqa: S704 - our own file
    )


def render_html_bytes(document: Document) -> bytes:
    return render_html(document).encode("utf-8")
