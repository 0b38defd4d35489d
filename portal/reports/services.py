"""Which reports a program has, and producing one in a format: the single road to a report.

The web pages, the downloads, the API and ``flask report`` all call :func:`generate` (or
:func:`build` for the parts they show inline), so every format of a report comes from the
same records read at the same moment.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.programs.models import Program
from portal.refusal import Refused
from portal.reports.annual import annual_data, annual_document
from portal.reports.document import Document
from portal.reports.messages import PROBLEMS
from portal.reports.periods import ReportPeriod, build_period_report
from portal.reports.program_documents import (
    appendix_data,
    appendix_document,
    passport_data,
    passport_document,
    plan_data,
    plan_document,
)
from portal.reports.records import ProgramRecords, load_records
from portal.reports.rules import AnnualReport, build_annual_report
from portal.tenancy.models import Community, signatories_of


class ReportKind(StrEnum):
    ANNUAL = "annual"  # the annual execution report (seeds/000)
    QUARTER = "quarter"  # quarterly, due by the 6th of the next month (seeds/003)
    HALF_YEAR = "half-year"  # six months (seeds/002)
    PLAN = "plan"  # report on the plan of measures (seeds/001)
    APPENDIX = "appendix"  # directions, measures and amounts per year (seeds/004)
    PASSPORT = "passport"  # the program's passport (seeds/003)

    @property
    def needs_year(self) -> bool:
        return self not in (ReportKind.APPENDIX, ReportKind.PASSPORT)


class ReportFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    JSON = "json"
    CSV = "csv"


MIMETYPES = {
    ReportFormat.HTML: "text/html; charset=utf-8",
    ReportFormat.PDF: "application/pdf",
    ReportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.JSON: "application/json",
    ReportFormat.CSV: "text/csv; charset=utf-8",
}


#: The formats the worker makes (``portal.reports.jobs``): seconds each, never in a request.
WORKER_FORMATS = frozenset({ReportFormat.PDF, ReportFormat.DOCX})
#: Raised when a renderer changes what it makes of the same document: old files are not reused.
RENDERERS_VERSION = "1"


@dataclass(frozen=True)
class ReportSpec:
    """Which report: the kind, the year (for yearly kinds) and the quarter (1-4)."""

    kind: ReportKind
    year: int | None = None
    quarter: int | None = None

    def check(self, program: Program) -> None:
        """Refuse (``year_outside_term``, ``bad_quarter``) a report the program cannot have."""
        if self.kind.needs_year and (self.year is None or self.year not in program.years):
            raise Refused(PROBLEMS("year_outside_term"))
        if self.kind is ReportKind.QUARTER and self.quarter not in (1, 2, 3, 4):
            raise Refused(PROBLEMS("bad_quarter"))

    @property
    def period(self) -> ReportPeriod | None:
        if self.kind is ReportKind.QUARTER and self.year and self.quarter:
            return ReportPeriod.quarter(self.year, self.quarter)
        if self.kind is ReportKind.HALF_YEAR and self.year:
            return ReportPeriod.half_year(self.year)
        return None

    def file_name(self, program: Program) -> str:
        parts = [program.code, self.kind.value]
        if self.year is not None:
            parts.append(str(self.year))
        if self.quarter is not None:
            parts.append(f"q{self.quarter}")
        return "-".join(parts)


@dataclass(frozen=True)
class Built:
    """A report laid out for the renderers and the same figures as JSON data."""

    document: Document
    data: dict[str, Any]


def _passport(program: Program) -> dict[str, str]:
    return {key: getattr(program, key) for key in
            ("initiator", "basis", "developer", "participants", "budgets", "goal")}


def _yearly(records: ProgramRecords, spec: ReportSpec) -> AnnualReport:
    """The year's report, with only the period's payments for a periodic report."""
    period = spec.period
    if period is None:
        return build_annual_report(records.program, records.tasks, records.measures,
                                   records.lines, records.indicators, spec.year or 0,
                                   records.execution_texts)
    return build_period_report(records.program, records.tasks, records.measures,
                               records.lines, records.financings, records.indicators,
                               period, records.execution_texts).report


def build(session: Session, program: Program, spec: ReportSpec) -> Built:
    """Read the records and lay the report out."""
    spec.check(program)
    records = load_records(session, program, spec.year if spec.kind.needs_year else None)
    name = spec.file_name(program)
    own, community = program.signatory_list, _community_signatories(session, program)
    signed = own + tuple(s for s in community if s not in own)
    if spec.kind is ReportKind.APPENDIX:
        return Built(appendix_document(records, name=name, signatories=signed),
                     appendix_data(records, program_id=program.id))
    if spec.kind is ReportKind.PASSPORT:
        passport = _passport(program)
        return Built(passport_document(records, passport, name=name, signatories=signed),
                     passport_data(records, passport, program_id=program.id))
    report = _yearly(records, spec)
    if spec.kind is ReportKind.PLAN:
        return Built(plan_document(records, report, name=name, signatories=signed),
                     plan_data(records, report, program_id=program.id))
    return Built(
        annual_document(records, report, name=name, period=spec.period, quarter=spec.quarter,
                        signatories=signed, note_signatories=own or community[:1]),
        annual_data(records, report, program_id=program.id, code=program.code,
                    period=spec.period, quarter=spec.quarter),
    )


def _community_signatories(session: Session,
                           program: Program) -> tuple[tuple[str, str], ...]:
    """Who signs the program's documents after its own signatories (the responsible
    executor's, ``Program.signatories``): its community's. The explanatory note is the
    executor's alone, or the community's first signatory's when the program has none."""
    table = Community.__table__
    raw = session.execute(select(table.c.signatories)
                          .where(table.c.id == program.community_id)).scalar_one_or_none()
    return signatories_of(raw)


def to_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _renderer(fmt: ReportFormat) -> Callable[[Built], bytes]:
    if fmt is ReportFormat.JSON:
        return lambda built: to_json(built.data)
    if fmt is ReportFormat.HTML:
        from portal.reports.renderers.html import render_html_bytes

        return lambda built: render_html_bytes(built.document)
    if fmt is ReportFormat.PDF:
        from portal.reports.renderers.pdf import render_pdf

        return lambda built: render_pdf(built.document)
    if fmt is ReportFormat.DOCX:
        from portal.reports.renderers.docx import render_docx

        return lambda built: render_docx(built.document)
    if fmt is ReportFormat.XLSX:
        from portal.reports.renderers.xlsx import render_xlsx

        return lambda built: render_xlsx(built.document)
    from portal.reports.renderers.csv import render_csv

    return lambda built: render_csv(built.document)


@dataclass(frozen=True)
class Output:
    content: bytes
    mimetype: str
    filename: str


def generate(session: Session, program: Program, spec: ReportSpec, fmt: ReportFormat) -> Output:
    """The report in ``fmt``, ready to send or to write to a file."""
    built = build(session, program, spec)
    return Output(_renderer(fmt)(built), MIMETYPES[fmt],
                  f"{built.document.name}.{fmt.value}")


def file_digest(document: Document, fmt: ReportFormat) -> str:
    """What a report's file is made from, as a digest: its content (the printable HTML, which
    holds every word and figure), the format, the stylesheet and the renderers' version."""
    from portal.documents import digest_of
    from portal.reports.renderers.html import render_html
    from portal.reports.renderers.pdf import STATIC

    return digest_of("report", fmt.value, RENDERERS_VERSION, STATIC.read_bytes(),
                     render_html(document, for_pdf=True))
