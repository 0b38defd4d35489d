"""The staff's pages of implementation: each funded winner's status, progress and dated
updates with photos, and turning a cycle's approved winners into funding lines.
The request commits (``portal.db``); a refusal is shown with ``show_refusal``."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms import SelectChoice

from portal.accounts.access import guard_blueprint
from portal.clock import kyiv_today, utcnow
from portal.cycles.models import Cycle
from portal.db import db_session, get_or_404
from portal.forms import ActionForm, show_refusal
from portal.i18n import _, ngettext
from portal.implementation import services
from portal.implementation.forms import StatusForm, UpdateForm
from portal.implementation.funding import fund_winners as fund_winners_of
from portal.implementation.messages import UPLOADS, status_label
from portal.implementation.models import ImplementationUpdate
from portal.implementation.rules import ImplementationStatus
from portal.programs.models import FundingLine
from portal.programs.permissions import MANAGERS
from portal.projects.views import upload_store
from portal.refusal import Refused
from portal.uploads import AttachmentKind, UploadProblem, check_upload

bp = Blueprint("implementation_staff", __name__, url_prefix="/staff/implementation")
guard_blueprint(bp, *MANAGERS)

MAX_PHOTOS = 10


def _status_form(line: FundingLine, *, submitted: bool) -> StatusForm:
    record = line.implementation
    if submitted:
        form = StatusForm.from_request()
    else:
        form = StatusForm(status=(record.status if record else ImplementationStatus.PLANNED).value,
                          progress=record.progress if record else 0,
                          reason=record.reason if record else "",
                          tender_number=record.tender_number if record else "")
    form.status.choices = [SelectChoice(s.value, status_label(s)) for s in ImplementationStatus]
    return form


def _edit_page(line: FundingLine, form: StatusForm, update_form: UpdateForm, status: int = 200):
    return render_template("implementation/edit.html", line=line, record=line.implementation,
                           form=form, update_form=update_form, action=ActionForm(),
                           max_photos=MAX_PHOTOS), status


@bp.route("/<int:line_id>", methods=["GET", "POST"])
def edit(line_id: int):
    line = get_or_404(FundingLine, line_id)
    form = _status_form(line, submitted=request.method == "POST")
    if form.submitted_and_valid:
        try:
            services.set_status(db_session(), actor=current_user, line=line,
                                status=ImplementationStatus(form.status.data),
                                progress=form.progress.data, reason=form.reason.data or "",
                                tender_number=form.tender_number.data or "", now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The implementation status is saved."), "success")
            return redirect(url_for("implementation_staff.edit", line_id=line.id))
    return _edit_page(line, form, UpdateForm(posted_on=kyiv_today()),
                      400 if request.method == "POST" else 200)


def _checked_photos(form: UpdateForm) -> list | None:
    """The uploaded photos checked by content, or None after putting a problem on the form."""
    store = upload_store()
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    if len(files) > MAX_PHOTOS:
        form.add_error("photos", _("At most %(count)d photos at once.", count=MAX_PHOTOS))
        return None
    checked = []
    for storage in files:
        result = check_upload(storage.stream.read(store.max_bytes + 1), storage.filename,
                              max_bytes=store.max_bytes)
        if isinstance(result, UploadProblem) or result.type.kind is not AttachmentKind.PHOTO:
            code = result if isinstance(result, UploadProblem) else UploadProblem.NOT_ALLOWED
            form.add_error("photos", f"{storage.filename}: {UPLOADS.text(code)}")
            return None
        checked.append(result)
    return checked


@bp.route("/<int:line_id>/updates", methods=["POST"])
def post_update(line_id: int):
    line = get_or_404(FundingLine, line_id)
    form = UpdateForm.from_request()
    if form.validate() and (photos := _checked_photos(form)) is not None:
        try:
            services.post_update(db_session(), actor=current_user, line=line,
                                 posted_on=form.posted_on.data, text=form.text.data,
                                 photos=photos, store=upload_store(), today=kyiv_today(),
                                 now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The update is published."), "success")
            return redirect(url_for("implementation_staff.edit", line_id=line.id))
    return _edit_page(line, _status_form(line, submitted=False), form, 400)


@bp.route("/updates/<int:update_id>/delete", methods=["POST"])
def delete_update(update_id: int):
    update = get_or_404(ImplementationUpdate, update_id)
    line_id = update.implementation.line_id
    if ActionForm.from_request().validate():
        services.delete_update(db_session(), actor=current_user, update=update,
                               store=upload_store(), now=utcnow())
        flash(_("The update is removed."), "success")
    return redirect(url_for("implementation_staff.edit", line_id=line_id))


@bp.route("/cycles/<int:cycle_id>/fund-winners", methods=["POST"])
def fund_winners(cycle_id: int):
    """Turn the cycle's approved winners into funding lines (the approval step does it too)."""
    cycle = get_or_404(Cycle, cycle_id)
    if not ActionForm.from_request().validate():
        abort(400)
    try:
        lines = fund_winners_of(db_session(), cycle=cycle, actor=current_user, now=utcnow())
    except Refused as refused:
        show_refusal(refused)
        return redirect(url_for("reports.index"))
    flash(ngettext("%(num)d winner became a funding line.",
                   "%(num)d winners became funding lines.", len(lines)), "success")
    return redirect(url_for("programs_staff.measure", measure_id=cycle.measure_id))
