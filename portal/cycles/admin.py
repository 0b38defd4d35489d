"""The administration of cycles: their rules, calendars, categories, suspensions and
extensions. The public pages of cycles are the site's front (``portal.main``)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from portal.accounts.access import guard_blueprint
from portal.accounts.models import Role
from portal.clock import utcnow
from portal.community.choices import district_choices
from portal.cycles import messages, services
from portal.cycles.forms import (
    RULE_FIELDS,
    CategoryForm,
    CycleForm,
    ExtendForm,
    LeftoverForm,
    ResumeForm,
    SuspendForm,
)
from portal.cycles.models import Category, Cycle
from portal.cycles.rules import (
    BallotType,
    CategoryKind,
    DiscussionPeriod,
    Phase,
    TieRule,
    VotesScope,
    WinnerRule,
    effective_windows,
)
from portal.db import db_session
from portal.forms import ActionForm, show_refusal
from portal.i18n import _
from portal.refusal import Refused

bp = Blueprint("cycles_admin", __name__, url_prefix="/admin/cycles")
guard_blueprint(bp, Role.ADMIN)


def _cycle(cycle_id: int) -> Cycle:
    return services.cycle_with_rules(db_session(), cycle_id) or abort(404)


# Administration ---------------------------------------------------------------------------


def _cycle_data(form: CycleForm) -> services.CycleData:
    return services.CycleData(
        name=form.name.data, budget_year=form.budget_year.data,
        total_budget=form.total_budget.data, description=form.description.data or "",
        submission_start=form.submission_start.data, submission_end=form.submission_end.data,
        support_start=form.support_start.data, support_end=form.support_end.data,
        review_start=form.review_start.data, review_end=form.review_end.data,
        voting_start=form.voting_start.data, voting_end=form.voting_end.data,
        results_date=form.results_date.data,
        min_age_submit=form.min_age_submit.data, min_age_vote=form.min_age_vote.data,
        support_needed=form.support_needed.data,
        projects_per_author=form.projects_per_author.data,
        votes_per_voter=form.votes_per_voter.data, votes_scope=VotesScope(form.votes_scope.data),
        ballot_type=BallotType(form.ballot_type.data),
        winner_rule=WinnerRule(form.winner_rule.data), tie_rule=TieRule(form.tie_rule.data),
        min_votes=form.min_votes.data, complaint_days=form.complaint_days.data,
        live_counts_during_voting=bool(form.live_counts_during_voting.data),
        discussion_period=DiscussionPeriod(form.discussion_period.data),
    )


@bp.route("/")
def cycles():
    return render_template("cycles/admin_index.html", cycles=services.all_cycles(db_session()),
                           now=utcnow())


def _rules_of(form: CycleForm) -> dict:
    return {name: getattr(form, name).data for name in RULE_FIELDS}


def _keep_rules(form: CycleForm) -> None:
    if form.keep_as_defaults.data:
        services.keep_as_defaults(db_session(), rules=_rules_of(form), actor=current_user,
                                  now=utcnow())


@bp.route("/new", methods=["GET", "POST"])
def new():
    # A new cycle starts from the rules the community keeps for its cycles.
    form = CycleForm.from_request(**services.community_defaults(db_session(), RULE_FIELDS))
    if form.submitted_and_valid:
        session = db_session()
        try:
            cycle = services.create_cycle(session, data=_cycle_data(form), actor=current_user,
                                          now=utcnow())
            _keep_rules(form)
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The cycle is created. Now add its categories."), "success")
            return redirect(url_for("cycles_admin.cycle", cycle_id=cycle.id))
    return render_template("cycles/admin_form.html", form=form, cycle=None)


@bp.route("/<int:cycle_id>")
def cycle(cycle_id: int):
    cycle = _cycle(cycle_id)
    session = db_session()
    leftover = LeftoverForm(category=str(cycle.leftover_to_category_id or ""))
    leftover.category.choices = _leftover_choices(cycle)
    return render_template(
        "cycles/admin_cycle.html", cycle=cycle, phase=cycle.phase(utcnow()),
        suspend_form=SuspendForm(), resume_form=ResumeForm(), extend_form=ExtendForm(),
        leftover_form=leftover, action=ActionForm(),
        suspensions=services.suspension_history(session, cycle),
        windows=effective_windows(cycle.calendar, cycle.extension_rules),
    )


@bp.route("/<int:cycle_id>/edit", methods=["GET", "POST"])
def edit(cycle_id: int):
    cycle = _cycle(cycle_id)
    form = CycleForm.from_request(obj=cycle)
    if form.submitted_and_valid:
        session = db_session()
        try:
            services.update_cycle(session, cycle=cycle, data=_cycle_data(form),
                                  actor=current_user, now=utcnow())
            _keep_rules(form)
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The cycle is saved."), "success")
            return redirect(url_for("cycles_admin.cycle", cycle_id=cycle.id))
    return render_template("cycles/admin_form.html", form=form, cycle=cycle)


def _category_data(form: CategoryForm) -> services.CategoryData:
    return services.CategoryData(
        name=form.name.data, description=form.description.data or "",
        kind=CategoryKind(form.kind.data),
        district_id=int(form.district_id.data) if form.district_id.data else None,
        budget=form.budget.data, min_cost=form.min_cost.data, max_cost=form.max_cost.data,
        position=form.position.data or 0)


@bp.route("/<int:cycle_id>/categories/new", methods=["GET", "POST"])
def new_category(cycle_id: int):
    cycle = _cycle(cycle_id)
    form = CategoryForm.from_request()
    form.district_id.choices = district_choices(db_session(), _("— none —"))
    if form.submitted_and_valid:
        session = db_session()
        try:
            services.add_category(session, cycle=cycle, data=_category_data(form),
                                  actor=current_user, now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The category is added."), "success")
            return redirect(url_for("cycles_admin.cycle", cycle_id=cycle.id))
    return render_template("cycles/admin_category.html", form=form, cycle=cycle, category=None)


@bp.route("/<int:cycle_id>/categories/<int:category_id>", methods=["GET", "POST"])
def edit_category(cycle_id: int, category_id: int):
    cycle = _cycle(cycle_id)
    category = db_session().get(Category, category_id)
    if category is None or category.cycle_id != cycle.id:
        abort(404)
    form = CategoryForm.from_request(obj=category)
    form.district_id.choices = district_choices(db_session(), _("— none —"))
    if form.district_id.data in (None, "None"):
        form.district_id.data = ""
    if form.submitted_and_valid:
        session = db_session()
        try:
            services.update_category(session, category=category, data=_category_data(form),
                                     actor=current_user, now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The category is saved."), "success")
            return redirect(url_for("cycles_admin.cycle", cycle_id=cycle.id))
    return render_template("cycles/admin_category.html", form=form, cycle=cycle,
                           category=category, delete_form=ActionForm())


@bp.route("/<int:cycle_id>/categories/<int:category_id>/delete", methods=["POST"])
def delete_category(cycle_id: int, category_id: int):
    session = db_session()
    category = session.get(Category, category_id)
    if category is None or category.cycle_id != cycle_id:
        abort(404)
    if not ActionForm.from_request().validate():
        abort(400)
    try:
        services.delete_category(session, category=category, actor=current_user, now=utcnow())
    except Refused as refused:
        show_refusal(refused)
    else:
        flash(_("The category is removed."), "success")
    return redirect(url_for("cycles_admin.cycle", cycle_id=cycle_id))


def _leftover_choices(cycle: Cycle) -> list[SelectChoice]:
    return [SelectChoice("", _("— nowhere —"))] + [
        SelectChoice(str(c.id), c.name) for c in cycle.categories]


def _act(cycle_id: int, form_class, act, done: str):
    """Run one POSTed action on a cycle and come back to its administration page."""
    cycle = _cycle(cycle_id)
    form = form_class.from_request()
    if isinstance(form, LeftoverForm):
        form.category.choices = _leftover_choices(cycle)
    session = db_session()
    if not form.validate():
        form.flash_errors()
        return redirect(url_for("cycles_admin.cycle", cycle_id=cycle.id))
    try:
        act(session, cycle, form)
    except Refused as refused:
        show_refusal(refused)
    else:
        flash(done, "success")
    return redirect(url_for("cycles_admin.cycle", cycle_id=cycle.id))


@bp.route("/<int:cycle_id>/suspend", methods=["POST"])
def suspend(cycle_id: int):
    return _act(cycle_id, SuspendForm, lambda s, c, f: services.suspend_cycle(
        s, cycle=c, reason=f.reason.data, actor=current_user, now=utcnow()),
        _("The cycle is suspended."))


@bp.route("/<int:cycle_id>/resume", methods=["POST"])
def resume(cycle_id: int):
    return _act(cycle_id, ResumeForm, lambda s, c, f: services.resume_cycle(
        s, cycle=c, note=f.note.data or "", actor=current_user, now=utcnow()),
        _("The cycle is resumed. Extend the phases that ran out meanwhile, if needed."))


@bp.route("/<int:cycle_id>/extend", methods=["POST"])
def extend(cycle_id: int):
    return _act(cycle_id, ExtendForm, lambda s, c, f: services.extend_phase(
        s, cycle=c, phase=Phase(f.phase.data), new_end=f.new_end.data, reason=f.reason.data,
        actor=current_user, now=utcnow()), _("The phase is extended."))


@bp.route("/<int:cycle_id>/leftover", methods=["POST"])
def leftover(cycle_id: int):
    def act(session, cycle, form):
        chosen = next((c for c in cycle.categories if str(c.id) == form.category.data), None)
        services.set_leftover_category(session, cycle=cycle, category=chosen,
                                       actor=current_user, now=utcnow())

    return _act(cycle_id, LeftoverForm, act, _("The cycle is saved."))


@bp.app_template_filter("phase_label")
def phase_filter(phase: Phase) -> str:
    return messages.phase_label(phase)


@bp.app_template_global("winner_rule_label")
def winner_rule_label(rule: WinnerRule, in_sentence: bool = False) -> str:
    """The rule's description; within a sentence it starts with a small letter."""
    text = str(messages.WINNER_RULES[WinnerRule(rule)])
    return text[:1].lower() + text[1:] if in_sentence else text


@bp.app_template_global("tie_rule_label")
def tie_rule_label(rule: TieRule) -> str:
    return str(messages.TIE_RULES[TieRule(rule)])


@bp.app_template_global("category_kind_label")
def category_kind_label(kind: CategoryKind) -> str:
    return str(messages.CATEGORY_KINDS[CategoryKind(kind)])
