"""The research format on the web: a closed vote's anonymous ballots as a .pb file."""

from __future__ import annotations

from flask import Blueprint, Response, abort

from portal.accounts.access import guard_blueprint
from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.db import db_session
from portal.pabulib.research import export_cycle
from portal.voting.permissions import vote_over

bp = Blueprint("pabulib", __name__, url_prefix="/voting")
guard_blueprint(bp, public=["export"])


def _cycle(cycle_id: int) -> Cycle:
    return db_session().get(Cycle, cycle_id) or abort(404)


@bp.route("/<int:cycle_id>/ballots.pb")
def export(cycle_id: int):
    session = db_session()
    cycle = _cycle(cycle_id)
    if not vote_over(cycle, utcnow()):
        abort(404)
    text = export_cycle(session, cycle)
    return Response(text, content_type="text/plain; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="cycle-{cycle.id}.pb"'})
