"""The administrators' pages of review: who sits on a cycle's commission (which fixes the
quorum), and handing the submitted projects to the commission."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts import services as accounts
from portal.accounts.access import guard_blueprint
from portal.accounts.models import Role
from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.db import db_session
from portal.forms import ActionForm, show_refusal
from portal.i18n import _
from portal.projects import services as projects
from portal.refusal import Refused
from portal.review import services
from portal.review.forms import (
    SeatForm,
)
from portal.review.models import CommissionSeat, SeatRole
from portal.review.rules import (
    quorum_size,
)

bp = Blueprint("review_admin", __name__, url_prefix="/admin/review")
guard_blueprint(bp, Role.ADMIN)


@bp.route("/roster/cycles/<int:cycle_id>", methods=["GET", "POST"])
def roster(cycle_id: int):
    session = db_session()
    found = session.get(Cycle, cycle_id) or abort(404)
    form = SeatForm.from_request()
    failed = False
    if form.submitted_and_valid:
        user = None
        if form.email.data:
            user = accounts.find_user_by_email(session, form.email.data)
            if user is None:
                form.add_error("email", _("No account with this e-mail."))
                failed = True
        if not failed:
            try:
                services.add_seat(session, actor=current_user, cycle=found, name=form.name.data,
                                  position=form.position.data or "",
                                  role=SeatRole(form.role.data), user=user, now=utcnow())
            except Refused as refused:
                show_refusal(refused, form)
                failed = True
            else:
                flash(_("The member is added to the commission."), "success")
                return redirect(url_for("review_admin.roster", cycle_id=found.id))
    seats = services.seats_of(session, found)
    return render_template("review/roster.html", cycle=found, form=form, seats=seats,
                           action=ActionForm(), quorum=quorum_size(len(seats)) if seats else 0,
                           ), 400 if failed or form.errors else 200


@bp.route("/roster/seats/<int:seat_id>/remove", methods=["POST"])
def remove_seat(seat_id: int):
    session = db_session()
    seat = session.get(CommissionSeat, seat_id) or abort(404)
    if ActionForm.from_request().validate():
        try:
            services.remove_seat(session, actor=current_user, seat=seat, now=utcnow())
        except Refused as refused:
            show_refusal(refused)
        else:
            flash(_("The member is removed from the commission."), "success")
    return redirect(url_for("review_admin.roster", cycle_id=seat.cycle_id))


@bp.route("/cycles/<int:cycle_id>/begin-review", methods=["POST"])
def begin_review(cycle_id: int):
    """Hand the cycle's submitted projects to the commission; back to the cycle's page."""
    session = db_session()
    cycle = session.get(Cycle, cycle_id) or abort(404)
    form = ActionForm.from_request()
    if not form.validate():
        form.flash_errors()
        return redirect(url_for("cycles_admin.cycle", cycle_id=cycle.id))
    try:
        projects.begin_review(session, cycle=cycle, actor=current_user, now=utcnow())
    except Refused as refused:
        show_refusal(refused)
    else:
        flash(_("The submitted projects are handed to the commission."), "success")
    return redirect(url_for("cycles_admin.cycle", cycle_id=cycle.id))
