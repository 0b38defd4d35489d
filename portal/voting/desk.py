"""The paper-ballot desk (verifiers at the administrative service centre).

The desk enters a paper ballot for a person standing at the desk: their number and birth
date, checked against the document, and their choices. The same person key and the same
unique constraint as online voting apply.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.access import guard_blueprint
from portal.accounts.models import Role
from portal.clock import utcnow
from portal.community.choices import district_choices
from portal.cycles.models import Cycle
from portal.cycles.rules import Phase
from portal.db import db_session
from portal.forms import show_refusal
from portal.i18n import _
from portal.identity.messages import message as identity_message
from portal.identity.rules import NumberKind, NumberProblem, parse_person_number
from portal.refusal import Refused
from portal.voting import services
from portal.voting.context import paper_voter, sheet_of
from portal.voting.forms import PaperBallotForm
from portal.voting.messages import PROBLEMS
from portal.voting.rules import window_problems

bp = Blueprint("voting_desk", __name__, url_prefix="/desk/voting")
guard_blueprint(bp, Role.VERIFIER, Role.ADMIN)

def _cycle(cycle_id: int) -> Cycle:
    return db_session().get(Cycle, cycle_id) or abort(404)


def _secret() -> str:
    return current_app.config["PERSON_KEY_SECRET"]


@bp.route("/")
def cycles():
    now = utcnow()
    listed = [c for c in db_session().execute(select(Cycle).order_by(Cycle.voting_start.desc()))
              .scalars() if c.phase(now) is Phase.VOTING]
    return render_template("voting/paper_cycles.html", cycles=listed)


@bp.route("/<int:cycle_id>", methods=["GET", "POST"])
def enter(cycle_id: int):
    session = db_session()
    cycle = _cycle(cycle_id)
    now = utcnow()
    sheet = sheet_of(session, cycle)
    form = PaperBallotForm.from_request()
    form.district.choices = district_choices(session, _("— not applicable —"))
    chosen = set()
    if form.submitted_and_valid:
        number = parse_person_number(form.number.data, NumberKind(form.kind.data))
        choices = services.parse_choices(request.form.getlist("choice"))
        chosen = {c.project_id for c in choices or []}
        if isinstance(number, NumberProblem):
            form.add_error("number", identity_message(number.value))
        elif choices is None:
            form.add_error(None, PROBLEMS.text("malformed"))
        else:
            voter = paper_voter(
                number=number, birth_date=form.birth_date.data, resident=bool(form.resident.data),
                district_id=int(form.district.data) if form.district.data else None,
                verifier=current_user, secret=_secret())
            try:
                cast = services.cast_ballot(session, sheet=sheet, voter=voter, choices=choices,
                                            secret=_secret(), now=now)
            except Refused as refused:  # "already voted" above the form, the rest in its box
                show_refusal(refused, form)
            else:
                return render_template("voting/paper_done.html", cycle=cycle,
                                       receipt=cast.receipt)
    return render_template("voting/paper.html", cycle=cycle, form=form, sheet=sheet,
                           chosen=chosen,
                           blocked=window_problems(sheet.rules, now))
