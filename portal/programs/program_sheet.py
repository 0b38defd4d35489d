"""The spreadsheet of a program's measures and funding plan: the template and its reading.

A city brings an existing program (Korosten's appendix, ``seeds/004``) as one table, a row
per measure and source, with a column per year of the program's term::

    task, task_title, measure, content, term, executors, source, 2017, 2018, ..., expected_results

The first row names the columns (in any order). A task's title is given once, on its
first row; a measure funded from two sources has two rows, the second may leave the
measure's texts empty. Amounts are thousands of hryvnias ("34,0"); a measure without a
source and amounts needs no funding. Reading returns every problem with its line and
column, and the import stores nothing unless there are none (all or nothing).

This module reads and writes bytes only; ``portal.programs.plan_import`` stores the plan.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from portal.money import AmountError, format_thousands, parse_thousands
from portal.parsing import whole_or_none
from portal.programs.rules import FundingSource, parse_measure_number

TEXT_COLUMNS = ("task", "task_title", "measure", "content", "term", "executors", "source")
LAST_COLUMN = "expected_results"
MAX_ROWS = 5000
SOURCE_WORDS = {
    "city_budget": FundingSource.CITY_BUDGET,
    "міський бюджет": FundingSource.CITY_BUDGET,
    "кошти міського бюджету": FundingSource.CITY_BUDGET,
    "місцевий бюджет": FundingSource.CITY_BUDGET,
    "state_budget": FundingSource.STATE_BUDGET,
    "державний бюджет": FundingSource.STATE_BUDGET,
    "кошти державного бюджету": FundingSource.STATE_BUDGET,
    "other": FundingSource.OTHER,
    "інші джерела": FundingSource.OTHER,
    "інше": FundingSource.OTHER,
}


class SheetProblem(StrEnum):
    """Why a row (or the file) cannot be imported; ``messages.py`` words each code."""

    UNREADABLE = "unreadable"
    EMPTY = "empty"
    TOO_MANY_ROWS = "too_many_rows"
    MISSING_COLUMN = "missing_column"
    YEAR_OUTSIDE_TERM = "year_outside_term"
    TASK_NUMBER = "task_number"
    TASK_TITLE_MISSING = "task_title_missing"
    TASK_TITLE_CONFLICT = "task_title_conflict"
    MEASURE_NUMBER = "measure_number"
    MEASURE_TASK_MISMATCH = "measure_task_mismatch"
    CONTENT_MISSING = "content_missing"
    MEASURE_CONFLICT = "measure_conflict"
    SOURCE_UNKNOWN = "source_unknown"
    SOURCE_MISSING = "source_missing"
    DUPLICATE_SOURCE = "duplicate_source"
    AMOUNT = "amount"


@dataclass(frozen=True)
class RowProblem:
    """A problem at a line of the file (1 is the header) and, when known, a column."""

    line: int
    code: SheetProblem
    column: str = ""
    value: str = ""


@dataclass
class PlannedMeasure:
    number: str
    task: int
    seq: int
    content: str
    term: str
    executors: str
    expected_results: str
    amounts: dict[tuple[FundingSource, int], int] = field(default_factory=dict)


@dataclass
class PlanSheet:
    """What a valid sheet holds: task titles and measures with their amounts per year."""

    tasks: dict[int, str] = field(default_factory=dict)
    measures: dict[str, PlannedMeasure] = field(default_factory=dict)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # A number typed into a spreadsheet arrives as a float; its shortest repr is
        # what was typed ("25.401"), and the money parser refuses anything finer.
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    return str(value).strip()


def read_table(content: bytes, filename: str) -> list[list[str]] | SheetProblem:
    """The file's rows as text: an XLSX's first sheet, or a CSV in UTF-8 or Windows-1251."""
    if filename.lower().endswith(".xlsx") or content[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
            rows = [[_cell_text(v) for v in row]
                    for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
        except Exception:  # any damage to the file (zip, XML, sheet) is the same refusal
            return SheetProblem.UNREADABLE
    else:
        for encoding in ("utf-8-sig", "cp1251"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            return SheetProblem.UNREADABLE
        if "\x00" in text:
            return SheetProblem.UNREADABLE
        # Spreadsheets in a decimal-comma locale save CSV with semicolons; the header row
        # holds no numbers, so its separators tell which one this file uses.
        header = text.split("\n", 1)[0]
        delimiter = max(",;\t", key=header.count)
        rows = [[cell.strip() for cell in row]
                for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    rows = [row for row in rows if any(row)]
    if len(rows) > MAX_ROWS + 1:
        return SheetProblem.TOO_MANY_ROWS
    return rows or SheetProblem.EMPTY


def _columns(header: Sequence[str], years: range) -> tuple[dict[str, int], list[RowProblem]]:
    index = {name.strip().lower(): i for i, name in enumerate(header) if name.strip()}
    problems = [RowProblem(1, SheetProblem.MISSING_COLUMN, column)
                for column in ("task", "measure", "content", "source") if column not in index]
    for name in index:
        if whole_or_none(name) is not None and int(name) not in years:
            problems.append(RowProblem(1, SheetProblem.YEAR_OUTSIDE_TERM, name))
    return index, problems


def parse_plan(rows: Sequence[Sequence[str]], years: range) -> tuple[PlanSheet, list[RowProblem]]:
    """Read the rows under the header into a plan, with every problem found."""
    index, problems = _columns(rows[0], years)
    if problems:
        return PlanSheet(), problems
    year_columns = [(int(name), i) for name, i in index.items()
                    if whole_or_none(name) is not None]
    plan = PlanSheet()
    for line, row in enumerate(rows[1:], start=2):
        def get(name: str, row: Sequence[str] = row) -> str:
            position = index.get(name)
            return row[position].strip() if position is not None and position < len(row) else ""

        problems.extend(_read_row(plan, line, get, year_columns))
    return plan, problems


def _read_row(plan: PlanSheet, line: int, get, year_columns) -> Iterable[RowProblem]:
    task_text, number = get("task").rstrip("."), get("measure")
    task = whole_or_none(task_text, minimum=1)
    if task is None:
        yield RowProblem(line, SheetProblem.TASK_NUMBER, "task", task_text)
        return
    title = get("task_title")
    if title and plan.tasks.get(task, title) != title:
        yield RowProblem(line, SheetProblem.TASK_TITLE_CONFLICT, "task_title", title)
    elif title:
        plan.tasks[task] = title
    elif task not in plan.tasks:
        yield RowProblem(line, SheetProblem.TASK_TITLE_MISSING, "task_title")
    parsed = parse_measure_number(number)
    if not isinstance(parsed, tuple):
        yield RowProblem(line, SheetProblem.MEASURE_NUMBER, "measure", number)
        return
    if parsed[0] != task:
        yield RowProblem(line, SheetProblem.MEASURE_TASK_MISMATCH, "measure", number)
        return
    number = f"{parsed[0]}.{parsed[1]}"
    texts = {name: get(name) for name in ("content", "term", "executors", LAST_COLUMN)}
    measure = plan.measures.get(number)
    if measure is None:
        if not texts["content"]:
            yield RowProblem(line, SheetProblem.CONTENT_MISSING, "content")
            return
        measure = PlannedMeasure(number, task, parsed[1], texts["content"], texts["term"],
                                 texts["executors"], texts[LAST_COLUMN])
        plan.measures[number] = measure
    elif texts["content"] and texts["content"] != measure.content:
        yield RowProblem(line, SheetProblem.MEASURE_CONFLICT, "content", number)
    yield from _read_amounts(measure, line, get, year_columns)


def _read_amounts(measure: PlannedMeasure, line: int, get, year_columns):
    source_text = get("source")
    amounts = [(year, get(str(year))) for year, _ in year_columns]
    typed = [(year, text) for year, text in amounts if text not in ("", "-", "—")]
    if not source_text:
        if typed:
            yield RowProblem(line, SheetProblem.SOURCE_MISSING, "source")
        return
    source = SOURCE_WORDS.get(source_text.lower())
    if source is None:
        yield RowProblem(line, SheetProblem.SOURCE_UNKNOWN, "source", source_text)
        return
    if any(key[0] is source for key in measure.amounts):
        yield RowProblem(line, SheetProblem.DUPLICATE_SOURCE, "source", source_text)
        return
    for year, text in typed:
        try:
            measure.amounts[(source, year)] = parse_thousands(text)
        except AmountError as error:
            yield RowProblem(line, SheetProblem.AMOUNT, str(year),
                             f"{text} ({error.problem.value})")


def template_rows(
    years: range, tasks: Sequence[tuple[int, str]],
    measures: Sequence[tuple[str, str, str, str, str, dict[FundingSource, dict[int, int]]]],
) -> list[list[str]]:
    """The header and one row per measure and source, filled with what the program holds.

    ``measures`` are (number, content, term, executors, expected results, amounts by
    source and year in kopecks); an empty program gives the header and an example row.
    """
    header = [*TEXT_COLUMNS, *(str(year) for year in years), LAST_COLUMN]
    rows = [header]
    titles = dict(tasks)
    seen_tasks: set[int] = set()
    for number, content, term, executors, results, by_source in measures:
        task = int(number.split(".")[0])
        for index, source in enumerate(by_source or {None: {}}):
            first = index == 0
            rows.append([
                str(task), titles.get(task, "") if task not in seen_tasks else "", number,
                content if first else "", term if first else "", executors if first else "",
                source.value if source else "",
                *(format_thousands(by_source[source][y]) if source and y in by_source[source]
                  else "" for y in years),
                results if first else "",
            ])
            seen_tasks.add(task)
    if len(rows) == 1:
        rows.append(["1", "Сприяння розвитку місцевого самоврядування", "1.1",
                     "Членство в Асоціації міст України", "щорічно",
                     "Секретар міської ради", "city_budget",
                     *(format_thousands(3_400_000) for _ in years),
                     "Підвищення ефективності роботи органів місцевого самоврядування"])
    return rows


def rows_to_csv(rows: Sequence[Sequence[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def rows_to_xlsx(rows: Sequence[Sequence[str]], instructions: Sequence[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "plan"
    for row in rows:
        sheet.append(list(row))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFG", (6, 30, 8, 50, 14, 30, 14), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.number_format = "@"  # text: "34,0" stays as typed, with its decimal comma
    notes = workbook.create_sheet("instructions")
    for line in instructions:
        notes.append([line])
    notes.column_dimensions["A"].width = 120
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
