"""The public results page of a cycle: votes, winners and participation."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from sqlalchemy.orm import joinedload

from portal.accounts.access import guard_blueprint
from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.db import database, db_session
from portal.money import format_number
from portal.pagecache import public_page
from portal.results import chart, counting
from portal.results.comparison import equal_shares_story
from portal.results.messages import reason_label, rule_sentence
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
@public_page
def page(cycle_id: int):
    session = db_session()
    cycle = _cycle(cycle_id)
    now = utcnow()
    # The same for everyone: counted and drawn only when the page's kept copy is made.
    return render_template("results/page.html", cycle=cycle, closed=vote_over(cycle, now),
                           load_results=lambda: _results(session, cycle, now),
                           stale_seconds=counting.CACHE_SECONDS,
                           reason_label=reason_label, rule_sentence=rule_sentence,
                           number=format_number)


def _results(session, cycle: Cycle, now) -> dict:
    """The counts (once the vote allows it), a chart and a money bar per category, and the
    Equal Shares explanation."""
    visible = counts_public(cycle, now)
    summary = (counting.results_summary(session, cycle, background_session())
               if visible else None)
    charts, money_bars, stories, projects = {}, {}, None, {}
    if summary is not None:
        for c in summary.categories:
            charts[c.category.id] = chart.vote_chart([
                chart.Row(f"{line.project.registration_code or ''} {line.project.title}".strip(),
                          line.votes, line.selected) for line in c.lines])
            if c.money is not None:
                money_bars[c.category.id] = chart.money_bar(c.money.spent, c.money.available)
            projects.update({line.project.id: line for line in c.lines})
        stories = equal_shares_story(session, cycle, summary.tally)
    return {"visible": visible, "summary": summary, "charts": charts,
            "money_bars": money_bars, "stories": stories, "projects": projects}
