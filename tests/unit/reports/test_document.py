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
