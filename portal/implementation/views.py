"""Public implementation pages: every approved winner's progress, with a map, from the
approval on (a winner not funded yet is "planned"; see ``services``). A winner's page is
``/implementation/<project id>``, the same number as its project page. The staff's pages
are in ``staff.py``."""

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
from portal.implementation.messages import CONTRADICTIONS, STATUS_BADGES, status_label
from portal.implementation.models import UpdatePhoto
from portal.implementation.rules import prozorro_url
from portal.pagecache import public_page
from portal.programs.permissions import can_manage_programs
from portal.projects.views import upload_store
from portal.uploads import AttachmentKind, serve

bp = Blueprint("implementation", __name__, url_prefix="/implementation")
guard_blueprint(bp, public=["index", "map_data", "show", "photo"])

@bp.app_context_processor
def implementation_words() -> dict:
    return {"status_label": status_label, "status_badges": STATUS_BADGES,
            "prozorro_url": prozorro_url, "implementation_flags": implementation_flags}


def implementation_flags(line) -> list[str]:
    """What a staff screen says about the line's status, progress and money disagreeing."""
    return [str(CONTRADICTIONS[found]) for found in services.line_contradictions(line)]


def _winners():
    return services.winners_progress(db_session(), show_drafts=can_manage_programs(current_user))


def _winner(project_id: int) -> services.WinnerProgress:
    found = services.winner_progress(db_session(), project_id,
                                     show_drafts=can_manage_programs(current_user))
    if found is None:
        abort(404)
    return found


@bp.route("/")
@public_page
def index():
    config = current_app.config
    return render_template("implementation/index.html", load_rows=_winners,
                           drafts_shown=can_manage_programs(current_user),
                           tile_url=config.get("MAP_TILE_URL", ""),
                           tile_attribution=config.get("MAP_TILE_ATTRIBUTION", ""))


@bp.route("/map.json")
def map_data():
    """Points for the map (the format ``static/js/map.js`` draws)."""
    return {"projects": [
        {"id": row.project.id, "code": row.project.registration_code or "",
         "title": f"{row.project.title} — {status_label(row.status)}, {row.progress} %",
         "lat": float(row.project.latitude), "lon": float(row.project.longitude),
         "url": url_for("implementation.show", project_id=row.project.id)}
        for row in _winners()
        if row.project.latitude is not None
    ]}


@bp.route("/<int:project_id>")
@public_page
def show(project_id: int):
    winner = _winner(project_id)
    return render_template("implementation/show.html", winner=winner, line=winner.line,
                           project=winner.project, record=winner.record,
                           drafts_shown=can_manage_programs(current_user),
                           read_updates=lambda: services.read_updates(db_session(),
                                                                      winner.record))


@bp.route("/photos/<int:photo_id>")
def photo(photo_id: int):
    found = get_or_404(UpdatePhoto, photo_id)
    line = found.update.implementation.line
    if line.project_id is None or _winner(line.project_id).record is None:
        abort(404)
    return serve(upload_store(), stored_name=found.stored_name,
                 content_type=found.content_type, kind=AttachmentKind.PHOTO,
                 original_name=found.original_name)
