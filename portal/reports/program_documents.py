"""The program's own documents: the plan-of-measures report, the funding appendix, the passport.

* the plan-of-measures report (Luhansk, ``seeds/001``): per measure its term and what was
  done in the year, a lighter form than the annual report;
* the appendix of directions and measures with amounts per year (Korosten, ``seeds/004``),
  computed by :mod:`portal.reports.funding_plan` from the funding lines;
* the passport (Nizhyn, ``seeds/003``), whose total funding is the sum of the lines.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from portal.i18n import _
from portal.money import KOPECKS_PER_THOUSAND, format_thousands, machine_decimal
from portal.programs.messages import source_label
from portal.reports import document
from portal.reports.annual import money_cell
from portal.reports.document import Cell, Document, Paragraph, Row, RowKind, Style, Table
from portal.reports.funding_plan import FundingPlan, build_funding_plan, format_year_amounts
from portal.reports.labels import term_text
from portal.reports.records import ProgramRecords
from portal.reports.rules import AnnualReport

Signatures = tuple[tuple[str, str], ...]


def plan_document(records: ProgramRecords, report: AnnualReport, *, name: str,
                  signatories: Signatures = ()) -> Document:
    """The report on the plan of measures: measure, term, result; tasks as group rows."""
    header = Row(tuple(Cell(t) for t in (
        _("No."), _("Measure"), _("Term"), _("Result of execution"))))
    rows: list[Row] = []
    for task_row in report.tasks:
        rows.append(Row((Cell(f"{task_row.task.number}. {task_row.task.title}", span=4),),
                        RowKind.GROUP))
        rows.extend(
            Row((Cell(row.measure.number), Cell(row.measure.content), Cell(row.measure.term),
                 Cell(row.execution_text)))
            for row in task_row.measures
        )
    blocks = (
        Paragraph(_("REPORT ON THE EXECUTION OF THE PLAN OF MEASURES"), Style.TITLE),
        Paragraph(_("of the program “%(title)s” in %(year)d", title=records.program.title,
                    year=report.year), Style.SUBTITLE),
        Table("", (header,), tuple(rows), (7, 44, 14, 35)),
        *document.signatures(signatories),
    )
    return Document(title=_("Plan of measures: execution in %(year)d", year=report.year),
                    name=name, blocks=blocks, landscape=False)


def plan_data(records: ProgramRecords, report: AnnualReport, *, program_id: int) -> dict:
    return {
        "report": "plan",
        "program": {"id": program_id, "title": records.program.title},
        "year": report.year,
        "tasks": [
            {"number": t.task.number, "title": t.task.title, "measures": [
                {"number": r.measure.number, "content": r.measure.content,
                 "term": r.measure.term, "result": r.execution_text}
                for r in t.measures]}
            for t in report.tasks
        ],
    }


def funding_plan(records: ProgramRecords) -> FundingPlan:
    return build_funding_plan(records.program, records.measures, records.lines)


def appendix_document(records: ProgramRecords, *, name: str,
                      signatories: Signatures = ()) -> Document:
    """Directions and measures with indicative amounts per year, Korosten's appendix."""
    plan = funding_plan(records)
    rows_by_measure: dict[str, list] = {}
    for row in plan.rows:
        rows_by_measure.setdefault(row.measure.number, []).append(row)
    header = Row(tuple(Cell(t) for t in (
        _("No."), _("Direction (priority task)"), _("Measures"), _("Term"), _("Executors"),
        _("Sources of funding"), _("Indicative funding, thousand UAH"),
        _("Expected results"))))
    rows: list[Row] = []
    for task in records.tasks:
        measures = [m for m in records.measures if m.task_number == task.number]
        lead = (Cell(f"{task.number}.", rows=max(len(measures), 1)),
                Cell(task.title, rows=max(len(measures), 1)))
        if not measures:
            rows.append(Row(lead + tuple(Cell() for _ in range(6))))
        for index, measure in enumerate(measures):
            lines = rows_by_measure.get(measure.number, [])
            sources = "\n".join(source_label(line.source) for line in lines)
            amounts = "\n".join(format_year_amounts(line.by_year) for line in lines)
            # Numbered within its direction, as the appendix does: "1.Членство ...".
            cells = (
                Cell(f"{measure.number.partition('.')[2]}. {measure.content}"),
                Cell(measure.term),
                Cell(measure.executors),
                Cell(sources or _("No funding needed")), Cell(amounts),
                Cell(records.expected_results.get(measure.number, "")),
            )
            rows.append(Row((lead if index == 0 else ()) + cells))
    rows.append(Row((Cell(_("Total:"), span=6), Cell(format_year_amounts(plan.by_year)),
                     Cell()), RowKind.TOTAL))
    rows.append(Row((Cell(_("Total over the term:"), span=6), money_cell(plan.total), Cell()),
                    RowKind.TOTAL))
    blocks = (
        Paragraph(_("Directions and measures of the program"), Style.TITLE),
        Paragraph(records.program.title, Style.SUBTITLE),
        Table("", (header,), tuple(rows), (5, 14, 24, 8, 14, 10, 12, 13)),
        *document.signatures(signatories),
    )
    return Document(title=_("Appendix: directions, measures and funding"), name=name,
                    blocks=blocks)


def appendix_data(records: ProgramRecords, *, program_id: int) -> dict[str, Any]:
    plan = funding_plan(records)
    return {
        "report": "appendix",
        "program": {"id": program_id, "title": records.program.title,
                    "start_year": records.program.start_year,
                    "end_year": records.program.end_year},
        "rows": [
            {"measure": row.measure.number, "source": row.source.value,
             "by_year": {str(year): {"kopecks": amount, "amount": format_thousands(amount)}
                         for year, amount in row.by_year},
             "total_kopecks": row.total}
            for row in plan.rows
        ],
        "unfunded": [m.number for m in plan.unfunded],
        "by_year": {str(year): {"kopecks": amount, "amount": format_thousands(amount)}
                    for year, amount in plan.by_year},
        "total_kopecks": plan.total,
        "total": format_thousands(plan.total),
    }


def passport_items(records: ProgramRecords, passport: dict[str, str]) -> list[tuple[str, str]]:
    """The passport's numbered items in the order of Nizhyn's program."""
    plan = funding_plan(records)
    program = records.program
    return [
        (_("Initiator of the program"), passport["initiator"]),
        (_("Act on which the program is based"), passport["basis"]),
        (_("Developer of the program"), passport["developer"]),
        (_("Responsible executor"), program.responsible_executor),
        (_("Participants of the program"), passport["participants"]),
        (_("Term of the program"), term_text(program.start_year, program.end_year)),
        (_("Budgets taking part in the program"), passport["budgets"]),
        (_("Total funding needed, thousand UAH"),
         f"{format_thousands(plan.total)} ({format_year_amounts(plan.by_year)})"),
    ]


def passport_document(records: ProgramRecords, passport: dict[str, str], *,
                      name: str, signatories: Signatures = ()) -> Document:
    items = passport_items(records, passport)
    rows = tuple(Row((Cell(f"{n}."), Cell(label), Cell(value)))
                 for n, (label, value) in enumerate(items, start=1))
    blocks: list[Any] = [
        Paragraph(_("PASSPORT OF THE PROGRAM"), Style.TITLE),
        Paragraph(records.program.title, Style.SUBTITLE),
        Paragraph(_("Approved by %(approval)s", approval=records.program.approval), Style.META),
    ]
    blocks.extend(Paragraph(_("Amended by %(amendment)s", amendment=a), Style.META)
                  for a in records.program.amendments)
    blocks.append(Table("", (), rows, (6, 40, 54)))
    if passport.get("goal"):
        blocks.append(Paragraph(_("Goal of the program"), Style.HEADING))
        blocks.append(Paragraph(passport["goal"]))
    blocks.extend(document.signatures(signatories))  # seeds/003 and 004 end so
    return Document(title=_("Passport of the program"), name=name, blocks=tuple(blocks),
                    landscape=False)


def passport_data(records: ProgramRecords, passport: dict[str, str], *,
                  program_id: int) -> dict[str, Any]:
    plan = funding_plan(records)
    return {
        "report": "passport",
        "program": {"id": program_id, "title": records.program.title,
                    "approval": records.program.approval,
                    "amendments": list(records.program.amendments),
                    "responsible_executor": records.program.responsible_executor,
                    "start_year": records.program.start_year,
                    "end_year": records.program.end_year, **passport},
        "total_kopecks": plan.total,
        "total": format_thousands(plan.total),
        "total_thousands": machine_decimal(Decimal(plan.total) / KOPECKS_PER_THOUSAND),
    }
