"""The four other source documents (seeds/001-004) rendered from records in every format.

Each seed's program is stored through the services (``tests.factories.seed_documents``),
its report made by ``reports.generate`` in HTML, PDF, DOCX, XLSX, CSV and JSON, and each
table compared with the document, row by row: a row of the document must be a row of the
rendered table, its cells in order. PDF text is read back too; a PDF lays table cells side
by side on a line, so there the short cells (numbers, terms, amounts) are looked for.

Where the portal prints a seed differently, on purpose or because it cannot hold what the
document says, the difference is written down here and asserted as it is:

* all seeds: "№ з/п" is printed "№".
* 001: the title is the plan's, "of the program «...» in 2017"; the document's heading is
  "щодо реалізації Національної стратегії ... у Луганській області у 2017 році".
* 002: the memo's two columns (ways, results) are one cell each; the portal keeps a result
  per way (measure), paired in the memo's order; the operational goal's parts 3.12.1 and
  3.12.2 are tasks 1 and 2 (a task's number is a whole number), their codes in the title.
  The memo's "expected results" of each part has no place in the half-year table. The
  participatory budget "suspended in 2022" is a cycle of 2023 suspended, told under the
  school participatory budget's measure, the only one the memo names.
* 003: the program is titled "на 2012-2015 роки" while its passport (as amended in 2014)
  gives the term "2014 рік": the records take the passport's term. The document numbers the
  act the program rests on under item 1; the portal gives it an item of its own, so items
  are 1-8, not 1-7. "15 тис.грн." is "15,0 (2014р.-15,0)". The program does not say which
  measures the 15 thousand fund, nor when it was paid: the fixture says (``MONEY_003``).
* 004: amounts have one decimal ("12,76" -> "12,8", "25,401" -> "25,4", "00,0" -> "0,0",
  "2000,0" -> "2 000,0"); the breakdown "в т.ч." of the participatory budget's amounts (the
  e-voting system's fee) has no place in a funding line and is left out; sources are the
  portal's ("Міський бюджет" for "Кошти міського бюджету"); a measure with two sources and
  one amount (3.1, city budget and contest organisers' funds) is planned on the city budget;
  "За окремою програмою" and "Фінансування не потребує (по програмі розвитку МАІС)" are
  "Фінансування не потребує" (the measure has no line).
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from html import unescape

import pytest
from docx import Document as read_docx
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.accounts.models import Role
from portal.clock import utcnow
from portal.cycles import services as cycles
from portal.money import format_number, format_thousands
from portal.programs import services as programs
from portal.programs.winners import link_cycle
from portal.reports.services import ReportFormat, ReportKind, ReportSpec, generate
from tests.factories import seed_documents as seeds
from tests.factories.accounts import make_user
from tests.factories.cycles import make_cycle
from tests.services.reports.conftest import module_session

TABLES = (ReportFormat.HTML, ReportFormat.DOCX, ReportFormat.XLSX, ReportFormat.CSV)
SPECS = {
    "001": (ReportSpec(ReportKind.PLAN, 2017),),
    "002": (ReportSpec(ReportKind.HALF_YEAR, 2023),),
    "003": (ReportSpec(ReportKind.PASSPORT),
            *(ReportSpec(ReportKind.QUARTER, 2014, quarter) for quarter in (1, 2, 3, 4))),
    "004": (ReportSpec(ReportKind.APPENDIX),),
}


def _suspended_cycle(session, program) -> None:
    """seeds/002: the participatory budget is suspended under martial law."""
    admin = make_user(session, Role.ADMIN)
    cycle = make_cycle(session, admin, budget_year=2023, name="Бюджет участі-2023")
    link_cycle(session, actor=None, cycle=cycle,
               measure=programs.find_measure(session, program, "2.5"), now=utcnow())
    cycles.suspend_cycle(session, cycle=cycle, reason=seeds.SUSPENSION_002, actor=admin,
                         now=utcnow())


@pytest.fixture(scope="module")
def rendered(app):
    """Every seed's reports in every format, from records stored once and rolled back."""
    with module_session(app) as session:
        found = {}
        for name, seed in (("001", seeds.seed_001()), ("002", seeds.seed_002()),
                           ("003", seeds.seed_003()), ("004", seeds.seed_004())):
            program = seeds.build_program(session, seed)
            if name == "002":
                _suspended_cycle(session, program)
            for spec in SPECS[name]:
                found[name, spec.quarter or spec.kind.value] = {
                    fmt: generate(session, program, spec, fmt).content for fmt in ReportFormat}
        yield found


def norm(text) -> str:
    return " ".join(str(text).split())


def _printed(value) -> str:
    """A spreadsheet's value as the report prints it: numbers with one decimal comma."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(Decimal(str(value)), places=1)
    return norm(value if value is not None else "")


def rows_of(fmt: ReportFormat, content: bytes) -> list[list[str]]:
    """Every table row of a rendered report, its cells' text with whitespace collapsed."""
    if fmt is ReportFormat.HTML:
        html = content.decode()
        return [[norm(unescape(re.sub(r"<br>", " ", cell)))
                 for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)]
                for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S)]
    if fmt is ReportFormat.DOCX:
        return [[norm(cell.text) for cell in row.cells]
                for table in read_docx(io.BytesIO(content)).tables for row in table.rows]
    if fmt is ReportFormat.XLSX:  # a number's label is in its format: '0.0 "Міський бюджет"'
        return [[norm(" ".join((_printed(cell.value), *re.findall(r'"(.*)"',
                                                                  cell.number_format))))
                 for cell in row]
                for sheet in load_workbook(io.BytesIO(content)).worksheets
                for row in sheet.iter_rows()]
    return [[norm(cell) for cell in row]
            for row in csv.reader(io.StringIO(content.decode("utf-8-sig")))]


def pdf_text(content: bytes) -> str:
    return norm(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def has_row(rows: list[list[str]], expected: tuple[str, ...]) -> bool:
    """Whether a row holds the expected cells in order (other cells may come between: a
    task's cell beside its first measure, the CSV's table name)."""
    wanted = [norm(cell) for cell in expected]
    for row in rows:
        cells = iter(row)
        if all(any(cell == want for cell in cells) for want in wanted):
            return True
    return False


def check_tables(outputs, expected_rows, *, csv_rows=None) -> None:
    """Every expected row is a row of the HTML, DOCX and XLSX tables; the CSV's too
    (``csv_rows`` when the CSV writes figures for machines instead)."""
    for fmt in TABLES:
        rows = rows_of(fmt, outputs[fmt])
        wanted = csv_rows if fmt is ReportFormat.CSV and csv_rows is not None else expected_rows
        missing = [row for row in wanted if not has_row(rows, row)]
        assert not missing, (fmt, missing[:2])


# seeds/001 -----------------------------------------------------------------------------

def test_001_the_plan_report_has_the_document_s_header_tasks_and_measures(rendered):
    outputs = rendered["001", "plan"]
    header = ("№", "Найменування заходу", "Строк виконання", "Результат виконання")
    groups = [(f"{number}. {title}",) for number, title in seeds.TASKS_001]
    measures = [(number, name, term, result)
                for number, name, term, result in seeds.MEASURES_001]
    check_tables(outputs, [header, *groups, *measures])
    for fmt in TABLES:  # one line per measure, in the document's order
        numbers = [row for row in rows_of(fmt, outputs[fmt])
                   if any(re.fullmatch(r"\d\.\d", cell) for cell in row)]
        assert [next(c for c in row if re.fullmatch(r"\d\.\d", c)) for row in numbers] == [
            m[0] for m in seeds.MEASURES_001]
    text = pdf_text(outputs[ReportFormat.PDF])
    assert "ЗВІТ ПРО ВИКОНАННЯ ПЛАНУ ЗАХОДІВ" in text
    for number, _name, term, _result in seeds.MEASURES_001:
        assert number in text and norm(term) in text


def test_001_the_json_gives_each_measure_its_term_and_result(rendered):
    data = json.loads(rendered["001", "plan"][ReportFormat.JSON])
    assert [(t["number"], t["title"]) for t in data["tasks"]] == list(seeds.TASKS_001)
    assert [(m["number"], m["content"], m["term"], m["result"])
            for t in data["tasks"] for m in t["measures"]] == [
        (number, name, norm(term), result) for number, name, term, result in seeds.MEASURES_001]


# seeds/002 -----------------------------------------------------------------------------

def test_002_the_half_year_report_pairs_each_way_with_its_result(rendered):
    outputs = rendered["002", "half-year"]
    tasks = [(str(number), title) for number, title in seeds.TASKS_002]
    rows = [(f"{number}. {way}", "2023 рік", "—", "—", "—", result)
            for number, way, result in seeds.MEASURES_002 if number != "2.5"]
    check_tables(outputs, [*tasks, *rows])


def test_002_the_suspended_participatory_budget_is_told_under_its_measure(rendered):
    outputs = rendered["002", "half-year"]
    told = (f"Конкурс «Бюджет участі-2023» призупинено: {seeds.SUSPENSION_002} "
            f"{dict((n, r) for n, _w, r in seeds.MEASURES_002)['2.5']}")
    data = json.loads(outputs[ReportFormat.JSON])
    for fmt in TABLES:
        assert has_row(rows_of(fmt, outputs[fmt]), (told,)), fmt
    text = next(m["execution_text"] for t in data["tasks"] for m in t["measures"]
                if m["number"] == "2.5")
    assert text.startswith("Конкурс «Бюджет участі-2023» призупинено")
    assert "авторів" not in text  # nothing was submitted: no zeros are told


def test_002_the_memo_is_the_six_months_report_signed_by_the_department(rendered):
    outputs = rendered["002", "half-year"]
    text = pdf_text(outputs[ReportFormat.PDF])
    assert "про хід виконання за 6 місяців 2023 року" in text
    # The memo names no approving decision nor executor: no empty heading lines are printed.
    assert "затверджено Програму" not in text and "виконавець Програми" not in text
    assert " ".join(seeds.SIGNATORY_002) in text
    paragraphs = [p.text for p in read_docx(io.BytesIO(outputs[ReportFormat.DOCX])).paragraphs]
    assert paragraphs[-1] == "\t".join(seeds.SIGNATORY_002)
    assert "Пояснювальна записка" not in paragraphs
    data = json.loads(outputs[ReportFormat.JSON])
    assert (data["report"], data["period"]["start"], data["period"]["end"]) == (
        "period", "2023-01-01", "2023-06-30")


# seeds/003 -----------------------------------------------------------------------------

PASSPORT_ROWS = (
    ("1.", "Ініціатор розроблення програми", seeds.PASSPORT_003["initiator"]),
    ("2.", "Дата, номер і назва розпорядчого документа, на підставі якого розроблено програму",
     seeds.PASSPORT_003["basis"]),
    ("3.", "Розробник програми", seeds.PASSPORT_003["developer"]),
    ("4.", "Відповідальний виконавець", seeds.PASSPORT_003["responsible_executor"]),
    ("5.", "Учасники програми", seeds.PASSPORT_003["participants"]),
    ("6.", "Термін виконання програми", "2014 рік"),
    ("7.", "Перелік бюджетів, які беруть участь у виконанні програми", "місцевий бюджет"),
    ("8.", "Загальний обсяг фінансових ресурсів, необхідних для реалізації програми, тис. грн",
     "15,0 (2014р.-15,0)"),
)


def test_003_the_passport_has_the_document_s_items(rendered):
    outputs = rendered["003", "passport"]
    check_tables(outputs, PASSPORT_ROWS)
    text = pdf_text(outputs[ReportFormat.PDF])
    assert "ПАСПОРТ ПРОГРАМИ" in text and "2014 рік" in text and "15,0 (2014р.-15,0)" in text
    paragraphs = [p.text for p in read_docx(io.BytesIO(outputs[ReportFormat.DOCX])).paragraphs]
    assert paragraphs[-1] == "Секретар міської ради\tО.В.Кірсанов"  # as the program ends
    data = json.loads(outputs[ReportFormat.JSON])
    assert (data["total"], data["total_thousands"]) == ("15,0", "15")
    assert data["program"]["goal"] == seeds.PASSPORT_003["goal"]


@pytest.mark.parametrize(("quarter", "due", "financed"), [
    (1, "06.04.2014", "3,0"), (2, "06.07.2014", "4,5"), (3, "06.10.2014", "—"),
    (4, "06.01.2015", "5,0")])
def test_003_each_quarter_reports_the_measures_and_its_own_payments(rendered, quarter, due,
                                                                      financed):
    outputs = rendered["003", quarter]
    measures = [(f"4.{seq}. {content}", term, executors)
                for seq, content, executors, term in seeds.MEASURES_003]
    check_tables(outputs, measures)
    paid = "0,0" if financed == "—" else financed
    money = ("4.15. " + seeds.MEASURES_003[14][1], "15,0 Міський бюджет",
             f"{paid} Міський бюджет")
    check_tables(outputs, [money], csv_rows=[
        ("4.15. " + seeds.MEASURES_003[14][1], "15", machine(paid), "Міський бюджет")])
    assert has_row(rows_of(ReportFormat.XLSX, outputs[ReportFormat.XLSX]),
                   ("Всього:", "15,0", paid))
    text = pdf_text(outputs[ReportFormat.PDF])
    assert f"до {due}" in text or due in text
    assert "Секретар міської ради О.В.Кірсанов" in text
    data = json.loads(outputs[ReportFormat.JSON])
    assert (data["period"]["quarter"], data["period"]["due"]) == (
        quarter, "-".join(reversed(due.split("."))))
    assert data["totals"]["all"]["financed"] == paid


def machine(printed: str) -> str:
    return format(Decimal(printed.replace(",", ".")).normalize(), "f")


# seeds/004 -----------------------------------------------------------------------------

def _amounts(text: str) -> str:
    """The seed's amounts per year as the portal prints them (see the module's docstring)."""
    return " ".join(f"{year}р.-{format_thousands(kopecks)}"
                    for year, kopecks in seeds.year_amounts(text))


def test_004_the_appendix_has_every_measure_with_its_amounts_per_year(rendered):
    outputs = rendered["004", "appendix"]
    rows = []
    for _task, _title, seq, content, term, executors, source, amounts, expected in \
            seeds.ROWS_004:
        funded = seeds._source_004(source) is not None
        rows.append((f"{seq}. {content}", term, executors,
                     "Міський бюджет" if funded else "Фінансування не потребує",
                     _amounts(amounts) if funded else "", expected))
    directions = [(f"{number}.", title) for number, title in
                  dict.fromkeys((row[0], row[1]) for row in seeds.ROWS_004)]
    check_tables(outputs, [*directions, *rows])
    text = pdf_text(outputs[ReportFormat.PDF])
    for row in rows:
        for token in row[4].split():
            assert token in text
    assert re.search(r"Секретар міської ради В.Вигівський \d / \d$", text)  # as it ends


def test_004_the_appendix_totals_are_the_sums_of_the_seed_s_amounts(rendered):
    outputs = rendered["004", "appendix"]
    totals: dict[int, int] = {}
    for row in seeds.ROWS_004:
        if seeds._source_004(row[6]) is not None:
            for year, kopecks in seeds.year_amounts(row[7]):
                totals[year] = totals.get(year, 0) + kopecks
    by_year = " ".join(f"{year}р.-{format_thousands(totals[year])}" for year in sorted(totals))
    overall = format_thousands(sum(totals.values()))
    check_tables(outputs, [("Всього:", by_year), ("Усього за весь термін:", overall)],
                 csv_rows=[("Всього:", by_year),
                           ("Усього за весь термін:", machine(overall.replace("\xa0", "")))])
    data = json.loads(outputs[ReportFormat.JSON])
    assert {int(y): v["kopecks"] for y, v in data["by_year"].items()} == totals
    assert data["total_kopecks"] == sum(totals.values())


def test_004_the_amounts_the_portal_prints_otherwise_are_the_ones_written_down():
    """The seed's amounts with more than one decimal, a zero written "00,0", or no digit
    grouping: the module's docstring says why each is printed otherwise."""
    differ = {token for row in seeds.ROWS_004 if row[7]
              for token, printed in zip(re.findall(r"\d{4}р\.-(\d+(?:,\d+)?)", row[7].split(
                  " в т.ч.")[0]), _amounts(row[7]).split(" "), strict=True)
              if printed.partition("-")[2] != token}
    assert differ == {"12,76", "25,401", "39,900", "00,0", "23,645", "94,994", "133,100",
                      "2000,0", "30,00", "35,00"}
