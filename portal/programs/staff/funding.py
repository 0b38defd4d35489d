"""Staff pages for the money and the results: lines, payments, indicators, execution texts.
Each view calls one service; the request commits (``portal.db``), and a refusal is shown
with ``show_refusal``."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.db import db_session, get_or_404
from portal.forms import ActionForm, show_refusal
from portal.i18n import _
from portal.money import AmountError, format_thousands, parse_hryvnias, parse_thousands
from portal.parsing import int_arg
from portal.programs import funding, winners
from portal.programs.forms import (
    ExecutionTextForm,
    IndicatorForm,
    LineChangeForm,
    LineForm,
    PaymentForm,
)
from portal.programs.messages import AMOUNTS, FIGURE_LABELS, GROUP_LABELS, PROBLEMS, SOURCE_LABELS
from portal.programs.models import Department, Financing, FundingLine, Indicator, Measure, Program
from portal.programs.rules import (
    FundingSource,
    IndicatorGroup,
    PortalFigure,
    ProgramProblem,
    check_year_in_term,
    parse_figure,
)
from portal.programs.staff import bp
from portal.programs.staff.maintenance import department_choices, measure_form, measure_page
from portal.refusal import Refused


def _kopecks(form, field: str, parse) -> int | None:
    try:
        return parse(form[field].data)
    except AmountError as error:
        form.add_error(field, AMOUNTS.text(error.problem))
        return None


def _department(form) -> Department | None:
    if not form.department.data:
        return None
    return db_session().get(Department, int(form.department.data))


@bp.route("/funding/measures/<int:measure_id>/lines", methods=["POST"])
def plan_line(measure_id: int):
    measure = get_or_404(Measure, measure_id)
    form = LineForm.from_request()
    form.year.choices = [SelectChoice(str(y), str(y)) for y in measure.task.program.years]
    form.source.choices = [SelectChoice(s.value, str(SOURCE_LABELS[s])) for s in FundingSource]
    form.department.choices = department_choices(_("— not named —"))
    if form.validate() and (planned := _kopecks(form, "planned", parse_thousands)) is not None:
        try:
            funding.plan_line(db_session(), actor=current_user, measure=measure,
                              year=form.year.data, source=FundingSource(form.source.data),
                              planned=planned, department=_department(form),
                              title=form.title.data or "", now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The funding line is planned."), "success")
            return redirect(url_for("programs_staff.measure", measure_id=measure.id))
    return measure_page(measure, measure_form(measure), line_form=form), 400


def _line_page(line: FundingLine, form: LineChangeForm | None = None,
               payment_form: PaymentForm | None = None, status: int = 200):
    if form is None:
        form = LineChangeForm(planned=format_thousands(line.planned), title=line.title,
                              department=str(line.department_id or ""))
        form.department.choices = department_choices(_("— not named —"))
    return render_template("programs/staff/line.html", line=line, measure=line.measure,
                           program=line.measure.task.program, form=form,
                           payment_form=payment_form or PaymentForm(), action=ActionForm(),
                           ), status


@bp.route("/funding/lines/<int:line_id>", methods=["GET", "POST"])
def line(line_id: int):
    line = get_or_404(FundingLine, line_id)
    if request.method == "GET":
        return _line_page(line)
    form = LineChangeForm.from_request()
    form.department.choices = department_choices(_("— not named —"))
    if form.validate() and (planned := _kopecks(form, "planned", parse_thousands)) is not None:
        funding.change_line(db_session(), actor=current_user, line=line, planned=planned,
                            department=_department(form), title=form.title.data or "",
                            now=utcnow())
        flash(_("The funding line is saved."), "success")
        return redirect(url_for("programs_staff.line", line_id=line.id))
    return _line_page(line, form=form, status=400)


@bp.route("/funding/lines/<int:line_id>/delete", methods=["POST"])
def delete_line(line_id: int):
    line = get_or_404(FundingLine, line_id)
    measure_id = line.measure_id
    if ActionForm.from_request().validate():
        try:
            funding.delete_line(db_session(), actor=current_user, line=line, now=utcnow())
        except Refused as refused:
            show_refusal(refused)
            return redirect(url_for("programs_staff.line", line_id=line_id))
        flash(_("The funding line is deleted."), "success")
    return redirect(url_for("programs_staff.measure", measure_id=measure_id))


@bp.route("/funding/lines/<int:line_id>/payments", methods=["POST"])
def record_payment(line_id: int):
    line = get_or_404(FundingLine, line_id)
    form = PaymentForm.from_request()
    if form.validate() and (amount := _kopecks(form, "amount", parse_hryvnias)) is not None:
        try:
            funding.record_payment(db_session(), actor=current_user, line=line,
                                   paid_on=form.paid_on.data, amount=amount,
                                   document=form.document.data, now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The payment is recorded."), "success")
            return redirect(url_for("programs_staff.line", line_id=line.id))
    return _line_page(line, payment_form=form, status=400)


@bp.route("/funding/payments/<int:payment_id>/delete", methods=["POST"])
def delete_payment(payment_id: int):
    payment = get_or_404(Financing, payment_id)
    line_id = payment.line_id
    if ActionForm.from_request().validate():
        funding.delete_payment(db_session(), actor=current_user, payment=payment, now=utcnow())
        flash(_("The payment is removed."), "success")
    return redirect(url_for("programs_staff.line", line_id=line_id))


@bp.route("/funding/measures/<int:measure_id>/texts", methods=["POST"])
def execution_text(measure_id: int):
    measure = get_or_404(Measure, measure_id)
    form = ExecutionTextForm.from_request()
    year = int_arg("year", request.form)
    program = measure.task.program
    if year is None or check_year_in_term(year, program.start_year, program.end_year):
        abort(400)
    if form.validate():
        funding.set_execution_text(db_session(), actor=current_user, measure=measure, year=year,
                                   text=form.text.data or "", now=utcnow())
        flash(_("The execution text for %(year)d is saved.", year=year), "success")
        return redirect(url_for("programs_staff.measure", measure_id=measure.id))
    return measure_page(measure, measure_form(measure), text_form=form), 400


def _indicator_form(indicator: Indicator | None = None) -> IndicatorForm:
    form = IndicatorForm.from_request()
    if indicator is not None and request.method == "GET":
        form = IndicatorForm(
            group=indicator.group.value, name=indicator.name, unit=indicator.unit,
            planned=_figure_text(indicator.planned), actual=_figure_text(indicator.actual),
            figure=indicator.figure.value if indicator.figure else "",
            reasons=indicator.reasons, remedies=indicator.remedies)
    form.group.choices = [SelectChoice(g.value, str(GROUP_LABELS[g])) for g in IndicatorGroup]
    form.figure.choices = [SelectChoice("", _("— typed by staff —"))] + [
        SelectChoice(f.value, str(FIGURE_LABELS[f])) for f in PortalFigure]
    return form


def _figure_text(value) -> str:
    return "" if value is None else format(value.normalize(), "f").replace(".", ",")


def _indicator_data(form: IndicatorForm) -> funding.IndicatorData | None:
    figures = {}
    for name in ("planned", "actual"):
        text = (form[name].data or "").strip()
        if not text and name == "actual":
            figures[name] = None
            continue
        parsed = parse_figure(text)
        if isinstance(parsed, ProgramProblem):
            form.add_error(name, PROBLEMS.text(parsed))
        figures[name] = parsed
    if form.errors or form.form_errors:
        return None
    return funding.IndicatorData(
        group=IndicatorGroup(form.group.data), name=form.name.data, unit=form.unit.data or "",
        planned=figures["planned"], actual=figures["actual"],
        figure=PortalFigure(form.figure.data) if form.figure.data else None,
        reasons=form.reasons.data or "", remedies=form.remedies.data or "")


@bp.route("/funding/programs/<int:program_id>/indicators/<int:year>", methods=["GET", "POST"])
def indicators(program_id: int, year: int):
    program = get_or_404(Program, program_id)
    if year not in program.years:
        abort(404)
    form = _indicator_form()
    if form.submitted_and_valid and (data := _indicator_data(form)):
        try:
            funding.save_indicator(db_session(), actor=current_user, program=program, year=year,
                                   data=data, now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The indicator is saved."), "success")
            return redirect(url_for("programs_staff.indicators", program_id=program.id,
                                    year=year))
    listed = db_session().scalars(
        select(Indicator).where(Indicator.program_id == program.id, Indicator.year == year)
        .order_by(Indicator.group, Indicator.position)).all()
    status = 400 if request.method == "POST" else 200
    return render_template("programs/staff/indicators.html", program=program, year=year,
                           indicators=listed, form=form, action=ActionForm(),
                           groups=GROUP_LABELS, figures=FIGURE_LABELS), status


@bp.route("/funding/indicators/<int:indicator_id>", methods=["GET", "POST"])
def indicator(indicator_id: int):
    indicator = get_or_404(Indicator, indicator_id)
    form = _indicator_form(indicator)
    if form.submitted_and_valid and (data := _indicator_data(form)):
        try:
            funding.save_indicator(db_session(), actor=current_user, program=indicator.program,
                                   year=indicator.year, data=data, indicator=indicator,
                                   now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The indicator is saved."), "success")
            return redirect(url_for("programs_staff.indicators", program_id=indicator.program_id,
                                    year=indicator.year))
    status = 400 if request.method == "POST" else 200
    return render_template("programs/staff/indicator.html", indicator=indicator, form=form,
                           program=indicator.program, action=ActionForm()), status


@bp.route("/funding/indicators/<int:indicator_id>/delete", methods=["POST"])
def delete_indicator(indicator_id: int):
    indicator = get_or_404(Indicator, indicator_id)
    program_id, year = indicator.program_id, indicator.year
    if ActionForm.from_request().validate():
        funding.delete_indicator(db_session(), actor=current_user, indicator=indicator,
                                 now=utcnow())
        flash(_("The indicator is deleted."), "success")
    return redirect(url_for("programs_staff.indicators", program_id=program_id, year=year))


@bp.route("/funding/measures/<int:measure_id>/cycles", methods=["POST"])
def link_cycle(measure_id: int):
    """Link a participatory-budget cycle to this measure, or unlink it (``unlink`` set)."""
    measure = get_or_404(Measure, measure_id)
    cycle = db_session().get(Cycle, int_arg("cycle", request.form) or 0)
    if not ActionForm.from_request().validate() or cycle is None:
        abort(400)
    unlink = bool(request.form.get("unlink"))
    if unlink and cycle.measure_id != measure.id:
        abort(400)
    try:
        winners.link_cycle(db_session(), actor=current_user, cycle=cycle,
                           measure=None if unlink else measure, now=utcnow())
    except Refused as refused:
        show_refusal(refused)
    else:
        flash(_("The cycle is unlinked.") if unlink
              else _("The cycle “%(name)s” is funded under this measure.", name=cycle.name),
              "success")
    return redirect(url_for("programs_staff.measure", measure_id=measure.id))
