"""The commission's count: count a closed vote, approve a count at a meeting, record a
lottery seed, annul listed ballots. No page here shows how a named person voted."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from portal.accounts.access import guard_blueprint
from portal.accounts.models import Role
from portal.audit.signing import configured_key
from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.db import after_commit, db_session
from portal.forms import ActionForm, show_refusal
from portal.i18n import _
from portal.parsing import int_arg
from portal.refusal import Refused
from portal.results import counting, tallies
from portal.results.forms import AnnulForm, ApproveForm, SeedForm
from portal.results.models import Tally
from portal.review.models import Meeting
from portal.review.services import held_meetings
from portal.voting.permissions import vote_over

bp = Blueprint("results_commission", __name__, url_prefix="/commission/voting")
guard_blueprint(bp, Role.COMMISSION, Role.ADMIN)


def _cycle(cycle_id: int) -> Cycle:
    return db_session().get(Cycle, cycle_id) or abort(404)


def _secret() -> str:
    return current_app.config["PERSON_KEY_SECRET"]


def _meeting_choices(session, cycle: Cycle) -> list[SelectChoice]:
    return [SelectChoice(str(m.id), _("Meeting No. %(number)d of %(day)s", number=m.number,
                                      day=m.held_on.strftime("%d.%m.%Y")))
            for m in held_meetings(session, cycle)]


def _forms(session, cycle: Cycle):
    meetings = _meeting_choices(session, cycle)
    forms = {"annul": AnnulForm.from_request() if request.form.get("form") == "annul"
             else AnnulForm(),
             "approve": ApproveForm.from_request() if request.form.get("form") == "approve"
             else ApproveForm(),
             "seed": SeedForm.from_request() if request.form.get("form") == "seed"
             else SeedForm()}
    for form in forms.values():
        form.meeting.choices = meetings
    return forms


def _page(cycle: Cycle, forms=None):
    session = db_session()
    tallies_of = session.execute(select(Tally).where(Tally.cycle_id == cycle.id)
                                 .order_by(Tally.id.desc())).scalars().all()
    return render_template(
        "results/commission.html", cycle=cycle, tallies=tallies_of,
        forms=forms or _forms(session, cycle), over=vote_over(cycle, utcnow()),
        seed=tallies.lottery_seed(session, cycle),
        counts=counting.results_summary(session, cycle).counts,
    )


@bp.route("/<int:cycle_id>")
def overview(cycle_id: int):
    return _page(_cycle(cycle_id))


@bp.route("/<int:cycle_id>/tally", methods=["POST"])
def count(cycle_id: int):
    session = db_session()
    cycle = _cycle(cycle_id)
    if not ActionForm.from_request().validate():
        abort(400)
    try:
        tallies.compute_tally(session, cycle=cycle, actor=current_user, now=utcnow())
    except Refused as refused:
        show_refusal(refused)
    else:
        flash(_("The ballots are counted. The commission can now approve the count."), "success")
    return redirect(url_for("results_commission.overview", cycle_id=cycle.id))


def _decision_parts(session, cycle: Cycle, form):
    meeting = session.get(Meeting, int(form.meeting.data))
    if meeting is None or meeting.cycle_id != cycle.id:
        abort(404)
    return meeting, (form.votes_for.data, form.votes_against.data, form.abstained.data)


@bp.route("/<int:cycle_id>/decide", methods=["POST"])
def decide(cycle_id: int):
    session = db_session()
    cycle = _cycle(cycle_id)
    forms = _forms(session, cycle)
    kind = request.form.get("form")
    form = forms.get(kind) or abort(400)
    if not form.validate():
        return _page(cycle, forms), 400
    meeting, votes = _decision_parts(session, cycle, form)
    now = utcnow()
    try:
        if kind == "annul":
            tallies.annul_ballots(session, cycle=cycle, lines=form.ballots.data.splitlines(),
                                  reason=form.reason.data, meeting=meeting, votes=votes,
                                  actor=current_user, secret=_secret(), now=now)
        elif kind == "seed":
            tallies.record_seed(session, cycle=cycle, meeting=meeting, seed=form.seed.data,
                                votes=votes, actor=current_user, now=now)
        else:
            tally = session.get(Tally, int_arg("tally", request.form) or 0)
            if tally is None or tally.cycle_id != cycle.id:
                abort(404)
            tallies.approve_tally(session, tally=tally, meeting=meeting, votes=votes,
                                  actor=current_user,
                                  audit_key=configured_key(current_app.config), now=now)
    except Refused as refused:
        show_refusal(refused, form)
        return _page(cycle, forms), 400
    after_commit(lambda: counting.forget(session, cycle))
    flash(_("The decision is recorded."), "success")
    return redirect(url_for("results_commission.overview", cycle_id=cycle.id))
