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

from portal.accounts.access import guard_blueprint, login_redirect
from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.cycles.rules import BallotType, Phase
from portal.db import db_session
from portal.forms import show_refusal
from portal.pagecache import public_page, recent
from portal.parsing import page_arg
from portal.refusal import Refused
from portal.voting import board, services
from portal.voting.context import (
    BallotSheet,
    CastingContext,
    Voter,
    ballot_sheet,
    casting_context,
    chosen_by_category,
    cycle_rules,
)
from portal.voting.details import ballot_details
from portal.voting.forms import BallotForm
from portal.voting.messages import PROBLEMS, choice_problems
from portal.voting.models import Channel
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
guard_blueprint(bp, public=["index", "board_page", "ballot"])

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
@public_page
def index():
    session = db_session()
    now = utcnow()
    cycles = session.execute(select(Cycle).order_by(Cycle.voting_start.desc())).scalars().all()
    listed = [(cycle, cycle.phase(now)) for cycle in cycles]
    return render_template("voting/index.html", cycles=listed, Phase=Phase, closed=VOTE_OVER)


@bp.route("/<int:cycle_id>/ballot", methods=["GET", "POST"])
def ballot(cycle_id: int):
    """The ballot of a cycle, at the stable address ``voting.ballot`` (``cycle_id``) that the
    home and cycle pages link to; anyone may open it, and a visitor not signed in is asked
    to sign in. Its form goes to the review (``voting.review``); the review's "change"
    button comes back here with the ticks, and only its "vote" button (``action=cast``)
    casts.

    A cast is the busiest request of the portal: it reads the cycle's rules and the voter in
    one query, the ballot sheet from the process's cache, and redirects to the receipt;
    the page is rendered only when there is something to show.
    """
    if not current_user.is_authenticated:
        if request.method == "POST":
            return login_redirect()
        cycle = _cycle(cycle_id)
        return render_template("voting/ballot.html", cycle=cycle, voter=None,
                               blocked=window_problems(cycle_rules(cycle), utcnow()))
    session = db_session()
    context = _casting(session, cycle_id)
    voter = context.voter
    if voter is None:
        return render_template("voting/ballot.html", cycle=_cycle(cycle_id), voter=None,
                               blocked=[])
    sheet = ballot_sheet(session, context.sheet_key, context.rules)
    form = BallotForm.from_request()
    if request.method == "GET" and services.ballot_of(session, cycle_id, voter.person_key):
        return redirect(url_for("voting.my_ballot", cycle_id=cycle_id))
    parsed = _posted_choices(form)
    # Anything but the review's "vote" button comes back with the ticks kept.
    choices: list[Choice] = parsed or []
    if parsed is not None and request.form.get("action") == "cast":
        try:
            services.cast_ballot(session, sheet=sheet, voter=voter, choices=choices,
                                 secret=_secret(), now=utcnow())
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
    return _ballot_page(session, sheet, voter, form, choices,
                        not_cast=bool(form.choice_errors))


@bp.route("/<int:cycle_id>/review", methods=["GET", "POST"])
def review(cycle_id: int):
    """The review before the irreversible cast: "you vote for ...", with the sums, a way
    back that keeps the ticks and the button that casts. A choice the rules refuse is
    shown back on the ballot as a choice to change; nothing is stored here."""
    if request.method == "GET":  # a reload or a bookmark: the choice lives in the form
        return redirect(url_for("voting.ballot", cycle_id=cycle_id))
    session = db_session()
    context = _casting(session, cycle_id)
    voter = context.voter
    if voter is None:
        return redirect(url_for("voting.ballot", cycle_id=cycle_id))
    if services.ballot_of(session, cycle_id, voter.person_key):
        return redirect(url_for("voting.my_ballot", cycle_id=cycle_id))
    sheet = ballot_sheet(session, context.sheet_key, context.rules)
    form = BallotForm.from_request()
    parsed = _posted_choices(form)
    choices: list[Choice] = parsed or []
    if parsed is not None:
        for problem in choice_problems(check_ballot(
                sheet.rules, sheet.category_facts, sheet.project_facts, choices,
                voter.facts, utcnow())):
            form.add_error(problem.field, str(problem))
        if not form.choice_errors:
            return render_template(
                "voting/review.html", cycle=_cycle(cycle_id), form=form,
                chosen=chosen_by_category(sheet, choices),
                knapsack=sheet.rules.ballot_type is BallotType.KNAPSACK)
    return _ballot_page(session, sheet, voter, form, choices, not_cast=False)


def _casting(session, cycle_id: int) -> CastingContext:
    """The cycle's rules and the signed-in voter (``casting_context``); 404 without a cycle."""
    return casting_context(session, cycle_id, current_user.id) or abort(404)


def _posted_choices(form: BallotForm) -> list[Choice] | None:
    """The choices of a valid post of ``form``; None when nothing valid was posted, or when
    the choices cannot be read (then said on the form)."""
    if not form.submitted_and_valid:
        return None
    parsed = services.parse_choices(request.form.getlist("choice"))
    if parsed is None:
        form.add_error(None, PROBLEMS.text("malformed"))
    return parsed


def _ballot_page(session, sheet: BallotSheet, voter: Voter, form: BallotForm,
                 choices: list[Choice], *, not_cast: bool):
    """The ballot with ``choices`` ticked: the categories the voter may choose in, those
    they may not with the reason, each project's details, and the counters."""
    now = utcnow()
    blocked = window_problems(sheet.rules, now) + voter_problems(sheet.rules, voter.facts)
    open_to = [c for c in sheet.categories
               if may_choose_in(CategoryFacts(c.id, c.budget, c.district_id), voter.facts)]
    closed_to = [c for c in sheet.categories if c not in open_to]
    return render_template(
        "voting/ballot.html", cycle=_cycle(sheet.cycle_id), voter=voter, blocked=blocked,
        form=form, sheet=sheet, categories=open_to, closed_to=closed_to,
        chosen={c.project_id for c in choices}, not_cast=not_cast,
        # The same for every voter: read at most once per few seconds (portal.pagecache).
        details=recent(("ballot details", sheet.cycle_id),
                       lambda: ballot_details(session, sheet.cycle_id)) if not blocked else {},
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
        board_open=vote_over(cycle, utcnow()), closes=cycle_rules(cycle).closes,
    )


@bp.route("/<int:cycle_id>/board")
@public_page
def board_page(cycle_id: int):
    session = db_session()
    cycle = _cycle(cycle_id)
    if not vote_over(cycle, utcnow()):
        return render_template("voting/board.html", cycle=cycle, open=False)
    code = request.args.get("receipt", "").strip()

    def load_board() -> dict:
        """The page of ballots and the one searched for: read when the kept copy is made."""
        found = board.find_by_receipt(session, cycle, code) if code else None
        return {"listing": board.page_of(session, cycle, page=page_arg()),
                "found": found, "found_entry": board.entry_of(session, found) if found else None}

    return render_template("voting/board.html", cycle=cycle, open=True, load_board=load_board,
                           searched=bool(code), code=code)
