"""Reports as DOCX (python-docx), for staff who edit the text before the council session.

Tables keep the layout of the HTML: a task's cells span its measures' rows, group and
total rows are bold, the header row repeats on every page.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from portal.reports.document import (
    Document,
    Paragraph,
    RowKind,
    Style,
    Table,
    layout,
)

FONT = "Times New Roman"
PARAGRAPH_FORMAT = {  # style: (size in points, bold, italic, centred)
    Style.TITLE: (14, True, False, True),
    Style.SUBTITLE: (12, True, False, True),
    Style.HEADING: (12, True, False, False),
    Style.META: (11, False, False, False),
    Style.TEXT: (11, False, False, False),
    Style.NOTE: (9, False, True, False),
    Style.SIGNATURE: (11, False, False, False),
}


def _page(docx, landscape: bool) -> int:
    """Set A4 and the orientation; return the text width in millimetres."""
    section = docx.sections[0]
    width, height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(12))
    return round(width.mm) - 24


def _paragraph(docx, block: Paragraph) -> None:
    size, bold, italic, centred = PARAGRAPH_FORMAT[block.style]
    paragraph = docx.add_paragraph()
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if block.style is Style.SIGNATURE:  # the name at a right tab stop at the margin
        paragraph.paragraph_format.space_before = Pt(24)
        paragraph.paragraph_format.tab_stops.add_tab_stop(
            docx.sections[-1].page_width - docx.sections[-1].left_margin
            - docx.sections[-1].right_margin, WD_TAB_ALIGNMENT.RIGHT)
    run = paragraph.add_run(block.text)
    run.font.size, run.bold, run.italic = Pt(size), bold, italic


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _fill(cell, text: str, *, bold: bool, right: bool) -> None:
    lines = text.split("\n")
    cell.text = ""
    first = cell.paragraphs[0]
    for index, line in enumerate(lines):
        paragraph = first if index == 0 else cell.add_paragraph()
        if right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(line)
        run.font.size, run.bold = Pt(8.5), bold


def _table(docx, block: Table, text_width_mm: int) -> None:
    if block.caption:
        _paragraph(docx, Paragraph(block.caption, Style.HEADING))
    placed = list(layout(block))
    height = len(block.header) + len(block.rows)
    table = docx.add_table(rows=height, cols=block.columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(block.widths)
    for index, width in enumerate(block.widths):
        for cell in table.columns[index].cells:
            cell.width = Mm(text_width_mm * width / total)
    for header_row in range(len(block.header)):
        _repeat_header(table.rows[header_row])
    for item in placed:
        target = table.cell(item.row, item.column)
        if item.cell.rows > 1 or item.cell.span > 1:
            target = target.merge(table.cell(item.row + item.cell.rows - 1,
                                             item.column + item.cell.span - 1))
        _fill(target, item.cell.text, bold=item.header or item.kind is not RowKind.BODY,
              right=item.cell.numeric and not item.header)


def render_docx(document: Document) -> bytes:
    docx = new_docx()
    normal = docx.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11)
    docx.core_properties.title = document.title
    text_width = _page(docx, document.landscape)
    titles = 0
    for block in document.blocks:
        if isinstance(block, Table):
            _table(docx, block, text_width)
            continue
        _paragraph(docx, block)
        if block.style is Style.TITLE:
            # A second title (the explanatory note after the report) starts a new page.
            docx.paragraphs[-1].paragraph_format.page_break_before = bool(titles)
            titles += 1
    buffer = BytesIO()
    docx.save(buffer)
    return buffer.getvalue()
