"""Reports as CSV: every table of the document, one line per row, for open data.

The first column names the table. A cell spanning several rows (a task beside its
measures) is repeated on each of them, so every line can be read alone. Figures are
written for machines (``809.5``: a decimal point, ``money.machine_decimal``), text through
``tabular.text_cell`` so no spreadsheet runs it as a formula. A figure's label (the
funding source under a measure's amounts) goes to a last column of its own, so each line
of a measure is one source.
"""

from __future__ import annotations

import csv
from io import StringIO

from portal.i18n import _
from portal.reports.document import Cell, Document, Table, expand, layout
from portal.tabular import cell as number_cell
from portal.tabular import text_cell


def _value(cell: Cell) -> str:
    return number_cell(cell.number) if cell.number is not None else text_cell(cell.text)


def _grid(table: Table) -> tuple[dict[int, dict[int, Cell]], set[int]]:
    """The table's cells by row and column, spans repeated; and which rows are the header's."""
    grid: dict[int, dict[int, Cell]] = {}
    header: set[int] = set()
    for item in layout(expand(table)):
        for row in range(item.row, item.row + item.cell.rows):
            grid.setdefault(row, {})[item.column] = item.cell
            if item.header:
                header.add(row)
    return grid, header


def render_csv(document: Document) -> bytes:
    buffer = StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for table in document.tables:
        grid, header = _grid(table)
        labelled = any(cell.label for row in grid.values() for cell in row.values())
        label = text_cell(table.caption or document.title)
        for row in sorted(grid):
            cells = [grid[row].get(c) for c in range(table.columns)]
            line = [label, *("" if c is None else
                             text_cell(c.text) if row in header else _value(c) for c in cells)]
            if labelled:
                line.append(_("Source of funding") if row in header else next(
                    (text_cell(c.label) for c in cells if c is not None and c.label), ""))
            writer.writerow(line)
    # A byte-order mark lets spreadsheet programs read the Cyrillic as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
