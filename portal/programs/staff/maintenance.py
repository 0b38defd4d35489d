"""Staff pages of program maintenance: the program, its decisions, tasks, measures, departments,
and the spreadsheet template and import. Each view parses and calls one service; the request
commits (``portal.db``), and a refusal is shown with ``show_refusal``."""

from __future__ import annotations

from flask import (
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.db import db_session, get_or_404
from portal.forms import ActionForm, show_refusal
from portal.i18n import _
from portal.programs import plan_import, program_sheet, services
from portal.programs.forms import (
    AmendmentForm,
    DepartmentForm,
    ExecutionTextForm,
    ImportForm,
    LineForm,
    MeasureForm,
    ProgramForm,
    TaskForm,
)
from portal.programs.messages import PROBLEMS, SHEET, SOURCE_LABELS
from portal.programs.models import (
    Department,
    Measure,
    MeasureExecutionText,
    Program,
    ProgramAmendment,
    Task,
)
from portal.programs.rules import FundingSource, ProgramProblem, parse_measure_number
from portal.programs.staff import bp
from portal.refusal import Refused

MAX_SHEET_BYTES = 5 * 1024 * 1024


def department_choices(blank: str | None = None) -> list[SelectChoice]:
    departments = db_session().scalars(select(Department).order_by(Department.name))
    choices = [SelectChoice(str(d.id), d.name) for d in departments]
    return [SelectChoice("", blank), *choices] if blank is not None else choices


PROGRAM_TEXTS = ("code", "title", "approved_by", "approval_number", "initiator", "basis",
                 "developer", "responsible_executor", "participants", "budgets", "goal")


def _program_data(form: ProgramForm) -> services.ProgramData:
    return services.ProgramData(
        start_year=form.start_year.data, end_year=form.end_year.data,
        approved_on=form.approved_on.data,
        signatories=services.signatories_from_lines(
            (form.signature_lines.data or "").splitlines()),
        **{name: (form[name].data or "").strip() for name in PROGRAM_TEXTS},
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = ProgramForm.from_request()
    if form.submitted_and_valid:
        try:
            program = services.create_program(db_session(), actor=current_user,
                                              data=_program_data(form), now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The program is created. Add its tasks and measures."), "success")
            return redirect(url_for("programs_staff.manage", program_id=program.id))
    return render_template("programs/staff/program_form.html", form=form, program=None)


@bp.route("/<int:program_id>/edit", methods=["GET", "POST"])
def edit(program_id: int):
    program = get_or_404(Program, program_id)
    form = ProgramForm.from_request(obj=program)
    if request.method == "GET":
        form.signature_lines.data = "\n".join(f"{position} | {person}" for position, person
                                               in program.signatory_list)
    if form.submitted_and_valid:
        try:
            services.update_program(db_session(), actor=current_user, program=program,
                                    data=_program_data(form), now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The program is saved."), "success")
            return redirect(url_for("programs_staff.manage", program_id=program.id))
    return render_template("programs/staff/program_form.html", form=form, program=program)


@bp.route("/<int:program_id>", methods=["GET"])
def manage(program_id: int):
    program = get_or_404(Program, program_id)
    return render_template(
        "programs/staff/manage.html", program=program, task_form=TaskForm(),
        measure_form=measure_form(), amendment_form=AmendmentForm(), action=ActionForm(),
    )


@bp.route("/<int:program_id>/publish", methods=["POST"])
def publish(program_id: int):
    program = get_or_404(Program, program_id)
    if ActionForm.from_request().validate():
        services.set_published(db_session(), actor=current_user, program=program,
                               published=not program.published, now=utcnow())
        flash(_("The program is published.") if program.published
              else _("The program is withdrawn from public view."), "success")
    return redirect(url_for("programs_staff.manage", program_id=program.id))


@bp.route("/<int:program_id>/amendments", methods=["POST"])
def add_amendment(program_id: int):
    program = get_or_404(Program, program_id)
    form = AmendmentForm.from_request()
    if form.validate():
        try:
            services.add_amendment(db_session(), actor=current_user, program=program,
                                   decided_by=form.decided_by.data, decided_on=form.decided_on.data,
                                   number=form.number.data, summary=form.summary.data or "",
                                   now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The amendment is recorded."), "success")
            return redirect(url_for("programs_staff.manage", program_id=program.id))
    return render_template("programs/staff/manage.html", program=program, task_form=TaskForm(),
                           measure_form=measure_form(), amendment_form=form,
                           action=ActionForm()), 400


@bp.route("/amendments/<int:amendment_id>/delete", methods=["POST"])
def delete_amendment(amendment_id: int):
    amendment = get_or_404(ProgramAmendment, amendment_id)
    program_id = amendment.program_id
    if ActionForm.from_request().validate():
        services.remove_amendment(db_session(), actor=current_user, amendment=amendment,
                                  now=utcnow())
        flash(_("The amendment is removed."), "success")
    return redirect(url_for("programs_staff.manage", program_id=program_id))


@bp.route("/<int:program_id>/tasks", methods=["POST"])
@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"], endpoint="task")
def save_task(program_id: int | None = None, task_id: int | None = None):
    task = get_or_404(Task, task_id) if task_id is not None else None
    program = task.program if task else get_or_404(Program, program_id)
    form = TaskForm.from_request(obj=task)
    if form.submitted_and_valid:
        try:
            services.save_task(db_session(), actor=current_user, program=program,
                               number=form.number.data, title=form.title.data, task=task,
                               now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The task is saved."), "success")
            return redirect(url_for("programs_staff.manage", program_id=program.id))
    status = 400 if request.method == "POST" else 200
    return render_template("programs/staff/task_form.html", form=form, program=program,
                           task=task, action=ActionForm()), status


@bp.route("/tasks/<int:task_id>/delete", methods=["POST"])
def delete_task(task_id: int):
    task = get_or_404(Task, task_id)
    program_id = task.program_id
    if ActionForm.from_request().validate():
        try:
            services.delete_task(db_session(), actor=current_user, task=task, now=utcnow())
        except Refused as refused:
            show_refusal(refused)
        else:
            flash(_("The task is deleted."), "success")
    return redirect(url_for("programs_staff.manage", program_id=program_id))


def measure_form(measure: Measure | None = None) -> MeasureForm:
    form = MeasureForm.from_request(obj=measure)
    form.departments.choices = department_choices()
    if measure is not None and request.method == "GET":
        form.number.data = measure.number
        form.departments.data = [d.id for d in measure.departments]
    return form


def _measure_task(program: Program, form: MeasureForm) -> tuple[Task, int] | None:
    parsed = parse_measure_number(form.number.data)
    if not isinstance(parsed, tuple):
        form.add_error("number", PROBLEMS.text(parsed))
        return None
    task = next((t for t in program.tasks if t.number == parsed[0]), None)
    if task is None:
        form.add_error("number", PROBLEMS.text(ProgramProblem.UNKNOWN_TASK))
        return None
    return task, parsed[1]


@bp.route("/<int:program_id>/measures", methods=["POST"])
@bp.route("/measures/<int:measure_id>", methods=["GET", "POST"], endpoint="measure")
def save_measure(program_id: int | None = None, measure_id: int | None = None):
    measure = get_or_404(Measure, measure_id) if measure_id is not None else None
    program = measure.task.program if measure else get_or_404(Program, program_id)
    form = measure_form(measure)
    if form.submitted_and_valid and (found := _measure_task(program, form)):
        task, seq = found
        data = services.MeasureData(seq=seq, content=form.content.data, term=form.term.data or "",
                                    executors=form.executors.data or "",
                                    expected_results=form.expected_results.data or "",
                                    department_ids=form.departments.data or [])
        try:
            saved = services.save_measure(db_session(), actor=current_user, task=task,
                                          data=data, measure=measure, now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The measure is saved."), "success")
            return redirect(url_for("programs_staff.measure", measure_id=saved.id))
    if measure is None:
        return render_template("programs/staff/manage.html", program=program,
                               task_form=TaskForm(), measure_form=form,
                               amendment_form=AmendmentForm(), action=ActionForm()), 400
    return measure_page(measure, form), 400 if request.method == "POST" else 200


def measure_page(measure: Measure, form: MeasureForm, line_form: LineForm | None = None,
                  text_form: ExecutionTextForm | None = None):
    program = measure.task.program
    if line_form is None:
        line_form = LineForm()
        line_form.year.choices = [SelectChoice(str(y), str(y)) for y in program.years]
        line_form.source.choices = [SelectChoice(s.value, str(SOURCE_LABELS[s]))
                                    for s in FundingSource]
        line_form.department.choices = department_choices(_("— not named —"))
    texts = {t.year: t.text for t in _execution_texts(measure)}
    cycles = db_session().scalars(select(Cycle).order_by(Cycle.budget_year.desc(),
                                                         Cycle.name)).all()
    return render_template("programs/staff/measure.html", measure=measure, program=program,
                           form=form, line_form=line_form, texts=texts,
                           text_form=text_form or ExecutionTextForm(), action=ActionForm(),
                           cycles=[c for c in cycles if c.budget_year in program.years],
                           linked=[c for c in cycles if c.measure_id == measure.id])


def _execution_texts(measure: Measure):
    return db_session().scalars(select(MeasureExecutionText)
                                .where(MeasureExecutionText.measure_id == measure.id))


@bp.route("/measures/<int:measure_id>/delete", methods=["POST"])
def delete_measure(measure_id: int):
    measure = get_or_404(Measure, measure_id)
    program_id = measure.task.program_id
    if ActionForm.from_request().validate():
        try:
            services.delete_measure(db_session(), actor=current_user, measure=measure,
                                    now=utcnow())
        except Refused as refused:
            show_refusal(refused)
            return redirect(url_for("programs_staff.measure", measure_id=measure_id))
        flash(_("The measure is deleted."), "success")
    return redirect(url_for("programs_staff.manage", program_id=program_id))


@bp.route("/departments", methods=["GET", "POST"])
def departments():
    form = DepartmentForm.from_request()
    if form.submitted_and_valid:
        try:
            services.save_department(db_session(), actor=current_user, name=form.name.data,
                                     now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The department is added."), "success")
            return redirect(url_for("programs_staff.departments"))
    listed = db_session().scalars(select(Department).order_by(Department.name)).all()
    return render_template("programs/staff/departments.html", form=form, departments=listed,
                           action=ActionForm())


@bp.route("/departments/<int:department_id>/delete", methods=["POST"])
def delete_department(department_id: int):
    department = get_or_404(Department, department_id)
    if ActionForm.from_request().validate():
        try:
            services.delete_department(db_session(), actor=current_user, department=department,
                                       now=utcnow())
        except Refused as refused:
            show_refusal(refused)
        else:
            flash(_("The department is removed."), "success")
    return redirect(url_for("programs_staff.departments"))


@bp.route("/<int:program_id>/template.<any(xlsx, csv):fmt>")
def template(program_id: int, fmt: str):
    program = get_or_404(Program, program_id)
    rows = plan_import.program_template_rows(db_session(), program)
    if fmt == "csv":
        content, mimetype = program_sheet.rows_to_csv(rows), "text/csv; charset=utf-8"
    else:
        content = program_sheet.rows_to_xlsx(rows, _sheet_instructions())
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = make_response(content)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{program.code}-plan.{fmt}"')
    return response


def _sheet_instructions() -> list[str]:
    return [
        _("One row per measure and source of funding; the first row names the columns."),
        _("task: the task's number; task_title: its title, on the task's first row."),
        _("measure: the measure's number, e.g. 3.3; content, term, executors, "
          "expected_results: its texts, on the measure's first row."),
        _("source: city_budget, state_budget or other; leave it and the amounts empty when "
          "the measure needs no funding."),
        _("One column per year of the program: the planned amount in thousands of hryvnias, "
          "e.g. 34,0."),
        _("Importing updates tasks, measures and planned amounts with the same numbers and "
          "adds new ones; nothing is deleted. A file with any problem changes nothing."),
    ]


@bp.route("/<int:program_id>/import", methods=["GET", "POST"])
def import_plan(program_id: int):
    program = get_or_404(Program, program_id)
    form = ImportForm.from_request()
    problems = []
    if form.submitted_and_valid:
        storage = form.file.data
        content = storage.read(MAX_SHEET_BYTES + 1) if storage else b""
        table = (program_sheet.SheetProblem.TOO_MANY_ROWS if len(content) > MAX_SHEET_BYTES
                 else program_sheet.read_table(content, storage.filename or ""))
        if isinstance(table, program_sheet.SheetProblem):
            form.add_error("file", SHEET.text(table))
        else:
            plan, found = program_sheet.parse_plan(table, program.years)
            problems = [(p.line, p.column, SHEET.text(p.code), p.value) for p in found[:200]]
            if found:
                form.add_error("file", _("Nothing was imported: the file has %(count)d "
                                         "problems.", count=len(found)))
            else:
                try:
                    summary = plan_import.import_plan(db_session(), actor=current_user,
                                                      program=program, plan=plan, now=utcnow())
                except Refused as refused:
                    show_refusal(refused, form)
                else:
                    flash(_("Imported %(tasks)d tasks, %(measures)d measures and %(lines)d "
                            "planned amounts.", tasks=summary.tasks, measures=summary.measures,
                            lines=summary.lines), "success")
                    return redirect(url_for("programs_staff.manage", program_id=program.id))
    return render_template("programs/staff/import.html", program=program, form=form,
                           problems=problems, instructions=_sheet_instructions()
                           ), 400 if request.method == "POST" else 200
