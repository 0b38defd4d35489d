"""Public program pages: the list, a program, its reports on the page and as files."""

from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.access import guard_blueprint
from portal.db import db_session
from portal.documents import file_or_wait
from portal.i18n import get_locale
from portal.pagecache import public_page, recent
from portal.programs.models import Program
from portal.programs.permissions import can_manage_programs, can_see_program
from portal.refusal import Refused
from portal.reports.jobs import make_report_file
from portal.reports.periods import report_due_date
from portal.reports.records import decision_text, rollup
from portal.reports.renderers.html import STANDALONE_POLICY, document_markup
from portal.reports.services import (
    MIMETYPES,
    WORKER_FORMATS,
    ReportFormat,
    ReportKind,
    ReportSpec,
    build,
    file_digest,
    generate,
)

bp = Blueprint("reports", __name__, url_prefix="/programs")
guard_blueprint(bp, public=["index", "show", "report", "report_file", "document",
                            "document_file"])

bp.add_app_template_global(document_markup, "report_document")

YEARLY = {"annual": (ReportKind.ANNUAL, None), "half-year": (ReportKind.HALF_YEAR, None),
          "plan": (ReportKind.PLAN, None),
          **{f"q{n}": (ReportKind.QUARTER, n) for n in (1, 2, 3, 4)}}
WHOLE_TERM = {"passport": ReportKind.PASSPORT, "appendix": ReportKind.APPENDIX}


def visible_program(program_id: int) -> Program:
    """The program, or 404 when it does not exist or is a draft the reader may not see."""
    program = db_session().get(Program, program_id)
    if program is None or not can_see_program(current_user, program):
        abort(404)
    return program


def _spec(program: Program, kind: str, year: int | None) -> ReportSpec:
    if year is None:
        if kind not in WHOLE_TERM:
            abort(404)
        spec = ReportSpec(WHOLE_TERM[kind])
    else:
        if kind not in YEARLY:
            abort(404)
        report_kind, quarter = YEARLY[kind]
        spec = ReportSpec(report_kind, year, quarter)
    try:
        spec.check(program)
    except Refused:
        abort(404)
    return spec


def _format(fmt: str) -> ReportFormat:
    try:
        return ReportFormat(fmt)
    except ValueError:
        abort(404)


@bp.route("/")
@public_page
def index():
    query = select(Program).order_by(Program.start_year.desc(), Program.title)
    if not can_manage_programs(current_user):
        query = query.where(Program.published.is_(True))
    return render_template("reports/index.html", programs=db_session().scalars(query).all())


@bp.route("/<int:program_id>")
@public_page
def show(program_id: int):
    program = visible_program(program_id)
    quarters = {year: [(n, report_due_date(year, n)) for n in (1, 2, 3, 4)]
                for year in program.years}
    return render_template("reports/show.html", program=program, quarters=quarters,
                           decision=decision_text, rollup=rollup(db_session(), program))


def _built(program: Program, spec: ReportSpec):
    # The report read from the records is plain data, the same for everyone who may see
    # it: kept a few seconds per language (portal.pagecache), as is its page.
    return recent(("report", program.id, spec, str(get_locale())),
                  lambda: build(db_session(), program, spec))


def _page(program: Program, spec: ReportSpec, kind: str, year: int | None):
    built = _built(program, spec)
    return render_template("reports/report.html", program=program, document=built.document,
                           kind=kind, year=year, formats=list(ReportFormat))


def _file(program: Program, spec: ReportSpec, fmt: str):
    chosen = _format(fmt)
    disposition = "inline" if fmt in ("html", "pdf", "json") else "attachment"
    if chosen in WORKER_FORMATS:
        # Made by the worker, once per content: the request only lays the report out.
        locale = str(get_locale())
        document = _built(program, spec).document
        digest = recent(("report file", program.id, spec, locale, chosen),
                        lambda: file_digest(document, chosen))
        filename = f"{document.name}.{chosen.value}"
        return file_or_wait(digest, mimetype=MIMETYPES[chosen], filename=filename,
                            disposition=disposition, make=make_report_file,
                            args=(document, chosen.value, locale, MIMETYPES[chosen], filename),
                            title=document.title)
    output = generate(db_session(), program, spec, chosen)
    response = make_response(output.content)
    response.headers["Content-Type"] = output.mimetype
    response.headers["Content-Disposition"] = f'{disposition}; filename="{output.filename}"'
    if chosen == ReportFormat.HTML:
        response.headers["Content-Security-Policy"] = STANDALONE_POLICY
    return response


@bp.route("/<int:program_id>/reports/<int:year>/<kind>")
@public_page
def report(program_id: int, year: int, kind: str):
    program = visible_program(program_id)
    return _page(program, _spec(program, kind, year), kind, year)


@bp.route("/<int:program_id>/reports/<int:year>/<kind>.<fmt>")
def report_file(program_id: int, year: int, kind: str, fmt: str):
    program = visible_program(program_id)
    return _file(program, _spec(program, kind, year), fmt)


@bp.route("/<int:program_id>/<any(passport, appendix):kind>")
@public_page
def document(program_id: int, kind: str):
    program = visible_program(program_id)
    return _page(program, _spec(program, kind, None), kind, None)


@bp.route("/<int:program_id>/<any(passport, appendix):kind>.<fmt>")
def document_file(program_id: int, kind: str, fmt: str):
    program = visible_program(program_id)
    return _file(program, _spec(program, kind, None), fmt)
