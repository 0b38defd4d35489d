"""Every format of the Bakhmut 2018 report carries the same figures: PDF, DOCX, XLSX, CSV.

The PDF's and the DOCX's text is extracted and checked, so a renderer that drops a row,
a figure or a Cyrillic glyph fails here.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from docx import Document as read_docx
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.reports.services import ReportFormat, ReportKind, ReportSpec, generate

ANNUAL = ReportSpec(ReportKind.ANNUAL, 2018)
FIGURES = ("809,5", "764,3", "94,4", "789,0", "739,8", "93,8", "20,5", "24,5", "119,5",
           "464,2", "92,8", "128,6", "166,7")


@pytest.fixture(scope="module")
def outputs(bakhmut_session):
    session, program = bakhmut_session
    return {fmt: generate(session, program, ANNUAL, fmt) for fmt in ReportFormat}


def test_files_are_named_after_the_program_kind_and_year(outputs):
    assert outputs[ReportFormat.PDF].filename == "bakhmut-civil-society-annual-2018.pdf"
    assert outputs[ReportFormat.XLSX].mimetype.endswith("spreadsheetml.sheet")


def test_the_pdf_text_has_every_total_and_the_headings(outputs):
    reader = PdfReader(io.BytesIO(outputs[ReportFormat.PDF].content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 2
    flat = " ".join(text.split())
    for figure in FIGURES:
        assert figure in flat
    assert "ЗВІТ" in text
    assert "Відповідальний виконавець Програми" in flat
    assert "складає 94,4%" in flat
    assert "Показники ефективності" in flat


def test_the_pdf_is_tagged_for_screen_readers_with_its_language_and_title(outputs):
    reader = PdfReader(io.BytesIO(outputs[ReportFormat.PDF].content))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "uk"
    assert bool(catalog["/MarkInfo"]["/Marked"])
    structure = catalog["/StructTreeRoot"]
    assert structure["/Type"] == "/StructTreeRoot" and structure["/K"]
    assert reader.metadata.title.startswith("Звіт про результати виконання Програми у 2018")
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])


def test_the_pdf_is_a4_landscape(outputs):
    page = PdfReader(io.BytesIO(outputs[ReportFormat.PDF].content)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (842, 595)


def test_the_docx_tables_hold_the_totals_and_the_indicators(outputs):
    document = read_docx(io.BytesIO(outputs[ReportFormat.DOCX].content))
    table_1, table_2 = document.tables
    rows = [[cell.text for cell in row.cells] for row in table_1.rows]
    total = next(row for row in rows if row[0] == "Всього:")
    assert total[5:8] == ["809,5", "764,3", "94,4"]
    city = next(row for row in rows if row[0] == "у тому числі міський бюджет:")
    assert city[5:8] == ["789,0", "739,8", "93,8"]
    # The task's cell spans its measures: measure 3.3 sits beside task 3's title.
    row_3_3 = next(row for row in rows if row[2].startswith("3.3."))
    assert row_3_3[1].startswith("Стимулювання участі")
    assert row_3_3[5:8] == ["500,0\nМіський бюджет", "464,2\nМіський бюджет", "92,8"]
    indicators = [[cell.text for cell in row.cells] for row in table_2.rows]
    assert indicators[2][:2] == ["1.", "Обсяг ресурсів, всього тис.грн."]
    assert indicators[2][3:6] == ["809,5", "764,3", "94,4"]
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "Ефективність виконання запланованих заходів Програми за 2018 рік складає 94,4%." \
        in paragraphs


def test_the_xlsx_stores_exact_numbers(outputs):
    workbook = load_workbook(io.BytesIO(outputs[ReportFormat.XLSX].content))
    table_1 = workbook.worksheets[0]
    values = [[cell.value for cell in row] for row in table_1.iter_rows()]
    total = next(row for row in values if row[0] == "Всього:")
    assert [Decimal(str(v)) for v in total[5:8]] == [Decimal("809.5"), Decimal("764.3"),
                                                    Decimal("94.4")]
    assert len(workbook.worksheets) == 2


def test_the_xlsx_amounts_are_numbers_and_the_totals_their_column_sums(outputs):
    """Issue 14, item 8: measure 4.2 had "2,0\nМіський бюджет\n\n2,0\nІнші джерела" as
    text, so the column added up to 805,5 under a total of 809,5."""
    sheet = load_workbook(io.BytesIO(outputs[ReportFormat.XLSX].content)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows()]
    first = next(i for i, row in enumerate(rows) if str(row[2].value or "").startswith("1.1."))
    total = next(i for i, row in enumerate(rows) if row[0].value == "Всього:")
    for column in (5, 6):  # planned, financed
        body = [row[column].value for row in rows[first:total]]
        assert all(v is None or v == "—" or isinstance(v, int | float) for v in body)
        numbers = [Decimal(str(v)) for v in body if isinstance(v, int | float)]
        assert sum(numbers) == Decimal(str(rows[total][column].value))
        city, other = (Decimal(str(rows[total + k][column].value)) for k in (1, 2))
        assert city + other == sum(numbers)
    assert (rows[total][7].value, rows[total][7].number_format) == (94.4, "General")
    two = [row for row in rows[first:total] if row[5].number_format.endswith('"Інші джерела"')]
    assert [row[5].value for row in two] == [15, 3.5, 2]  # 1.6, 4.1, 4.2's second source


def test_the_xlsx_rows_are_tall_enough_for_their_wrapped_text(outputs):
    """A spreadsheet program sizes a row by its own cells; the text of a cell merged over
    rows (a task beside its measures) needs the rows' heights together."""
    from openpyxl.utils import get_column_letter

    sheet = load_workbook(io.BytesIO(outputs[ReportFormat.XLSX].content)).worksheets[0]
    merged = {(r.min_row, r.min_col): r for r in sheet.merged_cells.ranges}
    for row in sheet.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or not cell.value:
                continue
            area = merged.get((cell.row, cell.column))
            rows = range(cell.row, (area.max_row if area else cell.row) + 1)
            columns = range(cell.column, (area.max_col if area else cell.column) + 1)
            width = sum(sheet.column_dimensions[get_column_letter(c)].width or 8.43
                        for c in columns)
            height = sum(sheet.row_dimensions[r].height or 15 for r in rows)
            lines = sum(max(-(-len(line) // max(int(width) - 2, 4)), 1)
                        for line in cell.value.split("\n"))
            assert height >= lines * 15, (cell.coordinate, cell.value[:40])


def test_the_xlsx_columns_are_wide_enough_for_their_numbers(outputs):
    """A number does not wrap: one wider than its column prints as "###" (LibreOffice
    printed "500,0 Міський бюджет" so in a 13-unit column). Each number with the label of
    its format fits its column."""
    import re

    from openpyxl.utils import get_column_letter

    sheet = load_workbook(io.BytesIO(outputs[ReportFormat.XLSX].content)).worksheets[0]
    merged = {(r.min_row, r.min_col) for r in sheet.merged_cells.ranges}
    labelled = 0
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, bool) or not isinstance(cell.value, int | float) \
                    or (cell.row, cell.column) in merged:
                continue
            label = "".join(re.findall(r'"([^"]*)"', cell.number_format))
            labelled += bool(label)
            shown = f"{cell.value:.1f} {label}".strip()
            width = sheet.column_dimensions[get_column_letter(cell.column)].width or 8.43
            assert width >= len(shown) + 2, (cell.coordinate, shown, width)
    assert labelled  # the amounts carry their sources ("2,0 Міський бюджет")


def test_the_csv_repeats_each_task_beside_its_measures(outputs):
    text = outputs[ReportFormat.CSV].content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    measure = next(row for row in rows if row[3].startswith("3.3."))
    assert measure[1:3] == ["3", "Стимулювання участі організацій громадянського суспільства в "
                            "соціально-економічному розвитку м.Бахмуту"]
    # Figures in machine form, the source in the last column (a line per source).
    assert measure[6:9] == ["500", "464.2", "92.8"] and measure[-1] == "Міський бюджет"
    assert rows[0][-1] == "Джерело фінансування"
    two = [row for row in rows if row[3].startswith("4.2.")]
    assert [(row[6], row[7], row[-1]) for row in two] == [("2", "2", "Міський бюджет"),
                                                         ("2", "2", "Інші джерела")]
    total = next(row for row in rows if row[1] == "інше:")
    assert total[6:9] == ["20.5", "24.5", "119.5"]


def test_the_csv_neutralises_text_a_spreadsheet_would_run():
    from portal.reports.document import Cell, Document, Row, Table
    from portal.reports.renderers.csv import render_csv

    table = Table("=cmd", (Row((Cell("No."), Cell("Sum"))),),
                  (Row((Cell("=HYPERLINK(1)"), Cell("-5,0", Decimal("-5"), numeric=True))),),
                  (1, 1))
    rows = list(csv.reader(io.StringIO(render_csv(Document("t", "t", (table,))).decode(
        "utf-8-sig"))))
    assert rows == [["'=cmd", "No.", "Sum"], ["'=cmd", "'=HYPERLINK(1)", "-5"]]


@pytest.mark.parametrize("kind", [ReportKind.PLAN, ReportKind.APPENDIX, ReportKind.PASSPORT,
                                  ReportKind.HALF_YEAR])
def test_the_other_reports_render_in_every_format(bakhmut_session, kind):
    session, program = bakhmut_session
    spec = ReportSpec(kind, None if kind in (ReportKind.APPENDIX, ReportKind.PASSPORT) else 2018)
    for fmt in ReportFormat:
        assert generate(session, program, spec, fmt).content


def test_the_executor_and_the_community_sign_the_report_and_the_executor_the_note(outputs):
    """As the council's report ends (seeds/000): the head of the department that is the
    program's responsible executor (the program's signatory), then the council's secretary
    (the community's), each position with the name at the right; the explanatory note that
    follows is signed by the head of the department alone."""
    head = ("Начальник відділу внутрішньої політики Бахмутської міської ради", "С.А. Кудрявих")
    secretary = ("Секретар Бахмутської міської ради", "С.І. Кіщенко")
    html = outputs[ReportFormat.HTML].content.decode()
    assert html.index("С.А. Кудрявих") < html.index("С.І. Кіщенко") < html.index(
        '<h1 class="report-title">Пояснювальна записка</h1>') < html.rindex("С.А. Кудрявих")
    assert ('<p class="report-signature"><span>Секретар Бахмутської міської ради</span> '
            '<span class="report-signature-name">С.І. Кіщенко</span></p>') in html
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(
        io.BytesIO(outputs[ReportFormat.PDF].content)).pages)
    assert "Секретар Бахмутської міської ради С.І. Кіщенко" in text
    paragraphs = [p.text for p in read_docx(io.BytesIO(outputs[ReportFormat.DOCX].content)
                                            ).paragraphs]
    signed = [p for p in paragraphs if "\t" in p]
    assert signed == ["\t".join(head), "\t".join(secretary), "\t".join(head)]
    assert paragraphs[-1] == "\t".join(head)
    assert paragraphs.index("\t".join(secretary)) < paragraphs.index("Пояснювальна записка")
    note = next(p for p in read_docx(io.BytesIO(outputs[ReportFormat.DOCX].content)).paragraphs
                if p.text == "Пояснювальна записка")
    assert note.paragraph_format.page_break_before  # the note starts its own page
    sheet = load_workbook(io.BytesIO(outputs[ReportFormat.XLSX].content)).worksheets[-1]
    rows = [tuple(value for value in row if value) for row in sheet.iter_rows(values_only=True)]
    assert [row for row in rows if row][-1] == head


def test_json_writes_every_figure_without_an_exponent(bakhmut_session):
    """Decimal writes 400 thousand (from kopecks) as 4E+2; the JSON never does."""
    import json
    import re

    session, program = bakhmut_session
    texts = []

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            texts.append(value)

    for spec in (ANNUAL, ReportSpec(ReportKind.PLAN, 2019), ReportSpec(ReportKind.APPENDIX)):
        walk(json.loads(generate(session, program, spec, ReportFormat.JSON).content))
    assert texts and not [text for text in texts if re.fullmatch(r"-?[\d.]+E[+-]?\d+", text)]
    indicators = json.loads(generate(session, program, ANNUAL, ReportFormat.JSON).content)[
        "indicators"]
    values = [row["planned_value"] for group in indicators for row in group["rows"]]
    assert "809.5" in values and all(re.fullmatch(r"-?\d+(\.\d+)?", v) for v in values)
