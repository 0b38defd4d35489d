"""The annual and periodic execution report, laid out the way Bakhmut's report is (seeds/000).

Heading (program, approving decision and amendments, responsible executor, term); table 1
per task and measure with the year's planned funding by source, what was financed, the
percentage and the execution text, closed by the totals for all sources, the city budget
and other sources; table 2 the indicators by group; section 3 the overall percentage.
A periodic report (quarter, half-year) is the same table with the payments of the period.

:func:`annual_document` lays it out for the renderers and :func:`annual_data` gives the
same figures as JSON (the API and ``--format json``); both read one computed report.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from portal.i18n import _, ngettext
from portal.money import (
    KOPECKS_PER_THOUSAND,
    format_number,
    format_thousands,
    machine_decimal,
)
from portal.programs.messages import source_label
from portal.programs.rules import FundingSource, IndicatorBasis
from portal.reports.document import (
    Cell,
    Document,
    Paragraph,
    Row,
    RowKind,
    Style,
    Table,
    signatures,
)
from portal.reports.labels import figure_note_text, group_heading, percent_text, term_text
from portal.reports.narrative import effectiveness_paragraphs, genitive_title, note_blocks
from portal.reports.periods import ReportPeriod, report_due_date
from portal.reports.records import ProgramRecords
from portal.reports.rules import Amounts, AnnualReport, IndicatorRow, MeasureRow

DASH = "—"
TABLE_1_WIDTHS = (5, 12, 20, 8, 14, 11, 12, 9, 19)
TABLE_2_WIDTHS = (5, 29, 8, 10, 10, 9, 18, 13)


def money_cell(kopecks: int, label: str = "") -> Cell:
    text = format_thousands(kopecks)
    return Cell(f"{text}\n{label}" if label else text, Decimal(kopecks) / KOPECKS_PER_THOUSAND,
                numeric=True, label=label)


def percent_cell(value: Decimal | None) -> Cell:
    """A percentage; a spreadsheet shows it as printed, "110" or "92,8" (places=0: no fixed
    decimals)."""
    return Cell(percent_text(value), value, places=0, numeric=True)


def figure_text(value: Decimal | None, basis: IndicatorBasis) -> str:
    """Indicator figures: thousands of hryvnias with one decimal, counts as they are."""
    if value is None:
        return ""
    if basis is IndicatorBasis.TOTAL_FUNDING:
        return format_number(value, places=1)
    return format_number(value.normalize())


def _sources_cell(row: MeasureRow, attribute: str) -> Cell:
    """The amounts of a measure from each source, one under another ("5,0\nМіський бюджет"),
    each a figure of its own for spreadsheets."""
    if not row.funded:
        return Cell(DASH, numeric=True)
    parts = tuple(money_cell(getattr(amounts, attribute), source_label(source))
                  for source, amounts in row.by_source)
    if len(parts) == 1:
        return parts[0]
    return Cell("\n\n".join(part.text for part in parts), numeric=True, parts=parts)


def _report_names(report: AnnualReport, period: ReportPeriod | None,
                  quarter: int | None) -> tuple[str, str]:
    """The document's title and the heading's subtitle, both naming the period: a quarterly
    report is not titled as the annual one."""
    year = report.year
    if period is None:
        return (_("Report on the execution of the program in %(year)d", year=year),
                _("on the execution of the program in %(year)d", year=year))
    if quarter is not None:
        return (_("Report on the execution of the program in quarter %(quarter)d of %(year)d",
                  quarter=quarter, year=year),
                _("on the execution of the program in quarter %(quarter)d of %(year)d",
                  quarter=quarter, year=year))
    months = period.end.month
    return (_("Report on the execution of the program in %(months)d months of %(year)d",
              months=months, year=year),
            _("on the execution of the program in %(months)d months of %(year)d",
              months=months, year=year))


def _heading_blocks(records: ProgramRecords, report: AnnualReport,
                    period: ReportPeriod | None, quarter: int | None) -> list[Paragraph]:
    program = records.program
    approval = program.approval
    if program.amendments:
        approval = _("%(approval)s, as amended by %(amendments)s", approval=approval,
                     amendments="; ".join(program.amendments))
    blocks = [
        Paragraph(_("REPORT"), Style.TITLE),
        Paragraph(_report_names(report, period, quarter)[1], Style.SUBTITLE),
        Paragraph(genitive_title(program.title), Style.SUBTITLE),
    ]
    # What the program's records do not say is left out rather than printed empty.
    if program.approval:
        blocks.append(Paragraph(_("Date and number of the decision approving the program: "
                                  "%(approval)s", approval=approval), Style.META))
    if program.responsible_executor:
        blocks.append(Paragraph(_("Responsible executor of the program: %(executor)s",
                                  executor=program.responsible_executor), Style.META))
    blocks.append(Paragraph(_("Term of the program: %(term)s",
                              term=term_text(program.start_year, program.end_year)),
                            Style.META))
    if period is not None:
        blocks.append(Paragraph(
            _("Reporting period: %(start)s – %(end)s; payments dated within it.",
              start=f"{period.start:%d.%m.%Y}", end=f"{period.end:%d.%m.%Y}"), Style.META))
    if quarter is not None:
        due = report_due_date(report.year, quarter)
        blocks.append(Paragraph(
            _("Executors report by %(due)s (the 6th of the month after the quarter).",
              due=f"{due:%d.%m.%Y}"), Style.META))
    return blocks


def _table_1(report: AnnualReport, financed_label: str) -> Table:
    header = Row(tuple(Cell(text) for text in (
        _("No."), _("Priority tasks"), _("Measures"), _("Term"), _("Executors"),
        _("Annual funding, thousand UAH"), financed_label, _("Execution, %"),
        _("Information on execution or reasons for non-execution"),
    )))
    rows: list[Row] = []
    for task_row in report.tasks:
        measures = task_row.measures or ()
        span = max(len(measures), 1)
        lead = (Cell(str(task_row.task.number), rows=span),
                Cell(task_row.task.title, rows=span))
        if not measures:
            rows.append(Row(lead + tuple(Cell() for _ in range(7))))
        for index, row in enumerate(measures):
            cells = (
                Cell(f"{row.measure.number}. {row.measure.content}"),
                Cell(row.measure.term),
                Cell(row.measure.executors),
                _sources_cell(row, "planned"),
                _sources_cell(row, "financed"),
                percent_cell(row.amounts.percent) if row.funded else Cell(DASH, numeric=True),
                Cell(row.execution_text),
            )
            rows.append(Row((lead if index == 0 else ()) + cells))
    for label, amounts in (
        (_("Total:"), report.total),
        (_("including the city budget:"), report.total_city_budget),
        (_("other sources:"), report.total_other),
    ):
        rows.append(Row((Cell(label, span=5), money_cell(amounts.planned),
                         money_cell(amounts.financed), percent_cell(amounts.percent), Cell()),
                        RowKind.TOTAL))
    return Table(_("1. Execution of the program's measures"), (header,), tuple(rows),
                 TABLE_1_WIDTHS)


def _indicator_cells(number: int, row: IndicatorRow) -> tuple[Cell, ...]:
    basis = row.indicator.basis
    places = 1 if basis is IndicatorBasis.TOTAL_FUNDING else 3
    return (
        Cell(f"{number}."),
        Cell(row.indicator.name),
        Cell(row.indicator.unit),
        Cell(figure_text(row.planned, basis), row.planned, places=places, numeric=True),
        Cell(figure_text(row.actual, basis), row.actual, places=places, numeric=True),
        percent_cell(row.percent),
        Cell(row.indicator.reasons),
        Cell(row.indicator.remedies),
    )


def _table_2(report: AnnualReport) -> Table:
    header = Row(tuple(Cell(text) for text in (
        _("No."), _("Indicator"), _("Unit"), _("Planned value"), _("Actual value"),
        _("Execution, %"), _("Reasons for non-execution"), _("What was done to remedy it"),
    )))
    rows: list[Row] = []
    for group, group_rows in report.indicators:
        rows.append(Row((Cell(group_heading(group), span=8),), RowKind.GROUP))
        rows.extend(Row(_indicator_cells(n, row)) for n, row in enumerate(group_rows, start=1))
    return Table(_("2. Performance indicators of the program"), (header,), tuple(rows),
                 TABLE_2_WIDTHS)


def report_notes(records: ProgramRecords) -> list[str]:
    """What the reader should know about the figures: computed indicators without their
    records, and participatory-budget winners the records do not yet account for."""
    notes = [figure_note_text(note) for note in records.figure_notes]
    notes += [ngettext(
        "%(num)d winner of the participatory budget is neither implemented nor "
        "reported as not financed.",
        "%(num)d winners of the participatory budget are neither implemented nor "
        "reported as not financed.", facts.unaccounted)
        for facts in records.cycles if facts.unaccounted]
    return notes


def annual_document(
    records: ProgramRecords, report: AnnualReport, *, name: str,
    period: ReportPeriod | None = None, quarter: int | None = None,
    signatories: tuple[tuple[str, str], ...] = (),
    note_signatories: tuple[tuple[str, str], ...] = (),
) -> Document:
    """Lay out the annual report, or the periodic one when ``period`` is given, signed by
    ``signatories`` (position, name); the annual report is followed by its explanatory
    note, signed by ``note_signatories``."""
    financed_label = _("Financed in the reporting period, thousand UAH")
    blocks: list[Any] = _heading_blocks(records, report, period, quarter)
    blocks.append(_table_1(report, financed_label))
    if report.indicators:
        blocks.append(_table_2(report))
    blocks.extend(Paragraph(note, Style.NOTE) for note in report_notes(records))
    blocks.append(Paragraph(_("3. Assessment of the program's effectiveness"), Style.HEADING))
    blocks.extend(effectiveness_paragraphs(records, report, with_note=period is None))
    # The responsible executor signs, then the community's signatories (seeds/000).
    blocks.extend(signatures(signatories))
    if period is None:
        blocks.extend(note_blocks(records, report, note_signatories))
    title = _report_names(report, period, quarter)[0]
    return Document(title=title, name=name, blocks=tuple(blocks),
                    meta={"program": records.program.title})


def amounts_data(amounts: Amounts) -> dict[str, Any]:
    """Amounts as JSON: exact kopecks, and the figures as the report prints them."""
    return {
        "planned_kopecks": amounts.planned,
        "financed_kopecks": amounts.financed,
        "planned": format_thousands(amounts.planned),
        "financed": format_thousands(amounts.financed),
        "percent": None if amounts.percent is None else percent_text(amounts.percent),
    }


def _measure_data(row: MeasureRow) -> dict[str, Any]:
    return {
        "number": row.measure.number,
        "content": row.measure.content,
        "term": row.measure.term,
        "executors": row.measure.executors,
        "funded": row.funded,
        "sources": [{"source": source.value, **amounts_data(amounts)}
                    for source, amounts in row.by_source],
        **amounts_data(row.amounts),
        "execution_text": row.execution_text,
    }


def _indicator_data(row: IndicatorRow) -> dict[str, Any]:
    basis = row.indicator.basis
    return {
        "name": row.indicator.name,
        "unit": row.indicator.unit,
        "computed": basis is IndicatorBasis.TOTAL_FUNDING,
        "planned": figure_text(row.planned, basis),
        "actual": figure_text(row.actual, basis) if row.actual is not None else None,
        "planned_value": machine_decimal(row.planned),
        "actual_value": None if row.actual is None else machine_decimal(row.actual),
        "percent": None if row.percent is None else percent_text(row.percent),
        "reasons": row.indicator.reasons,
        "remedies": row.indicator.remedies,
    }


def annual_data(
    records: ProgramRecords, report: AnnualReport, *, program_id: int, code: str,
    period: ReportPeriod | None = None, quarter: int | None = None,
) -> dict[str, Any]:
    """The report as JSON: every figure both exact and as printed."""
    program = records.program
    by_source = report.by_source
    return {
        "report": "annual" if period is None else ("quarter" if quarter else "period"),
        "program": {
            "id": program_id,
            "code": code,
            "title": program.title,
            "approval": program.approval,
            "amendments": list(program.amendments),
            "responsible_executor": program.responsible_executor,
            "start_year": program.start_year,
            "end_year": program.end_year,
        },
        "year": report.year,
        "period": None if period is None else {
            "start": period.start.isoformat(), "end": period.end.isoformat(),
            "quarter": quarter,
            "due": report_due_date(report.year, quarter).isoformat() if quarter else None,
        },
        "units": {"amounts": "thousand UAH, one decimal, decimal comma",
                  "kopecks": "1/100 UAH", "percent": "one decimal, decimal comma"},
        "tasks": [
            {"number": task.task.number, "title": task.task.title,
             **amounts_data(task.amounts),
             "measures": [_measure_data(row) for row in task.measures]}
            for task in report.tasks
        ],
        "totals": {
            "all": amounts_data(report.total),
            "city_budget": amounts_data(report.total_city_budget),
            "other": amounts_data(report.total_other),
            "by_source": {s.value: amounts_data(by_source[s]) for s in FundingSource},
        },
        "indicators": [
            {"group": group.value, "rows": [_indicator_data(row) for row in rows]}
            for group, rows in report.indicators
        ],
        "effectiveness": percent_text(report.effectiveness),
        "notes": report_notes(records),
    }
