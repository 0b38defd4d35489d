"""Reports as CSV: every table of the document, one line per row, for open data.

The first column names the table. A cell spanning several rows (a task beside its
measures) is repeated on each of them, so every line can be read alone; figures are
written as the report prints them (decimal comma), the JSON format has the exact values.
"""

from __future__ import annotations

import csv
from io import StringIO

from portal.reports.document import Document, layout


def render_csv(document: Document) -> bytes:
    buffer = StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for table in document.tables:
        grid: dict[int, dict[int, str]] = {}
        for item in layout(table):
            for row in range(item.row, item.row + item.cell.rows):
                grid.setdefault(row, {})[item.column] = item.cell.text
        label = table.caption or document.title
        for row in sorted(grid):
            writer.writerow([label, *(grid[row].get(c, "") for c in range(table.columns))])
    # A byte-order mark lets spreadsheet programs read the Cyrillic as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
