"""Voting pages: the ballot, the voter's own ballot and receipt, the bulletin board."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts.access import guard_blueprint
from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.cycles.rules import Phase
from portal.db import db_session
from portal.forms import show_refusal
from portal.parsing import page_arg
from portal.refusal import Refused
from portal.voting import board, services
from portal.voting.context import ballot_sheet, casting_context
from portal.voting.forms import BallotForm
from portal.voting.messages import PROBLEMS, choice_problems
from portal.voting.models import Ballot, Channel
from portal.voting.permissions import VOTE_OVER, vote_over
from portal.voting.receipts import receipt_code
from portal.voting.rules import (
    CategoryFacts,
    Choice,
    check_ballot,
    may_choose_in,
    totals,
    voter_problems,
    window_problems,
)

bp = Blueprint("voting", __name__, url_prefix="/voting")
guard_blueprint(bp, public=["index", "board_page"])

@bp.app_context_processor
def voting_words():
    """The words of ballot problems and channels, for the pages of voting and results."""
    return {"problem_text": lambda problem: PROBLEMS.text(problem.code),
            "channel_label": lambda value: Channel(value).label}


def _cycle(cycle_id: int) -> Cycle:
    """The cycle with its phase extensions in one query (every page here needs its phase)."""
    return db_session().get(Cycle, cycle_id,
                            options=[joinedload(Cycle.extensions)]) or abort(404)


def _secret() -> str:
    return current_app.config["PERSON_KEY_SECRET"]


@bp.route("/")
def index():
    session = db_session()
    now = utcnow()
    cycles = session.execute(select(Cycle).order_by(Cycle.voting_start.desc())).scalars().all()
    listed = [(cycle, cycle.phase(now)) for cycle in cycles]
    return render_template("voting/index.html", cycles=listed, Phase=Phase, closed=VOTE_OVER)


@bp.route("/<int:cycle_id>/ballot", methods=["GET", "POST"])
def ballot(cycle_id: int):
    """The ballot page; its form checks the choices or casts the ballot.

    A cast is the busiest request of the portal: it reads the cycle's rules and the voter in
    one query, the ballot sheet from the process's cache, and redirects to the receipt;
    the page is rendered only when there is something to show.
    """
    session = db_session()
    context = casting_context(session, cycle_id, current_user.id)
    if context is None:
        abort(404)
    voter = context.voter
    if voter is None:
        return render_template("voting/ballot.html", cycle=_cycle(cycle_id), voter=None,
                               blocked=[])
    sheet = ballot_sheet(session, context.sheet_key, context.rules)
    now = utcnow()
    form = BallotForm.from_request()
    choices: list[Choice] = []
    if request.method == "GET" and services.ballot_of(session, cycle_id, voter.person_key):
        return redirect(url_for("voting.my_ballot", cycle_id=cycle_id))
    submitted = form.submitted_and_valid
    if submitted:
        parsed = services.parse_choices(request.form.getlist("choice"))
        if parsed is None:
            form.add_error(None, PROBLEMS.text("malformed"))
        elif request.form.get("action") == "check":
            choices = parsed
            for problem in choice_problems(check_ballot(
                    sheet.rules, sheet.category_facts, sheet.project_facts, choices,
                    voter.facts, now)):
                form.add_error(problem.field, str(problem))
        else:
            choices = parsed
            try:
                services.cast_ballot(session, sheet=sheet, voter=voter, choices=choices,
                                     secret=_secret(), now=now)
            except services.AlreadyVoted as already:
                # Not an error: the voter is led to the ballot they have, with a warning.
                show_refusal(already, category="warning")
                return redirect(url_for("voting.my_ballot", cycle_id=cycle_id))
            except Refused as refused:
                show_refusal(refused, form)
            else:
                # The receipt page says the ballot is cast; no message is kept in the
                # session, so the cast writes nothing but the ballot.
                return redirect(url_for("voting.my_ballot", cycle_id=cycle_id))
    blocked = window_problems(sheet.rules, now) + voter_problems(sheet.rules, voter.facts)
    categories = [c for c in sheet.categories
                  if may_choose_in(CategoryFacts(c.id, c.budget, c.district_id),
                                   voter.facts)]
    chosen = {c.project_id for c in choices}
    return render_template(
        "voting/ballot.html", cycle=_cycle(cycle_id), voter=voter, blocked=blocked, form=form,
        sheet=sheet, categories=categories, chosen=chosen,
        checked=(submitted and request.form.get("action") == "check"
                 and not form.choice_errors and not form.form_errors),
        totals={t.category_id: t for t in totals(sheet.rules, sheet.category_facts,
                                                  sheet.project_facts, choices)},
    )


@bp.route("/<int:cycle_id>/my-ballot")
def my_ballot(cycle_id: int):
    session = db_session()
    cycle = _cycle(cycle_id)
    own = services.own_ballot(session, cycle=cycle, user=current_user)
    if own is None:
        return redirect(url_for("voting.ballot", cycle_id=cycle.id))
    return render_template(
        "voting/my_ballot.html", cycle=cycle, ballot=own,
        receipt=receipt_code(_secret(), own.uuid), projects=services.ballot_projects(session, own),
        board_open=vote_over(cycle, utcnow()),
    )


@bp.route("/<int:cycle_id>/board")
def board_page(cycle_id: int):
    session = db_session()
    cycle = _cycle(cycle_id)
    if not vote_over(cycle, utcnow()):
        return render_template("voting/board.html", cycle=cycle, open=False)
    listing = board.page_of(session, cycle, page=page_arg())
    code = request.args.get("receipt", "").strip()
    found: Ballot | None = None
    searched = bool(code)
    if code:
        found = board.find_by_receipt(session, cycle, code)
    return render_template("voting/board.html", cycle=cycle, open=True, listing=listing,
                           searched=searched, found=found,
                           found_entry=board.entry_of(session, found) if found else None,
                           code=code)
