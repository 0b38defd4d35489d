"""The public results page of a cycle: votes, winners and participation."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy.orm import joinedload

from portal.accounts.access import guard_blueprint
from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.db import database, db_session
from portal.results import counting
from portal.voting.permissions import counts_public, vote_over

bp = Blueprint("results", __name__, url_prefix="/voting")
guard_blueprint(bp, public=["page"])


def _cycle(cycle_id: int) -> Cycle:
    """The cycle with its phase extensions in one query (the page needs its phase)."""
    return db_session().get(Cycle, cycle_id,
                            options=[joinedload(Cycle.extensions)]) or abort(404)


def background_session():
    """Sessions for the results' background recount; none under test, where every request
    shares one connection that a second thread must not use."""
    return None if current_app.testing else database().sessionmaker


@bp.route("/<int:cycle_id>/results")
def page(cycle_id: int):
    session = db_session()
    cycle = _cycle(cycle_id)
    now = utcnow()
    visible = counts_public(cycle, now)
    summary = (counting.results_summary(session, cycle, background_session())
               if visible else None)
    return render_template("results/page.html", cycle=cycle, visible=visible,
                           summary=summary, closed=vote_over(cycle, now),
                           stale_seconds=counting.CACHE_SECONDS)


