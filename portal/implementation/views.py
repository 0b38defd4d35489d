"""Public implementation pages: every funded winner's progress, with a map. The staff's
pages are in ``staff.py``."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    render_template,
    url_for,
)
from flask_login import current_user

from portal.accounts.access import guard_blueprint
from portal.db import db_session, get_or_404
from portal.implementation import services
from portal.implementation.messages import STATUS_BADGES, status_label
from portal.implementation.models import UpdatePhoto
from portal.implementation.rules import prozorro_url
from portal.programs.models import FundingLine
from portal.programs.permissions import can_see_program
from portal.projects.views import upload_store
from portal.uploads import AttachmentKind, serve

bp = Blueprint("implementation", __name__, url_prefix="/implementation")
guard_blueprint(bp, public=["index", "map_data", "show", "photo"])

@bp.app_context_processor
def implementation_words() -> dict:
    return {"status_label": status_label, "status_badges": STATUS_BADGES,
            "prozorro_url": prozorro_url}


def _public_line(line_id: int) -> FundingLine:
    line = db_session().get(FundingLine, line_id)
    if line is None or line.project is None or not can_see_program(
            current_user, line.measure.task.program):
        abort(404)
    return line


@bp.route("/")
def index():
    rows = services.winners_progress(db_session())
    config = current_app.config
    return render_template("implementation/index.html", rows=rows,
                           tile_url=config.get("MAP_TILE_URL", ""),
                           tile_attribution=config.get("MAP_TILE_ATTRIBUTION", ""))


@bp.route("/map.json")
def map_data():
    """Points for the map (the format ``static/js/map.js`` draws)."""
    return {"projects": [
        {"id": row.line.id, "code": row.project.registration_code or "",
         "title": f"{row.project.title} — {status_label(row.status)}, {row.progress} %",
         "lat": float(row.project.latitude), "lon": float(row.project.longitude),
         "url": url_for("implementation.show", line_id=row.line.id)}
        for row in services.winners_progress(db_session())
        if row.project.latitude is not None
    ]}


@bp.route("/<int:line_id>")
def show(line_id: int):
    line = _public_line(line_id)
    return render_template("implementation/show.html", line=line, project=line.project,
                           record=line.implementation)


@bp.route("/photos/<int:photo_id>")
def photo(photo_id: int):
    found = get_or_404(UpdatePhoto, photo_id)
    _public_line(found.update.implementation.line_id)
    return serve(upload_store(), stored_name=found.stored_name,
                 content_type=found.content_type, kind=AttachmentKind.PHOTO,
                 original_name=found.original_name)
