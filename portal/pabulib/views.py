"""The research format on the web: a closed vote's anonymous ballots as .pb.

One category gives one .pb file; several give a zip of one .pb per category
(``export.export_cycle``). While the vote is open the page says that the ballots are
published at the close, and nothing is sent.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask_babel import gettext as _

from portal.accounts.access import guard_blueprint
from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.db import db_session
from portal.pabulib.export import VoteOpen, as_zip, export_cycle

bp = Blueprint("pabulib", __name__, url_prefix="/voting")
guard_blueprint(bp, public=["export"])


def _cycle(cycle_id: int) -> Cycle:
    return db_session().get(Cycle, cycle_id) or abort(404)


@bp.route("/<int:cycle_id>/ballots.pb")
def export(cycle_id: int):
    session = db_session()
    cycle = _cycle(cycle_id)
    try:
        files = export_cycle(session, cycle, now=utcnow())
    except VoteOpen:
        page = render_template(
            "errors/error.html", code=403, title=_("Not published yet"),
            message=_("The ballots of this vote are published when the vote closes, and its "
                      "results when the commission approves them."), database_down=False)
        return page, 403
    if len(files) == 1:
        (text,) = files.values()
        return Response(text, content_type="text/plain; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="cycle-{cycle.id}.pb"'})
    return Response(as_zip(files), content_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="cycle-{cycle.id}-pb.zip"'})
