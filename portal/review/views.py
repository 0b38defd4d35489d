"""Public review pages (meetings, protocols, a project's review) and the author's complaint.

Open to everyone except the complaint form. The departments' expertise is in
``staff.py``, the commission's pages in ``commission.py``, the roster in ``admin.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import format_date
from flask_login import current_user

from portal.accounts.access import guard_blueprint
from portal.clock import kyiv_today, utcnow
from portal.cycles.models import Cycle
from portal.db import db_session
from portal.documents import digest_of, file_or_wait
from portal.forms import show_refusal
from portal.i18n import _, get_locale
from portal.projects.models import Project
from portal.projects.rules import PUBLIC
from portal.refusal import Refused
from portal.review import decisions, permissions, services
from portal.review.documents import DOCX_MIME
from portal.review.forms import (
    ComplaintForm,
)
from portal.review.jobs import make_protocol_file
from portal.review.messages import KIND_LABELS, REASON_LABELS
from portal.review.models import Expertise, Meeting
from portal.review.permissions import can_see_meeting, is_author
from portal.review.protocol import build_protocol
from portal.review.rules import DecisionKind, RejectionReason
from portal.tenancy.routing import here as community_here

bp = Blueprint("review", __name__, url_prefix="/review")
guard_blueprint(bp, public=["cycle_meetings", "meeting", "protocol", "protocol_docx",
                            "protocol_pdf", "project_review"])



def public_project_or_404(project_id: int) -> Project:
    project = db_session().get(Project, project_id)
    if project is None or project.status not in PUBLIC:
        abort(404)
    return project


def visible_meeting_or_404(meeting_id: int) -> Meeting:
    meeting = db_session().get(Meeting, meeting_id)
    if meeting is None or not can_see_meeting(current_user, meeting):
        abort(404)
    return meeting


@dataclass(frozen=True)
class ProjectReview:
    """What the project page shows of the review: expertise, decisions, complaints."""

    expertise: Expertise | None
    decisions: list
    superseded: set[int]
    complaints: list
    window: decisions.ComplaintWindow | None
    may_complain: bool


@bp.app_template_global()
def review_of(project: Project) -> ProjectReview:
    """The review of ``project`` for ``templates/review/_project_review.html``."""
    session = db_session()
    found = decisions.project_decisions(session, project)
    window = decisions.complaint_window(session, project, kyiv_today())
    complaints = decisions.complaints_of(session, project)
    contested = {c.rejection_id for c in complaints}
    return ProjectReview(
        expertise=services.latest_expertise(session, project),
        decisions=found,
        superseded={d.supersedes_id for d in found if d.supersedes_id},
        complaints=complaints,
        window=window,
        may_complain=bool(window and window.open and window.rejection.id not in contested
                          and is_author(current_user, project)),
    )


# The templates also use ``hryvnias`` and ``quantity``, the projects part's filters.


@bp.app_template_filter("date_long")
def date_long_filter(value: date) -> str:
    return format_date(value, "long")


@bp.app_context_processor
def review_predicates() -> dict:
    """The predicates the review's views enforce, for templates to hide what they refuse."""
    return {"review_permissions": permissions}


@bp.app_template_global()
def kind_label(kind: DecisionKind) -> str:
    return str(KIND_LABELS[kind])


@bp.app_template_global()
def reason_label(reason: RejectionReason) -> str:
    return str(REASON_LABELS[reason])


def _labels() -> dict:
    return {"kind_labels": KIND_LABELS, "reason_labels": REASON_LABELS}


@bp.route("/cycles/<int:cycle_id>/meetings")
def cycle_meetings(cycle_id: int):
    session = db_session()
    cycle = session.get(Cycle, cycle_id) or abort(404)
    meetings = services.meetings_of(session, cycle, public_only=True)
    return render_template("review/meetings.html", cycle=cycle, meetings=meetings)


@bp.route("/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    found = visible_meeting_or_404(meeting_id)
    by_project: dict = {}
    for decision in found.decisions:
        by_project.setdefault(decision.project_id, []).append(decision)
    return render_template("review/meeting.html", meeting=found, by_project=by_project,
                           **_labels())


def _protocol(meeting: Meeting):
    return build_protocol(db_session(), meeting, community=community_here().name)


def _protocol_html(meeting: Meeting, *, for_pdf: bool) -> str:
    return render_template("review/protocol.html", p=_protocol(meeting), for_pdf=for_pdf,
                           meeting_id=meeting.id,
                           back_url=url_for("review.meeting", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/protocol")
def protocol(meeting_id: int):
    return _protocol_html(visible_meeting_or_404(meeting_id), for_pdf=False)


#: Raised when the protocol's PDF or DOCX changes for the same protocol: old files go unused.
PROTOCOL_FILES_VERSION = "1"


def _protocol_file(meeting_id: int, fmt: str, mimetype: str) -> Response:
    """The protocol's file, made by the worker once per content (``portal.documents``)."""
    found = visible_meeting_or_404(meeting_id)
    protocol = _protocol(found)
    html = _protocol_html(found, for_pdf=True)
    filename = f"{protocol.file_stem}.{fmt}"
    locale = str(get_locale())
    return file_or_wait(digest_of("protocol", fmt, PROTOCOL_FILES_VERSION, html),
                        mimetype=mimetype, filename=filename, disposition="attachment",
                        make=make_protocol_file,
                        args=(protocol, html, fmt, locale, mimetype, filename),
                        title=protocol.title)


@bp.route("/meetings/<int:meeting_id>/protocol.docx", endpoint="protocol_docx")
def protocol_docx_file(meeting_id: int):
    return _protocol_file(meeting_id, "docx", DOCX_MIME)


@bp.route("/meetings/<int:meeting_id>/protocol.pdf", endpoint="protocol_pdf")
def protocol_pdf_file(meeting_id: int):
    return _protocol_file(meeting_id, "pdf", "application/pdf")


@bp.route("/projects/<int:project_id>")
def project_review(project_id: int):
    project = public_project_or_404(project_id)
    return render_template("review/project.html", project=project, **_labels())


@bp.route("/projects/<int:project_id>/complaint", methods=["GET", "POST"])
def complaint(project_id: int):
    session = db_session()
    project = public_project_or_404(project_id)
    if not is_author(current_user, project):
        abort(403)
    form = ComplaintForm.from_request()
    window = decisions.complaint_window(session, project, kyiv_today())
    if form.submitted_and_valid:
        try:
            decisions.file_complaint(session, actor=current_user, project=project,
                                     text=form.text.data, today=kyiv_today(), now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("Your complaint is filed. The commission will rule on it at a meeting."),
                  "success")
            return redirect(url_for("review.project_review", project_id=project.id))
    return render_template("review/complaint.html", project=project, form=form,
                           window=window, **_labels())
