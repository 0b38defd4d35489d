"""Authoring pages: my projects, drafting and editing, files, co-authors, submitting,
withdrawing, and supporting a project, on the ``projects`` blueprint. Every page needs a
signed-in account; what each person may do with a given project is decided by
``portal.projects.permissions``."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from portal.clock import utcnow
from portal.cycles import services as cycles
from portal.cycles.messages import phase_label
from portal.cycles.models import Cycle
from portal.db import db_session
from portal.forms import ActionForm, show_refusal
from portal.i18n import _
from portal.links import external_url
from portal.mail import send_mail
from portal.projects import participation, permissions, queries, services
from portal.projects.drafting import ProjectFormReader, fill_form, rearrange_lines
from portal.projects.forms import InviteForm, ProjectForm, UploadForm, WithdrawForm
from portal.projects.messages import PROBLEMS
from portal.projects.models import Attachment, CoAuthor, Project
from portal.projects.views import bp, upload_store
from portal.refusal import Refused
from portal.uploads import UploadProblem, check_upload


def _project(project_id: int, allowed) -> Project:
    """Load, then authorise: a project the user may not see is not found."""
    project = queries.project_for_page(db_session(), project_id)
    if project is None or not permissions.can_view(current_user, project):
        abort(404)
    if not allowed(current_user, project):
        abort(403)
    return project


def _back(project: Project):
    return redirect(url_for("projects.page", project_id=project.id))


@bp.route("/mine")
def mine():
    session = db_session()
    now = utcnow()
    return render_template("projects/mine.html",
                           projects=queries.projects_of(session, current_user),
                           open_cycles=cycles.cycles_open_for_submission(session, now))


def _open_cycle(session, now) -> Cycle | None:
    open_cycles = cycles.cycles_open_for_submission(session, now)
    wanted = request.args.get("cycle", "")
    return next((c for c in open_cycles if str(c.id) == wanted),
                open_cycles[0] if open_cycles else None)


@bp.route("/new", methods=["GET", "POST"])
def new():
    session = db_session()
    now = utcnow()
    cycle = _open_cycle(session, now)
    if cycle is None:
        show_refusal(Refused(PROBLEMS("submission_closed")))
        return redirect(url_for("projects.mine"))
    form = ProjectForm.from_request()
    fill_form(form, cycle, session)
    problems = services.eligibility.drafting_problems(
        services.person_of(session, current_user, now), min_age=cycle.min_age_submit,
        phase=cycle.phase(now))
    refusals = [PROBLEMS.text(p) for p in problems]
    if request.method == "POST" and not refusals and not rearrange_lines(form):
        # Every row's problems are shown at once, even when another field is wrong too.
        valid = form.validate()
        reader = ProjectFormReader(form)
        if valid and reader.valid:
            try:
                project = services.create_draft(
                    session, cycle=cycle, category_id=reader.category_id, text=reader.text,
                    lines=reader.lines, actor=current_user, now=now)
            except Refused as refused:
                show_refusal(refused, form)
            else:
                flash(_("The draft is saved. Add photos, documents and co-authors, then "
                        "submit it."), "success")
                return redirect(url_for("projects.edit", project_id=project.id))
    # A form that cannot be saved is not shown: the page says what to do first instead.
    return render_template(
        "projects/edit.html", form=form, cycle=cycle, project=None, refusals=refusals,
        needs_verification=services.eligibility.Refusal.NOT_VERIFIED in problems,
        phase_label=phase_label)


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
def edit(project_id: int):
    session = db_session()
    project = _project(project_id, permissions.can_edit)
    form = ProjectForm.from_request()
    fill_form(form, project.cycle, session, project=project)
    if request.method == "POST" and not rearrange_lines(form):
        valid = form.validate()
        reader = ProjectFormReader(form)
        if valid and reader.valid:
            try:
                services.update_draft(session, project=project, category_id=reader.category_id,
                                      text=reader.text, lines=reader.lines,
                                      actor=current_user, now=utcnow())
            except Refused as refused:
                show_refusal(refused, form)
            else:
                flash(_("The project is saved."), "success")
                return redirect(url_for("projects.edit", project_id=project.id))
    return render_template(
        "projects/edit.html", form=form, cycle=project.cycle, project=project, refusals=[],
        upload_form=UploadForm(), invite_form=InviteForm(), action=ActionForm(),
        permissions=permissions, phase_label=phase_label,
        max_mb=upload_store().max_bytes // (1024 * 1024))


@bp.route("/<int:project_id>/attachments", methods=["POST"])
def upload(project_id: int):
    project = _project(project_id, permissions.can_edit)
    store = upload_store()
    limit = str(store.max_bytes // (1024 * 1024))
    try:
        form = UploadForm.from_request()
    except RequestEntityTooLarge:
        # The request was larger than the portal reads at all; nothing was stored.
        show_refusal(Refused(PROBLEMS(UploadProblem.TOO_LARGE, limit=limit)))
        return redirect(url_for("projects.edit", project_id=project.id))
    storage = form.file.data
    if not form.validate() or storage is None or not hasattr(storage, "stream"):
        flash(PROBLEMS.text(UploadProblem.EMPTY) if not form.csrf_token.errors
              else form.csrf_token.errors[0], "error")
        return redirect(url_for("projects.edit", project_id=project.id))
    checked = check_upload(storage.stream.read(store.max_bytes + 1), storage.filename or "",
                           max_bytes=store.max_bytes)
    if isinstance(checked, UploadProblem):
        values = {"limit": limit} if checked is UploadProblem.TOO_LARGE else {}
        show_refusal(Refused(PROBLEMS(checked, **values)))
        return redirect(url_for("projects.edit", project_id=project.id))
    try:
        participation.add_attachment(db_session(), project=project, checked=checked, store=store,
                                     actor=current_user, now=utcnow())
    except Refused as refused:
        show_refusal(refused)
    else:
        flash(_("The file %(name)s is attached.", name=checked.original_name), "success")
    return redirect(url_for("projects.edit", project_id=project.id))


@bp.route("/<int:project_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
def delete_attachment(project_id: int, attachment_id: int):
    project = _project(project_id, permissions.can_edit)
    found: Attachment | None = next(
        (a for a in project.attachments if a.id == attachment_id), None)
    if found is None:
        abort(404)
    if not ActionForm.from_request().validate():
        abort(400)
    stored_name = participation.remove_attachment(db_session(), attachment=found,
                                                  actor=current_user, now=utcnow())
    upload_store().remove(stored_name)  # once the removal is committed
    flash(_("The file is removed."), "success")
    return redirect(url_for("projects.edit", project_id=project.id))


@bp.route("/<int:project_id>/coauthors", methods=["POST"])
def invite(project_id: int):
    project = _project(project_id, permissions.can_manage_team)
    form = InviteForm.from_request()
    if not form.validate():
        show_refusal(Refused(PROBLEMS("coauthor_email_invalid", "email")))
        return redirect(url_for("projects.edit", project_id=project.id))
    try:
        token = participation.invite_coauthor(db_session(), project=project,
                                              email=form.email.data, actor=current_user,
                                              now=utcnow())
    except Refused as refused:
        show_refusal(refused)
        return redirect(url_for("projects.edit", project_id=project.id))
    to = form.email.data.strip()
    subject = _("Invitation to co-author a project")
    body = _("%(name)s invites you to be a co-author of the project \"%(title)s\" of the "
             "participatory budget.\n\nTo accept, log in (or register) with this e-mail "
             "address and open:\n%(link)s\n\nIf you do not know this person, ignore this "
             "letter.", name=current_user.display_name, title=project.title,
             link=external_url("projects.confirm_coauthor", token=token))
    send_mail(to, subject, body)
    flash(_("The invitation is sent to %(email)s.", email=form.email.data.strip()), "success")
    return redirect(url_for("projects.edit", project_id=project.id))


@bp.route("/<int:project_id>/coauthors/<int:coauthor_id>/delete", methods=["POST"])
def remove_coauthor(project_id: int, coauthor_id: int):
    project = _project(project_id, permissions.can_manage_team)
    found: CoAuthor | None = next((c for c in project.coauthors if c.id == coauthor_id), None)
    if found is None:
        abort(404)
    if not ActionForm.from_request().validate():
        abort(400)
    participation.remove_coauthor(db_session(), coauthor=found, actor=current_user,
                                  now=utcnow())
    flash(_("The co-author is removed."), "success")
    return redirect(url_for("projects.edit", project_id=project.id))


@bp.route("/coauthor/<token>", methods=["GET", "POST"])
def confirm_coauthor(token: str):
    session = db_session()
    invitation = participation.find_invitation(session, token)
    form = ActionForm.from_request()
    if invitation is not None and form.submitted_and_valid:
        try:
            participation.confirm_coauthor(session, token=token, user=current_user,
                                           now=utcnow())
        except Refused as refused:
            show_refusal(refused)
        else:
            flash(_("You are now a co-author of this project."), "success")
            return redirect(url_for("projects.page", project_id=invitation.project_id))
    page = render_template("projects/coauthor.html", invitation=invitation, form=form)
    return page, 404 if invitation is None else 200


def _action(project_id: int, allowed, act, done: str, form_class=ActionForm):
    """One POSTed change of a project by its author, then back to the project's page."""
    project = _project(project_id, allowed)
    form = form_class.from_request()
    if not form.validate():
        abort(400)
    try:
        act(db_session(), project, form)
    except Refused as refused:
        show_refusal(refused)
    else:
        flash(done, "success")
    return _back(project)


@bp.route("/<int:project_id>/submit", methods=["POST"])
def submit(project_id: int):
    return _action(project_id, permissions.can_submit, lambda s, p, f: services.submit_project(
        s, project=p, actor=current_user, now=utcnow()),
        _("The project is submitted and registered."))


@bp.route("/<int:project_id>/resubmit", methods=["POST"])
def resubmit(project_id: int):
    return _action(project_id, permissions.can_resubmit,
                   lambda s, p, f: services.resubmit_project(s, project=p, actor=current_user,
                                                             now=utcnow()),
                   _("The revised project is sent to the commission."))


@bp.route("/<int:project_id>/withdraw", methods=["POST"])
def withdraw(project_id: int):
    return _action(project_id, permissions.can_withdraw,
                   lambda s, p, f: services.withdraw_project(
                       s, project=p, actor=current_user, reason=f.reason.data or "",
                       now=utcnow()),
                   _("The project is withdrawn."), form_class=WithdrawForm)


@bp.route("/<int:project_id>/delete", methods=["POST"])
def delete(project_id: int):
    project = _project(project_id, permissions.can_submit)
    if not ActionForm.from_request().validate():
        abort(400)
    stored = services.delete_draft(db_session(), project=project, actor=current_user,
                                   now=utcnow())
    store = upload_store()
    for name in stored:
        store.remove(name)  # once the deletion is committed
    flash(_("The draft is deleted."), "success")
    return redirect(url_for("projects.mine"))


@bp.route("/<int:project_id>/support", methods=["POST"])
def support(project_id: int):
    return _action(project_id, lambda user, project: True,
                   lambda s, p, f: participation.support_project(s, project=p, user=current_user,
                                                                 now=utcnow()),
                   _("Thank you: your support is counted."))

