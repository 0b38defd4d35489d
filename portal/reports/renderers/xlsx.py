"""Reports as XLSX (openpyxl): each table on its own sheet, figures as exact numbers.

A cell holding one figure stores the number (thousands of hryvnias, a percentage, an
indicator value) with a one-decimal format, so the spreadsheet can add it up; the
spreadsheet program shows the decimal comma of the reader's locale. A figure's label (the
funding source of a measure's amount) is shown by its number format, so the cell stays a
number: a measure with two sources has a row for each, and every column adds up to its
total row.

Rows are given the height their wrapped text needs (:func:`_heights`): a spreadsheet
program sizes a row by its own cells only, so the text of a cell merged over several rows
(a task beside its measures) or over several columns (a paragraph) would print over the
rows below it.
"""

from __future__ import annotations

import math
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from portal.i18n import _
from portal.reports.document import (
    Cell,
    Document,
    Paragraph,
    RowKind,
    Style,
    Table,
    expand,
    layout,
)

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="EEF1F4")
WIDTH_UNIT = 1.6  # characters per unit of relative width
SHEET_TITLE_LENGTH = 31  # Excel's limit


LINE_HEIGHT = 15.0  # points per line of 11-point text
PADDING = 3.0  # points above and below a cell's text
CHARACTERS_PER_WIDTH = 1.0  # characters of Cyrillic text per unit of column width
NUMBER_WIDTH = 1.15  # units of column width per character of a number and its label


def _number_format(cell: Cell) -> str:
    shown = "0.0" if cell.places == 1 else "General"
    if cell.label:  # "2,0 Міський бюджет", the number still a number
        return shown + ' "' + cell.label.replace('"', "'") + '"'
    return shown


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a cell ``width`` columns wide (an estimate on the
    safe side: a word is not split, so a line holds fewer characters than it could)."""
    per_line = max(int(width * CHARACTERS_PER_WIDTH) - 2, 4)
    return sum(max(math.ceil(len(line) / per_line), 1) for line in (text or "").split("\n"))


def _needed(sheet, row: int, rows: int, column: int, span: int, text: str,
            needs: list[tuple[int, int, float]]) -> None:
    width = sum(sheet.column_dimensions[get_column_letter(c)].width or 8.43
                for c in range(column, column + span))
    needs.append((row, rows, _lines(text, width) * LINE_HEIGHT + 2 * PADDING))


def _heights(sheet, needs: list[tuple[int, int, float]]) -> None:
    """Set each row's height so every cell's text fits: single rows first, then a cell over
    several rows adds what it still lacks to the last of them."""
    heights: dict[int, float] = {}
    for row, rows, points in needs:
        if rows == 1:
            heights[row] = max(heights.get(row, LINE_HEIGHT), points)
    for row, rows, points in needs:
        if rows > 1:
            spanned = range(row, row + rows)
            have = sum(heights.setdefault(r, LINE_HEIGHT + 2 * PADDING) for r in spanned)
            if have < points:
                heights[row + rows - 1] += points - have
    for row, points in heights.items():
        sheet.row_dimensions[row].height = round(points, 1)


def _paragraph(sheet, block: Paragraph, columns: int,
               needs: list[tuple[int, int, float]]) -> None:
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet["A1"].value else 1
    if block.style is Style.SIGNATURE:  # the position on the left, the name in the last column
        position, _tab, name = block.text.partition("\t")
        sheet.cell(row=row + 1, column=1, value=position)
        sheet.cell(row=row + 1, column=max(columns, 2), value=name)
        return
    sheet.cell(row=row, column=1, value=block.text)
    sheet.cell(row=row, column=1).font = Font(
        bold=block.style in (Style.TITLE, Style.SUBTITLE, Style.HEADING),
        italic=block.style is Style.NOTE, size=13 if block.style is Style.TITLE else 11)
    sheet.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    if columns > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    _needed(sheet, row, 1, 1, max(columns, 1), block.text, needs)


def _fit_number(sheet, column: int, shown: str, label: str) -> None:
    """Widen ``column`` to show a number whole: a number does not wrap, and a spreadsheet
    prints one wider than its column as "###" ("500,0 Міський бюджет" did)."""
    characters = len(shown) + (len(label) + 1 if label else 0)
    dimension = sheet.column_dimensions[get_column_letter(column)]
    dimension.width = max(dimension.width or 0, characters * NUMBER_WIDTH + 2)


def _table(sheet, block: Table, needs: list[tuple[int, int, float]]) -> None:
    start = sheet.max_row + 2 if sheet["A1"].value else 1
    if block.caption:
        _paragraph(sheet, Paragraph(block.caption, Style.HEADING), block.columns, needs)
        start = sheet.max_row + 1
    for index, width in enumerate(block.widths, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(
            sheet.column_dimensions[letter].width or 0, width * WIDTH_UNIT)
    for item in layout(expand(block)):
        row, column = start + item.row, 1 + item.column
        target = sheet.cell(row=row, column=column)
        target.value = item.cell.number if item.cell.number is not None else item.cell.text
        if item.cell.number is not None:
            target.number_format = _number_format(item.cell)
        bold = item.header or item.kind is not RowKind.BODY
        target.font = Font(bold=bold)
        target.alignment = Alignment(
            wrap_text=True, vertical="center" if item.header else "top",
            horizontal="right" if item.cell.numeric and not item.header else None)
        if item.header:
            target.fill = HEADER_FILL
        for r in range(row, row + item.cell.rows):
            for c in range(column, column + item.cell.span):
                sheet.cell(row=r, column=c).border = BORDER
        shown = item.cell.text if item.cell.number is None else item.cell.text.split("\n")[0]
        _needed(sheet, row, item.cell.rows, column, item.cell.span, shown, needs)
        if item.cell.number is not None and item.cell.span == 1:
            _fit_number(sheet, column, shown, item.cell.label)
        if item.cell.rows > 1 or item.cell.span > 1:
            sheet.merge_cells(start_row=row, start_column=column,
                              end_row=row + item.cell.rows - 1,
                              end_column=column + item.cell.span - 1)
    if block.header:
        sheet.print_title_rows = f"{start}:{start + len(block.header) - 1}"


def render_xlsx(document: Document) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Report")[:SHEET_TITLE_LENGTH]
    tables_seen = 0
    columns = max((t.columns for t in document.tables), default=1)
    needs: dict[str, list[tuple[int, int, float]]] = {sheet.title: []}
    for block in document.blocks:
        if isinstance(block, Table):
            if tables_seen:
                title = (block.caption or _("Table %(n)d", n=tables_seen + 1))
                sheet = workbook.create_sheet(title.strip()[:SHEET_TITLE_LENGTH].rstrip())
                needs[sheet.title] = []
            tables_seen += 1
            _table(sheet, block, needs[sheet.title])
            columns = block.columns
        else:
            _paragraph(sheet, block, columns, needs[sheet.title])
    for each in workbook.worksheets:
        _heights(each, needs[each.title])
        each.page_setup.orientation = "landscape" if document.landscape else "portrait"
        each.page_setup.paperSize = each.PAPERSIZE_A4
        each.page_setup.fitToWidth, each.page_setup.fitToHeight = 1, 0
        each.sheet_properties.pageSetUpPr.fitToPage = True
    workbook.properties.title = document.title
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
