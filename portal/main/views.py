"""The site's front: the home page, every cycle's public page, and the health check.

A cycle's page gathers what each part has to say about it (its calendar and rules, the
projects submitted, the results and the board once the vote is over), so it stands above
them all. Both pages offer the one action of a cycle's phase through ``cycle_step`` (the
logic is ``portal.main.phase``); the project page asks the same global for its way to
the vote, and ``project_afterwards`` for what became of it after the vote.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal.accounts.access import login_redirect
from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.cycles.rules import Phase, effective_windows
from portal.cycles.services import all_cycles, cycle_with_rules, suspension_history
from portal.db import db_session
from portal.errors import RETRY_AFTER_SECONDS
from portal.forms import ActionForm
from portal.health import database_health, redis_health
from portal.main import front
from portal.main.phase import Action, DeadlineKind, Step
from portal.money import format_number
from portal.notifications import services as notices
from portal.notifications.rules import FollowTarget
from portal.notifications.views import change_following
from portal.pagecache import public_page, recent
from portal.parsing import page_arg
from portal.projects.queries import Filters, category_totals, cycle_counters, public_projects
from portal.projects.rules import ProjectStatus
from portal.tenancy.routing import current_place
from portal.voting.permissions import VOTE_OVER

bp = Blueprint("main", __name__)

#: Cards shown on a cycle's page; the list of projects has them all.
CYCLE_CARDS = 12


@bp.app_context_processor
def front_words() -> dict:
    return {"Action": Action, "DeadlineKind": DeadlineKind}


@bp.app_template_filter("grouped")
def grouped_filter(value: int) -> str:
    """A count with its thousands grouped: ``19 500``."""
    return format_number(value)


@bp.app_template_global()
def cycle_step(cycle) -> Step:
    """The phase, deadline and action of ``cycle`` for the signed-in visitor."""
    found = front.visitors(db_session(), current_user, [cycle])
    return front.step_of(cycle, found[cycle.id], utcnow())


@bp.app_template_global()
def project_afterwards(project) -> front.Afterwards | None:
    """The vote's result, funding and implementation of a project the vote has decided."""
    if project.status not in (ProjectStatus.WINNER, ProjectStatus.NOT_SELECTED):
        return None
    return front.afterwards(db_session(), project)


@bp.route("/")
@public_page
def index():
    session = db_session()
    now = utcnow()
    if current_place() is None:  # the platform's own front page
        page, query = page_arg(), request.args.get("q", "")
        return render_template("main/platform.html", now=now, query=query,
                               load_communities=lambda: front.communities(
                                   session, now, page=page, query=query))
    cycles = front.home_cycles(_glances(session), now)
    return render_template("main/index.html", steps=front.steps(session, current_user, cycles,
                                                                   now),
                           load_figures=lambda: front.figures(session, now),
                           load_updates=lambda: front.latest_updates(session), now=now)


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
@public_page
def cycles():
    session = db_session()
    return render_template("main/cycles.html", steps=front.steps(
        session, current_user, all_cycles(session), utcnow()))


@bp.route("/cycles/<int:cycle_id>")
@public_page
def cycle(cycle_id: int):
    session = db_session()
    now = utcnow()
    glance = next((g for g in _glances(session) if g.id == cycle_id), None)
    if glance is None:  # no such cycle, or one made in the last few seconds
        glance = front.glances([cycle_with_rules(session, cycle_id) or abort(404)])[0]
    visitor = front.visitors(session, current_user, [glance])[glance.id]
    step = front.step_of(glance, visitor, now)
    # A voter follows the cycle they voted in (results), unless they stopped.
    following = current_user.is_authenticated and notices.following(
        session, current_user.id, FollowTarget.CYCLE, glance.id,
        took_part=visitor is front.Visitor.VOTED)
    found = []

    def load_cycle():
        """The cycle itself, read only when the page's kept part is made."""
        if not found:
            found.append(cycle_with_rules(session, cycle_id) or abort(404))
        return found[0]

    # The parts every visitor sees alike are loaded only when the page's copy of them
    # is made (``kept`` in the template).
    return render_template(
        "main/cycle.html", cycle=glance, step=step, phase=step.phase, now=now,
        following=following,
        windows=effective_windows(glance.calendar, glance.extension_rules),
        load_cycle=load_cycle,
        load_counters=lambda: cycle_counters(session, load_cycle()),
        load_per_category=lambda: category_totals(session, load_cycle()),
        load_suspensions=lambda: suspension_history(session, load_cycle()),
        load_cards=lambda: public_projects(session, Filters(cycle_id=cycle_id), 1,
                                           page_size=CYCLE_CARDS),
        vote_over=step.phase in VOTE_OVER, Phase=Phase,
        load_leftover=lambda: next((c for c in load_cycle().categories
                                    if c.id == load_cycle().leftover_to_category_id), None),
    )


def _glances(session) -> list[front.Glance]:
    """Every cycle as the front pages show it, read at most once per few seconds."""
    return recent("cycle glances", lambda: front.glances(all_cycles(session)))


@bp.route("/cycles/<int:cycle_id>/follow", methods=["POST"])
def follow_cycle(cycle_id: int):
    """Follow a cycle (or stop): submission and voting opening, results."""
    found = db_session().get(Cycle, cycle_id) or abort(404)
    if not current_user.is_authenticated:
        return login_redirect()
    if not ActionForm.from_request().validate():
        abort(400)
    change_following(target=FollowTarget.CYCLE, target_id=found.id)
    return redirect(url_for("main.cycle", cycle_id=found.id))
