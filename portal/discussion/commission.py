"""The moderators' pages of the discussion: the queue of reported comments (and those hidden
lately), a comment with its earlier texts and reports, and the steps on it: hide with a
reason, restore, dismiss the reports. For the commission and the department's staff (and
administrators); every step goes to the audit log (``portal.discussion.services``).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.access import guard_blueprint
from portal.clock import utcnow
from portal.db import db_session
from portal.discussion import services
from portal.discussion.forms import HideForm
from portal.discussion.models import Comment
from portal.discussion.permissions import MODERATORS
from portal.discussion.rules import HideReason
from portal.forms import ActionForm, show_refusal
from portal.i18n import _
from portal.projects.models import Project
from portal.refusal import Refused

bp = Blueprint("discussion_commission", __name__, url_prefix="/commission/discussion")
guard_blueprint(bp, *MODERATORS)


def _comment(comment_id: int) -> Comment:
    return services.comment_or_none(db_session(), comment_id) or abort(404)


def _page(comment: Comment, hide_form: HideForm | None = None):
    return render_template(
        "discussion/commission_comment.html", comment=comment,
        project=db_session().get(Project, comment.project_id),
        hide_form=hide_form or HideForm(), action=ActionForm())


def _back(comment: Comment):
    return redirect(url_for("discussion_commission.comment", comment_id=comment.id))


@bp.route("/")
def queue():
    session = db_session()
    return render_template("discussion/commission_queue.html",
                           reported=services.reported(session),
                           hidden=services.recently_hidden(session))


@bp.route("/comments/<int:comment_id>")
def comment(comment_id: int):
    return _page(_comment(comment_id))


@bp.route("/comments/<int:comment_id>/hide", methods=["POST"])
def hide(comment_id: int):
    found = _comment(comment_id)
    form = HideForm.from_request()
    valid = form.validate()
    if form.csrf_token.errors:
        abort(400)
    if valid:
        try:
            services.hide_comment(db_session(), actor=current_user, comment=found,
                                  reason=HideReason(form.reason.data),
                                  note=form.note.data or "", now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The comment is hidden. Its place shows the reason."), "success")
            return _back(found)
    return _page(found, form)


def _step(comment_id: int, act, done: str):
    found = _comment(comment_id)
    if not ActionForm.from_request().validate():
        abort(400)
    try:
        act(db_session(), actor=current_user, comment=found, now=utcnow())
    except Refused as refused:
        show_refusal(refused)
    else:
        flash(done, "success")
    return _back(found)


@bp.route("/comments/<int:comment_id>/restore", methods=["POST"])
def restore(comment_id: int):
    return _step(comment_id, services.restore_comment, _("The comment is shown again."))


@bp.route("/comments/<int:comment_id>/dismiss", methods=["POST"])
def dismiss(comment_id: int):
    return _step(comment_id, services.dismiss_reports,
                 _("The reports are closed; the comment stays as it is."))
