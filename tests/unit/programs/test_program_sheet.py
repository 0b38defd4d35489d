"""The spreadsheet of measures and funding: reading rows, every problem found, the template."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from portal.programs.program_sheet import (
    RowProblem,
    SheetProblem,
    parse_plan,
    read_table,
    rows_to_csv,
    rows_to_xlsx,
    template_rows,
)
from portal.programs.rules import FundingSource

YEARS = range(2017, 2021)
HEADER = ["task", "task_title", "measure", "content", "term", "executors", "source",
          "2017", "2018", "2019", "2020", "expected_results"]
KOROSTEN = [
    HEADER,
    ["1", "Сприяння розвитку місцевого самоврядування", "1.1", "Членство в Асоціації міст",
     "2017-2020 роки", "Секретар міської ради", "city_budget", "34,0", "34,0", "34,0", "34,0",
     "Підвищення ефективності"],
    ["1", "", "1.5", "Розвиток співпраці з містами", "2017-2020 роки", "Заступники", "",
     "", "", "", "", "Розвиток громади"],
    ["3", "Розвиток активності громади", "3.6", "Реалізація проектів Бюджету участі",
     "2018-2020 роки", "Головні розпорядники", "міський бюджет", "", "2000,0", "2000,0",
     "2000,0", "Прозорість"],
    ["3", "", "3.6", "", "", "", "other", "", "", "18,0", "25,0", ""],
]


def test_a_korosten_style_sheet_is_read_into_tasks_measures_and_amounts():
    plan, problems = parse_plan(KOROSTEN, YEARS)
    assert problems == []
    assert plan.tasks == {1: "Сприяння розвитку місцевого самоврядування",
                          3: "Розвиток активності громади"}
    assert list(plan.measures) == ["1.1", "1.5", "3.6"]
    assert plan.measures["1.5"].amounts == {}
    pb = plan.measures["3.6"]
    assert pb.amounts[(FundingSource.CITY_BUDGET, 2018)] == 200_000_000
    assert pb.amounts[(FundingSource.OTHER, 2020)] == 2_500_000
    assert (FundingSource.CITY_BUDGET, 2017) not in pb.amounts


@pytest.mark.parametrize(("row", "expected"), [
    (["x", "T", "1.1", "Захід", "", "", "", "", "", "", "", ""], SheetProblem.TASK_NUMBER),
    (["1", "", "1.1", "Захід", "", "", "", "", "", "", "", ""], SheetProblem.TASK_TITLE_MISSING),
    (["1", "T", "1", "Захід", "", "", "", "", "", "", "", ""], SheetProblem.MEASURE_NUMBER),
    (["1", "T", "2.1", "Захід", "", "", "", "", "", "", "", ""],
     SheetProblem.MEASURE_TASK_MISMATCH),
    (["1", "T", "1.1", "", "", "", "", "", "", "", "", ""], SheetProblem.CONTENT_MISSING),
    (["1", "T", "1.1", "Захід", "", "", "бюджет ОТГ", "5", "", "", "", ""],
     SheetProblem.SOURCE_UNKNOWN),
    (["1", "T", "1.1", "Захід", "", "", "", "5,0", "", "", "", ""], SheetProblem.SOURCE_MISSING),
    (["1", "T", "1.1", "Захід", "", "", "other", "п'ять", "", "", "", ""], SheetProblem.AMOUNT),
])
def test_each_bad_row_is_reported_with_its_line(row, expected):
    _plan, problems = parse_plan([HEADER, row], YEARS)
    assert [(p.line, p.code) for p in problems] == [(2, expected)]


def test_every_problem_of_the_file_is_reported_not_only_the_first():
    rows = [HEADER, ["1", "T", "1.1", "A", "", "", "other", "5", "", "", "", ""],
            ["1", "T2", "1.1", "B", "", "", "other", "", "6", "", "", ""],
            ["1", "", "1.2", "", "", "", "", "", "", "", "", ""]]
    _plan, problems = parse_plan(rows, YEARS)
    assert [p.code for p in problems] == [SheetProblem.TASK_TITLE_CONFLICT,
                                          SheetProblem.MEASURE_CONFLICT,
                                          SheetProblem.DUPLICATE_SOURCE,
                                          SheetProblem.CONTENT_MISSING]


def test_a_header_without_required_columns_or_with_years_outside_the_term_is_refused():
    _plan, problems = parse_plan([["task", "measure", "2016"], ["1", "1.1", "5"]], YEARS)
    assert RowProblem(1, SheetProblem.MISSING_COLUMN, "content") in problems
    assert RowProblem(1, SheetProblem.YEAR_OUTSIDE_TERM, "2016") in problems


def test_csv_with_semicolons_and_windows_1251_is_read():
    text = "task;task_title;measure;content;source;2018\r\n1;Завдання;1.1;Захід;other;34,0\r\n"
    rows = read_table(text.encode("cp1251"), "plan.csv")
    assert rows == [["task", "task_title", "measure", "content", "source", "2018"],
                    ["1", "Завдання", "1.1", "Захід", "other", "34,0"]]


def test_numbers_typed_into_an_xlsx_are_read_as_typed():
    workbook = Workbook()
    workbook.active.append(["task", "task_title", "measure", "content", "source", "2019"])
    workbook.active.append([1, "Завдання", "1.1", "Захід", "other", 25.401])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = read_table(buffer.getvalue(), "plan.xlsx")
    assert rows[1] == ["1", "Завдання", "1.1", "Захід", "other", "25.401"]
    plan, problems = parse_plan(rows, YEARS)
    assert problems == [] and plan.measures["1.1"].amounts == {(FundingSource.OTHER, 2019):
                                                               2_540_100}


@pytest.mark.parametrize(("content", "name", "problem"), [
    (b"", "a.csv", SheetProblem.EMPTY),
    (b"PK\x03\x04 not a zip", "a.xlsx", SheetProblem.UNREADABLE),
    (b"\x00\x01binary", "a.csv", SheetProblem.UNREADABLE),
])
def test_unreadable_files_are_refused(content, name, problem):
    assert read_table(content, name) is problem


def test_the_template_round_trips_through_csv_and_xlsx():
    rows = template_rows(YEARS, [(1, "Завдання")], [
        ("1.1", "Захід", "щорічно", "Відділ", "Результат",
         {FundingSource.CITY_BUDGET: {2018: 3_400_000}, FundingSource.OTHER: {2019: 100_000}}),
    ])
    assert rows[0] == HEADER
    assert rows[1][:7] == ["1", "Завдання", "1.1", "Захід", "щорічно", "Відділ", "city_budget"]
    assert rows[2][3] == "" and rows[2][6] == "other"
    for content, name in ((rows_to_csv(rows), "t.csv"), (rows_to_xlsx(rows, ["i"]), "t.xlsx")):
        plan, problems = parse_plan(read_table(content, name), YEARS)
        assert problems == []
        assert plan.measures["1.1"].amounts == {(FundingSource.CITY_BUDGET, 2018): 3_400_000,
                                                (FundingSource.OTHER, 2019): 100_000}
    sheet = load_workbook(io.BytesIO(rows_to_xlsx(rows, ["i"]))).worksheets[0]
    assert sheet["I2"].value == "34,0"


def test_an_empty_program_gets_an_example_row():
    rows = template_rows(YEARS, [], [])
    assert len(rows) == 2 and rows[1][2] == "1.1"
