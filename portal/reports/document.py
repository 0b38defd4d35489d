"""A report as a document: headings, paragraphs and tables of formatted cells.

Every report kind is laid out once, as a :class:`Document`; the HTML, PDF, DOCX, XLSX
and CSV renderers only draw it. So a figure cannot differ between two formats of the
same report: each cell carries the one formatted text ("809,5") and, for spreadsheets,
the exact number behind it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum


class Style(StrEnum):
    """What a paragraph is, for the renderers' typography."""

    TITLE = "title"  # "ЗВІТ"
    SUBTITLE = "subtitle"  # "про результати виконання у 2018 році ..."
    HEADING = "heading"  # "1. Виконання заходів Програми"
    META = "meta"  # "Відповідальний виконавець Програми: ..."
    TEXT = "text"
    NOTE = "note"  # small print under a table
    #: "Секретар Бахмутської міської ради ... С.І. Кіщенко": the position, a tab, the name
    SIGNATURE = "signature"


class RowKind(StrEnum):
    BODY = "body"
    GROUP = "group"  # a heading row inside a table ("ІІ. Показники продукту")
    TOTAL = "total"


@dataclass(frozen=True)
class Cell:
    """One cell: its text with line breaks, and the number behind it when there is one.

    ``number`` is set only for a cell holding exactly one figure; a spreadsheet then
    stores the number, formatted with ``places`` decimals. ``label`` names what the figure
    is when the text says it under the number ("5,0\nМіський бюджет": the source): a
    spreadsheet shows it in the number's format, a CSV file in a column of its own.
    ``parts`` are the figures of a cell that prints several one under another (a measure's
    amount from each of its sources): printed documents show ``text``, spreadsheets a row
    per part (:func:`expand`), so every figure is a number in a cell of its own.
    """

    text: str = ""
    number: Decimal | None = None
    places: int = 1
    label: str = ""
    numeric: bool = False
    span: int = 1
    rows: int = 1
    parts: tuple[Cell, ...] = ()


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    kind: RowKind = RowKind.BODY


@dataclass(frozen=True)
class Table:
    """A table; ``widths`` are relative column widths, one per column."""

    caption: str
    header: tuple[Row, ...]
    rows: tuple[Row, ...]
    widths: tuple[int, ...]

    @property
    def columns(self) -> int:
        return len(self.widths)


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: Style = Style.TEXT


Block = Paragraph | Table


def signature(position: str, name: str) -> Paragraph:
    """A signature line at the end of a report: the position on the left, the name on the
    right (the renderers split the text at its tab)."""
    return Paragraph(f"{position}\t{name}", Style.SIGNATURE)


def signatures(pairs: tuple[tuple[str, str], ...]) -> tuple[Paragraph, ...]:
    """The signature lines closing a document, one per (position, name)."""
    return tuple(signature(position, name) for position, name in pairs)


@dataclass(frozen=True)
class Document:
    """A whole report; ``name`` is the file name without extension."""

    title: str
    name: str
    blocks: tuple[Block, ...]
    landscape: bool = True
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(block for block in self.blocks if isinstance(block, Table))

    def text(self) -> str:
        """All the document's text in reading order (for search and for tests)."""
        parts: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                parts.append(block.text)
            else:
                parts.append(block.caption)
                for row in (*block.header, *block.rows):
                    parts.extend(cell.text for cell in row.cells)
        return "\n".join(part for part in parts if part)


def expand(table: Table) -> Table:
    """``table`` with a row for each part of its cells that have parts, for spreadsheets.

    A row whose cells hold at most k parts becomes k rows: the first with the first parts,
    the next ones with the others; every other cell of the row, and every cell spanning it
    from above (a task beside its measures), spans the added rows too.
    """
    factors = [max([len(cell.parts) for cell in row.cells] + [1]) for row in table.rows]
    if set(factors) == {1}:
        return table
    rows: list[Row] = []
    for index, row in enumerate(table.rows):
        factor = factors[index]
        lines: list[list[Cell]] = [[] for _ in range(factor)]
        for cell in row.cells:
            if cell.parts:
                for line, part in zip(lines, cell.parts + (Cell(),) * factor, strict=False):
                    line.append(part)
            else:
                lines[0].append(replace(cell, rows=sum(factors[index:index + cell.rows])))
        rows.extend(Row(tuple(line), row.kind) for line in lines)
    return replace(table, rows=tuple(rows))


@dataclass(frozen=True)
class Placed:
    """A cell at its grid position, after row and column spans are laid out."""

    row: int
    column: int
    cell: Cell
    kind: RowKind
    header: bool


def layout(table: Table) -> Iterator[Placed]:
    """Place every cell of ``table`` on the grid, header rows first.

    A cell spanning rows reserves its column in the rows below, so the next cell of those
    rows lands in the next free column: the way HTML lays out ``rowspan``.
    """
    reserved: dict[tuple[int, int], bool] = {}
    all_rows = [(row, True) for row in table.header] + [(row, False) for row in table.rows]
    for index, (row, is_header) in enumerate(all_rows):
        column = 0
        for cell in row.cells:
            while reserved.get((index, column)):
                column += 1
            yield Placed(index, column, cell, row.kind, is_header)
            for below in range(index, index + cell.rows):
                for right in range(column, column + cell.span):
                    reserved[(below, right)] = True
            column += cell.span
