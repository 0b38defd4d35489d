"""Staff pages of voting: paper ballots at the desk (verifiers) and the commission's count.

The desk enters a paper ballot for a person standing at the administrative service centre:
their number and birth date, checked against the document, and their choices. The same
person key and the same unique constraint as online voting apply. The commission's page
counts a closed vote, approves a count at a meeting, records a lottery seed, and annuls
listed ballots; no page here shows how a named person voted.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from portal.access import guard_blueprint
from portal.accounts.models import Role
from portal.clock import utcnow
from portal.community.choices import district_choices
from portal.cycles.models import Cycle
from portal.cycles.rules import Phase
from portal.db import db_session
from portal.forms import ActionForm
from portal.i18n import _
from portal.identity.messages import message as identity_message
from portal.identity.rules import NumberKind, NumberProblem, parse_person_number
from portal.money import format_hryvnias
from portal.review.messages import problem_message
from portal.review.models import Meeting
from portal.review.services import held_meetings
from portal.voting import counting, services, tallies
from portal.voting.ballot_rules import window_problems
from portal.voting.context import paper_voter, sheet_of
from portal.voting.forms import AnnulForm, ApproveForm, PaperBallotForm, SeedForm
from portal.voting.messages import message, problem_text
from portal.voting.models import Tally
from portal.voting.permissions import vote_over

paper = Blueprint("paper", __name__, url_prefix="/desk/paper")
guard_blueprint(paper, Role.VERIFIER, Role.ADMIN)

commission = Blueprint("count", __name__, url_prefix="/commission/voting")
guard_blueprint(commission, Role.COMMISSION, Role.ADMIN)


@paper.context_processor
@commission.context_processor
def helpers():
    return {"hryvnias": format_hryvnias, "problem_text": problem_text}


def _cycle(cycle_id: int) -> Cycle:
    return db_session().get(Cycle, cycle_id) or abort(404)


def _secret() -> str:
    return current_app.config["PERSON_KEY_SECRET"]


@paper.route("/")
def cycles():
    now = utcnow()
    listed = [c for c in db_session().execute(select(Cycle).order_by(Cycle.voting_start.desc()))
              .scalars() if c.phase(now) is Phase.VOTING]
    return render_template("voting/paper_cycles.html", cycles=listed)


@paper.route("/<int:cycle_id>", methods=["GET", "POST"])
def enter(cycle_id: int):
    session = db_session()
    cycle = _cycle(cycle_id)
    now = utcnow()
    sheet = sheet_of(session, cycle)
    form = PaperBallotForm.from_request()
    form.district.choices = district_choices(session, _("— not applicable —"))
    problems, chosen = [], set()
    if form.submitted_and_valid:
        number = parse_person_number(form.number.data, NumberKind(form.kind.data))
        choices = services.parse_choices(request.form.getlist("choice"))
        chosen = {c.project_id for c in choices or []}
        if isinstance(number, NumberProblem):
            form.add_error("number", identity_message(number.value))
        elif choices is None:
            form.add_error(None, message("malformed"))
        else:
            voter = paper_voter(
                number=number, birth_date=form.birth_date.data, resident=bool(form.resident.data),
                district_id=int(form.district.data) if form.district.data else None,
                verifier=current_user, secret=_secret())
            try:
                cast = services.cast_ballot(session, sheet=sheet, voter=voter, choices=choices,
                                            secret=_secret(), now=now)
            except services.BallotRefused as refused:
                session.rollback()
                problems = refused.problems
            except services.AlreadyVoted:
                session.rollback()
                form.add_error(None, message("already_voted_desk"))
            else:
                session.commit()
                return render_template("voting/paper_done.html", cycle=cycle,
                                       receipt=cast.receipt)
    return render_template("voting/paper.html", cycle=cycle, form=form, sheet=sheet,
                           problems=problems, chosen=chosen,
                           blocked=window_problems(sheet.rules, now))


# The commission's count ------------------------------------------------------------------


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
        "voting/commission.html", cycle=cycle, tallies=tallies_of,
        forms=forms or _forms(session, cycle), over=vote_over(cycle, utcnow()),
        seed=tallies.lottery_seed(session, cycle),
        counts=counting.results_summary(session, cycle).counts,
    )


@commission.route("/<int:cycle_id>")
def overview(cycle_id: int):
    return _page(_cycle(cycle_id))


def _refusal(error: tallies.TallyError) -> str:
    if error.code == "review":
        return " ".join(problem_message(code) for code in error.values["codes"])
    return message(error.code, **error.values)


@commission.route("/<int:cycle_id>/tally", methods=["POST"])
def count(cycle_id: int):
    session = db_session()
    cycle = _cycle(cycle_id)
    if not ActionForm.from_request().validate():
        abort(400)
    try:
        tallies.compute_tally(session, cycle=cycle, actor=current_user, now=utcnow())
    except tallies.TallyError as error:
        session.rollback()
        flash(_refusal(error), "error")
    else:
        session.commit()
        flash(_("The ballots are counted. The commission can now approve the count."), "success")
    return redirect(url_for("count.overview", cycle_id=cycle.id))


def _decision_parts(session, cycle: Cycle, form):
    meeting = session.get(Meeting, int(form.meeting.data))
    if meeting is None or meeting.cycle_id != cycle.id:
        abort(404)
    return meeting, (form.votes_for.data, form.votes_against.data, form.abstained.data)


@commission.route("/<int:cycle_id>/decide", methods=["POST"])
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
            tally = session.get(Tally, request.form.get("tally", type=int) or 0)
            if tally is None or tally.cycle_id != cycle.id:
                abort(404)
            tallies.approve_tally(session, tally=tally, meeting=meeting, votes=votes,
                                  actor=current_user, now=now)
    except tallies.TallyError as error:
        session.rollback()
        form.add_error(None, _refusal(error))
        return _page(cycle, forms), 400
    session.commit()
    counting.forget(session, cycle)
    flash(_("The decision is recorded."), "success")
    return redirect(url_for("count.overview", cycle_id=cycle.id))
