"""Laying a document's cells on the grid: row and column spans, as HTML lays them out."""

from portal.reports.document import Cell, Document, Paragraph, Row, Table, layout


def test_a_cell_spanning_rows_pushes_the_next_rows_cells_right():
    table = Table("", (Row((Cell("a"), Cell("b"), Cell("c"))),), (
        Row((Cell("task", rows=2), Cell("1.1"), Cell("x"))),
        Row((Cell("1.2"), Cell("y"))),
        Row((Cell("total", span=2), Cell("z"))),
    ), (1, 1, 1))
    placed = [(p.row, p.column, p.cell.text) for p in layout(table)]
    assert placed == [(0, 0, "a"), (0, 1, "b"), (0, 2, "c"),
                      (1, 0, "task"), (1, 1, "1.1"), (1, 2, "x"),
                      (2, 1, "1.2"), (2, 2, "y"),
                      (3, 0, "total"), (3, 2, "z")]


def test_the_documents_text_lists_paragraphs_and_cells_in_reading_order():
    document = Document("Звіт", "r", (Paragraph("ЗВІТ"),
                                      Table("1. Таблиця", (), (Row((Cell("809,5"),)),), (1,))))
    assert document.text() == "ЗВІТ\n1. Таблиця\n809,5"


def test_expand_gives_each_part_of_a_stacked_cell_a_row_and_stretches_the_spans():
    """Measure 4.2 of seeds/000 prints "2,0 Міський бюджет" over "2,0 Інші джерела" in one
    cell; a spreadsheet gets a row for each, the task and the measure's text spanning both."""
    from decimal import Decimal

    from portal.reports.document import expand

    city, other = (Cell("2,0", Decimal(2), label=label) for label in ("Місто", "Інше"))
    table = Table("", (), (
        Row((Cell("task", rows=2), Cell("4.1"), Cell("3,5", Decimal("3.5")), Cell("x"))),
        Row((Cell("4.2"), Cell("2,0\n\n2,0", parts=(city, other)), Cell("y"))),
        Row((Cell("total", span=2), Cell("9,5", Decimal("9.5")), Cell())),
    ), (1, 1, 1, 1))
    placed = [(p.row, p.column, p.cell.text, p.cell.rows, p.cell.label)
              for p in layout(expand(table))]
    assert placed == [(0, 0, "task", 3, ""), (0, 1, "4.1", 1, ""), (0, 2, "3,5", 1, ""),
                      (0, 3, "x", 1, ""),
                      (1, 1, "4.2", 2, ""), (1, 2, "2,0", 1, "Місто"), (1, 3, "y", 2, ""),
                      (2, 2, "2,0", 1, "Інше"),
                      (3, 0, "total", 1, ""), (3, 2, "9,5", 1, ""), (3, 3, "", 1, "")]
    plain = Table("", (), (Row((Cell("a"),)),), (1,))
    assert expand(plain) is plain
