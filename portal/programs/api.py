"""The report as open data: ``GET /api/v1/programs/<id>/reports/<year>``.

The body is exactly ``flask report annual PROGRAM YEAR --format json``. The voting part
owns the rest of ``/api/v1`` and its OpenAPI document; ``openapi.py`` describes this
endpoint for it to merge.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort
from flask_babel import force_locale

from portal.access import guard_blueprint
from portal.db import db_session
from portal.programs.reports import (
    ReportFormat,
    ReportKind,
    ReportRequestError,
    ReportSpec,
    generate,
)
from portal.programs.views import visible_program

api = Blueprint("api_programs", __name__, url_prefix="/api/v1")
guard_blueprint(api, public=["annual_report"])


@api.route("/programs/<int:program_id>/reports/<int:year>")
def annual_report(program_id: int, year: int):
    program = visible_program(program_id)
    spec = ReportSpec(ReportKind.ANNUAL, year)
    try:
        spec.check(program)
    except ReportRequestError:
        abort(404)
    # Open data speaks the report's own language, whatever the caller's browser says.
    with force_locale("uk"):
        output = generate(db_session(), program, spec, ReportFormat.JSON)
    return Response(output.content, mimetype="application/json")
