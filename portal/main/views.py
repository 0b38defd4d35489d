"""The site's front: the home page, every cycle's public page, and the health check.

A cycle's page gathers what each part has to say about it (its calendar and rules, the
projects submitted), so it stands above them all.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template

from portal.clock import utcnow
from portal.cycles.rules import effective_windows
from portal.cycles.services import all_cycles, cycle_with_rules, suspension_history
from portal.db import db_session
from portal.errors import RETRY_AFTER_SECONDS
from portal.health import database_health, redis_health
from portal.projects.queries import category_totals, cycle_counters

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    return render_template("main/index.html")


@bp.route("/healthz")
def health():
    """For load balancers and monitoring: 200 while the database answers, 503 when not."""
    database = database_health()
    up = database["status"] == "up"
    response = jsonify(status="ok" if up else "unavailable", database=database,
                       redis=redis_health(current_app.config["RATELIMIT_STORAGE_URI"]))
    if not up:
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@bp.route("/cycles/")
def cycles():
    now = utcnow()
    return render_template("main/cycles.html", cycles=all_cycles(db_session()),
                           now=now)


@bp.route("/cycles/<int:cycle_id>")
def cycle(cycle_id: int):
    session = db_session()
    cycle = cycle_with_rules(session, cycle_id) or abort(404)
    now = utcnow()
    return render_template(
        "main/cycle.html", cycle=cycle, phase=cycle.phase(now), now=now,
        windows=effective_windows(cycle.calendar, cycle.extension_rules),
        counters=cycle_counters(session, cycle),
        per_category=category_totals(session, cycle),
        suspensions=suspension_history(session, cycle),
        leftover=next((c for c in cycle.categories if c.id == cycle.leftover_to_category_id),
                      None),
    )
