"""Residents' side of a project's discussion: writing a comment, replying, editing one's own,
reporting one to the moderators; and what the project page shows of the discussion.

The project page (``portal.projects``, a floor below) asks the template global
``project_discussion`` for the comments and the forms, and includes
``discussion/_project.html``. The forms there post here; each page here also stands on its
own (a form that comes back with a problem keeps its text), so nothing needs JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from portal.accounts.access import guard_blueprint
from portal.clock import utcnow
from portal.cycles.rules import DiscussionPeriod
from portal.db import db_session
from portal.discussion import permissions, rules, services
from portal.discussion.forms import CommentForm, EditForm, ReplyForm, ReportForm
from portal.discussion.messages import PROBLEMS, hide_reason_label, voice_label
from portal.discussion.models import Comment
from portal.forms import show_refusal
from portal.i18n import _
from portal.projects import permissions as project_permissions
from portal.projects.models import Project
from portal.projects.rules import PUBLIC
from portal.refusal import Refused

bp = Blueprint("discussion", __name__, url_prefix="/discussion")
guard_blueprint(bp)

#: The rel of every link in a comment: not endorsed, written by users, no window handle.
LINK_REL = "nofollow ugc noopener"


@bp.app_template_filter("comment_text")
def comment_text(text: str) -> Markup:
    """A comment as HTML: every piece escaped, its web addresses (and only those) links."""
    html = []
    for piece, is_link in rules.segments(text):
        if is_link:
            html.append(Markup('<a href="{0}" rel="{1}">{0}</a>').format(piece, LINK_REL))
        else:
            html.append(escape(piece))
    return Markup("").join(html)


@bp.app_template_filter("voice_label")
def voice_filter(voice) -> str:
    return voice_label(voice)


@bp.app_template_filter("hide_reason")
def hide_reason_filter(reason) -> str:
    return hide_reason_label(reason)


@dataclass(frozen=True)
class Discussion:
    """What the project page shows of the discussion, for the person looking."""

    comments: list[Comment]
    open: bool
    closing: datetime | None
    period: DiscussionPeriod
    writer: rules.Speaker | None
    moderator: bool

    @property
    def count(self) -> int:
        return sum(1 + len(c.replies) for c in self.comments)

    @property
    def may_write(self) -> bool:
        return self.open and self.writer is not None and (
            self.writer.verified or self.writer.moderator)


@bp.app_template_global()
def project_discussion(project: Project) -> Discussion | None:
    """The discussion of a submitted project (None for a draft, which has none)."""
    if project.status not in PUBLIC:
        return None
    session = db_session()
    now = utcnow()
    return Discussion(
        comments=services.project_comments(session, project),
        open=services.discussion_open(project, now), closing=services.closing_of(project.cycle),
        period=project.cycle.discussion_period,
        writer=services.speaker_of(session, current_user, project),
        moderator=permissions.can_moderate(current_user))


@bp.app_context_processor
def discussion_forms() -> dict:
    """The forms the project page makes where it shows them (each makes a CSRF token)."""
    return {"comment_form": CommentForm, "reply_form": ReplyForm, "report_form": ReportForm,
            "discussion_permissions": permissions}


def _project(project_id: int) -> Project:
    """Load, then authorise: a project the person may not see is not found."""
    project = db_session().get(Project, project_id)
    if project is None or not project_permissions.can_view(current_user, project):
        abort(404)
    return project


def _comment(comment_id: int) -> tuple[Comment, Project]:
    comment = services.comment_or_none(db_session(), comment_id) or abort(404)
    return comment, _project(comment.project_id)


def _to(project: Project, comment: Comment | None = None):
    anchor = f"comment-{comment.id}" if comment is not None else "discussion-h"
    return redirect(url_for("projects.page", project_id=project.id, _anchor=anchor))


def _per_hour() -> int:
    return int(current_app.config.get("DISCUSSION_COMMENTS_PER_HOUR", rules.DEFAULT_PER_HOUR))


def _post(project: Project, form, parent: Comment | None):
    """Post the form's text on ``project``; the comment's place on the project page, or
    None with the refusal on the form."""
    try:
        comment = services.post_comment(db_session(), actor=current_user, project=project,
                                        text=form.text.data or "", parent=parent,
                                        now=utcnow(), per_hour=_per_hour())
    except Refused as refused:
        show_refusal(refused, form)
        return None
    flash(_("Your reply is published.") if parent else _("Your comment is published."),
          "success")
    return _to(project, comment)


@bp.route("/projects/<int:project_id>/comment", methods=["GET", "POST"])
def write(project_id: int):
    project = _project(project_id)
    form = CommentForm.from_request()
    if form.submitted_and_valid and (done := _post(project, form, None)):
        return done
    return render_template("discussion/write.html", project=project, form=form, parent=None,
                           discussion=project_discussion(project))


@bp.route("/comments/<int:comment_id>/reply", methods=["GET", "POST"])
def reply(comment_id: int):
    parent, project = _comment(comment_id)
    form = ReplyForm.from_request()
    if form.submitted_and_valid and (done := _post(project, form, parent)):
        return done
    return render_template("discussion/write.html", project=project, form=form, parent=parent,
                           discussion=project_discussion(project))


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit(comment_id: int):
    comment, project = _comment(comment_id)
    if not permissions.can_edit(current_user, comment):
        abort(403)
    form = EditForm.from_request(data={"text": comment.text})
    if form.submitted_and_valid:
        try:
            services.edit_comment(db_session(), actor=current_user, comment=comment,
                                  text=form.text.data or "", now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The comment is changed; its earlier text is kept on record."), "success")
            return _to(project, comment)
    return render_template("discussion/edit.html", project=project, comment=comment,
                           form=form, open=services.discussion_open(project, utcnow()))


@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
def report(comment_id: int):
    comment, project = _comment(comment_id)
    form = ReportForm.from_request()
    if form.submitted_and_valid:
        try:
            services.report_comment(db_session(), actor=current_user, comment=comment,
                                    note=form.note.data or "", now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("Thank you: the moderators will look at the comment."), "success")
            return _to(project, comment)
    refusal = None
    if not permissions.can_report(current_user, comment):
        refusal = PROBLEMS.text(rules.DiscussionProblem.OWN_COMMENT if not comment.hidden
                                else rules.DiscussionProblem.ALREADY_HIDDEN)
    return render_template("discussion/report.html", project=project, comment=comment,
                           form=form, refusal=refusal)
