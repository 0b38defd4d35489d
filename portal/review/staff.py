"""The staff's pages of review: the expertise of each project (feasibility, adjusted
estimate, conclusion), cycle by cycle."""

from __future__ import annotations

from decimal import Decimal

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select

from portal.accounts.access import guard_blueprint
from portal.accounts.models import Role
from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.db import db_session
from portal.forms import show_refusal
from portal.i18n import _
from portal.money import format_number
from portal.projects.models import Project
from portal.projects.rules import PUBLIC
from portal.refusal import Refused
from portal.review import services
from portal.review.forms import (
    LINE_MESSAGES,
    SPARE_COST_LINES,
    ExpertiseForm,
    read_cost_lines,
)
from portal.review.models import Expertise
from portal.review.services import EXPERTISE_STATUSES

bp = Blueprint("review_staff", __name__, url_prefix="/staff/review")
guard_blueprint(bp, Role.STAFF, Role.ADMIN)


@bp.route("/")
def index():
    session = db_session()
    waiting = dict(session.execute(
        select(Project.cycle_id, func.count()).where(Project.status.in_(EXPERTISE_STATUSES))
        .group_by(Project.cycle_id)).all())
    cycles = session.execute(select(Cycle).order_by(Cycle.budget_year.desc())).scalars().all()
    return render_template("review/expertise_index.html", cycles=cycles, waiting=waiting)


@bp.route("/cycles/<int:cycle_id>")
def queue(cycle_id: int):
    session = db_session()
    cycle = session.get(Cycle, cycle_id) or abort(404)
    projects = session.execute(
        select(Project).where(Project.cycle_id == cycle.id, Project.status.in_(PUBLIC))
        .order_by(Project.number)).scalars().all()
    latest = {p.id: services.latest_expertise(session, p) for p in projects}
    return render_template("review/expertise_queue.html", cycle=cycle, projects=projects,
                           latest=latest, open_statuses=EXPERTISE_STATUSES)


def _prefill(form: ExpertiseForm, project: Project, earlier: Expertise | None) -> None:
    """Start from the newest expertise's estimate, or from the author's, plus blank lines."""
    lines = earlier.items if earlier else project.cost_items
    form.items.entries = []
    form.items.last_index = -1  # numbering restarts at items-0
    for line in lines:
        form.items.append_entry({
            "name": line.name, "quantity": format_number(line.quantity.normalize()),
            "unit": line.unit, "unit_price": format_number(Decimal(line.unit_price) / 100, 2),
        })
    for _spare in range(SPARE_COST_LINES):
        form.items.append_entry()
    if earlier:
        form.department.data = earlier.department
        form.feasible.data = "yes" if earlier.feasible else "no"
        form.conclusion.data = earlier.conclusion


@bp.route("/projects/<int:project_id>", methods=["GET", "POST"])
def record(project_id: int):
    session = db_session()
    project = session.get(Project, project_id) or abort(404)
    earlier = services.latest_expertise(session, project)
    form = ExpertiseForm.from_request()
    if form.submitted_and_valid:
        lines, problems = read_cost_lines(form.items)
        for number, code in problems:
            form.add_error(None, _("Line %(number)d: %(problem)s", number=number,
                                   problem=LINE_MESSAGES[code]))
        if not problems:
            try:
                services.record_expertise(
                    session, actor=current_user, project=project,
                    department=form.department.data, feasible=form.feasible.data == "yes",
                    conclusion=form.conclusion.data, items=lines, now=utcnow())
            except Refused as refused:
                show_refusal(refused, form)
            else:
                flash(_("The expertise is recorded."), "success")
                return redirect(url_for("review_staff.queue", cycle_id=project.cycle_id))
    elif request.method == "GET":
        _prefill(form, project, earlier)
    return render_template("review/expertise_form.html", project=project, form=form,
                           earlier=earlier, open=project.status in EXPERTISE_STATUSES)
