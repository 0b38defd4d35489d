"""The commission's pages: meetings, attendance, agenda, decisions. For commission members
and administrators; the roster is the administrators' (``admin.py``).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import and_, func, or_, select
from wtforms import SelectChoice

from portal.accounts.access import guard_blueprint
from portal.accounts.models import Role
from portal.clock import kyiv_today, utcnow
from portal.cycles.models import Cycle
from portal.cycles.rules import Phase
from portal.db import db_session
from portal.forms import ActionForm, show_refusal
from portal.i18n import _
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus
from portal.refusal import Refused
from portal.review import decisions, services
from portal.review.forms import (
    DECISION_CHOICES,
    AgendaForm,
    AttendanceForm,
    DecisionForm,
    MeetingDetailsForm,
    NewMeetingForm,
)
from portal.review.messages import KIND_LABELS, REASON_LABELS
from portal.review.models import AgendaItem, Complaint, Expertise, Meeting, MeetingStatus
from portal.review.notices import send_decision_notices
from portal.review.rules import (
    DecisionChoice,
    RejectionReason,
    decision_choices,
    majority_size,
    quorum_size,
)

bp = Blueprint("review_commission", __name__, url_prefix="/commission/review")
guard_blueprint(bp, Role.COMMISSION, Role.ADMIN)



def _meeting_or_404(meeting_id: int) -> Meeting:
    return db_session().get(Meeting, meeting_id) or abort(404)


def _back(meeting: Meeting):
    return redirect(url_for("review_commission.meeting", meeting_id=meeting.id))


#: Phases in which the commission counts the votes and approves the results.
COUNTING_PHASES = frozenset({Phase.BETWEEN, Phase.RESULTS})


@bp.route("/")
def index():
    """The commission's start page: its meetings (open, then upcoming) and, per cycle, what
    awaits its decision (projects under review, complaints, results to approve)."""
    session = db_session()
    now = utcnow()
    cycles = session.execute(
        select(Cycle).order_by(Cycle.budget_year.desc(), Cycle.id.desc())).scalars().all()
    meetings = session.execute(
        select(Meeting).where(or_(
            Meeting.status == MeetingStatus.HELD,
            and_(Meeting.status == MeetingStatus.DRAFT, Meeting.held_on >= kyiv_today())))
        .order_by(Meeting.held_on, Meeting.number)).scalars().all()
    under_review = _count_by_cycle(session, select(Project.cycle_id, func.count()).where(
        Project.status == ProjectStatus.UNDER_REVIEW))
    assessed = _count_by_cycle(session, select(Project.cycle_id, func.count()).where(
        Project.status == ProjectStatus.UNDER_REVIEW,
        select(Expertise.id).where(Expertise.project_id == Project.id).exists()))
    complaints = _count_by_cycle(session, select(Project.cycle_id, func.count(Complaint.id))
                                 .join(Complaint, Complaint.project_id == Project.id)
                                 .where(Complaint.ruling_id.is_(None)))
    counting = {c.id for c in cycles if c.phase(now) in COUNTING_PHASES}
    awaiting = [c for c in cycles if under_review.get(c.id) or complaints.get(c.id)
                or c.id in counting]
    return render_template(
        "review/commission_index.html", cycles=cycles, meetings=meetings, awaiting=awaiting,
        under_review=under_review, assessed=assessed, complaints=complaints, counting=counting)


def _count_by_cycle(session, query) -> dict[int, int]:
    return dict(session.execute(query.group_by(Project.cycle_id)).all())


@bp.route("/cycles/<int:cycle_id>")
def cycle(cycle_id: int):
    session = db_session()
    found = session.get(Cycle, cycle_id) or abort(404)
    form = NewMeetingForm(number=services.next_meeting_number(session, found),
                          held_on=kyiv_today())
    return _cycle_page(found, form)


def _cycle_page(found: Cycle, form: NewMeetingForm):
    session = db_session()
    return render_template(
        "review/commission_cycle.html", cycle=found, form=form,
        meetings=services.meetings_of(session, found, public_only=False),
        seats=services.seats_of(session, found))


@bp.route("/cycles/<int:cycle_id>/meetings", methods=["POST"])
def create_meeting(cycle_id: int):
    session = db_session()
    found = session.get(Cycle, cycle_id) or abort(404)
    form = NewMeetingForm.from_request()
    if form.validate():
        try:
            created = services.create_meeting(
                session, actor=current_user, cycle=found, number=form.number.data,
                held_on=form.held_on.data, place=form.place.data, agenda=form.agenda.data or "",
                now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("Meeting No. %(number)d is created.", number=created.number), "success")
            return _back(created)
    return _cycle_page(found, form), 400


def _meeting_page(meeting: Meeting, *, details: MeetingDetailsForm | None = None, status=200):
    session = db_session()
    seats = services.seats_of(session, meeting.cycle)
    attendance = AttendanceForm(present=[a.seat_id for a in meeting.attendance])
    attendance.present.choices = [SelectChoice(s.id, f"{s.name} ({s.role.label})")
                                  for s in seats]
    on_agenda = {item.project_id for item in meeting.agenda_items}
    agenda = AgendaForm()
    agenda.project.choices = [
        SelectChoice(p.id, f"{p.registration_code} {p.title}")
        for p in services.reviewable_projects(session, meeting.cycle) if p.id not in on_agenda]
    if details is None:
        details = MeetingDetailsForm(obj=meeting)
    decided: dict = {}
    for decision in meeting.decisions:
        decided.setdefault(decision.project_id, []).append(decision)
    size = meeting.seats or len(seats)
    return render_template(
        "review/commission_meeting.html", meeting=meeting, seats=seats, details=details,
        attendance=attendance, agenda=agenda, decided=decided, action=ActionForm(),
        quorum=quorum_size(size) if size else 0, size=size,
        kind_labels=KIND_LABELS, reason_labels=REASON_LABELS, Status=MeetingStatus,
    ), status


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
def meeting(meeting_id: int):
    session = db_session()
    found = _meeting_or_404(meeting_id)
    form = MeetingDetailsForm.from_request(obj=found)
    if form.submitted_and_valid:
        try:
            services.update_meeting(session, actor=current_user, meeting=found,
                                    held_on=form.held_on.data, place=form.place.data,
                                    agenda=form.agenda.data or "",
                                    minutes=form.minutes.data or "", now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("The meeting is saved."), "success")
            return _back(found)
    return _meeting_page(found, details=form, status=400 if form.errors else 200)


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["POST"])
def attendance(meeting_id: int):
    session = db_session()
    found = _meeting_or_404(meeting_id)
    form = AttendanceForm.from_request()
    form.present.choices = [SelectChoice(s.id, s.name)
                            for s in services.seats_of(session, found.cycle)]
    if not form.validate():
        flash(_("Choose members from the list."), "error")
        return _back(found)
    try:
        services.set_attendance(session, actor=current_user, meeting=found,
                                seat_ids=set(form.present.data or []), now=utcnow())
    except Refused as refused:
        show_refusal(refused)
    else:
        flash(_("Attendance is saved: %(count)d present.", count=found.present), "success")
    return _back(found)


@bp.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
def agenda_add(meeting_id: int):
    session = db_session()
    found = _meeting_or_404(meeting_id)
    form = AgendaForm.from_request()
    form.project.choices = [SelectChoice(p.id, p.title)
                            for p in services.reviewable_projects(session, found.cycle)]
    if not form.validate():
        flash(_("Choose a project from the list."), "error")
        return _back(found)
    try:
        services.add_to_agenda(session, actor=current_user, meeting=found,
                               project=session.get(Project, form.project.data), now=utcnow())
    except Refused as refused:
        show_refusal(refused)
    return _back(found)


@bp.route("/meetings/<int:meeting_id>/agenda/<int:item_id>/remove", methods=["POST"])
def agenda_remove(meeting_id: int, item_id: int):
    session = db_session()
    found = _meeting_or_404(meeting_id)
    item = session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != found.id:
        abort(404)
    if ActionForm.from_request().validate():
        try:
            services.remove_from_agenda(session, actor=current_user, meeting=found, item=item,
                                        now=utcnow())
        except Refused as refused:
            show_refusal(refused)
    return _back(found)


def _status_change(meeting_id: int, change, done: str):
    session = db_session()
    found = _meeting_or_404(meeting_id)
    if not ActionForm.from_request().validate():
        flash(_("The form has expired or was sent from another page. Please send it again."),
              "error")
        return _back(found)
    try:
        change(session, actor=current_user, meeting=found, now=utcnow())
    except Refused as refused:
        show_refusal(refused)
    else:
        flash(done, "success")
    return _back(found)


@bp.route("/meetings/<int:meeting_id>/open", methods=["POST"])
def open_meeting(meeting_id: int):
    return _status_change(meeting_id, services.open_meeting, _("The meeting is opened."))


@bp.route("/meetings/<int:meeting_id>/close", methods=["POST"])
def close_meeting(meeting_id: int):
    return _status_change(meeting_id, services.close_meeting,
                          _("The meeting is closed; its protocol is final."))


# Deciding on a project -------------------------------------------------------------------


@bp.route("/meetings/<int:meeting_id>/projects/<int:project_id>", methods=["GET", "POST"])
def decide(meeting_id: int, project_id: int):
    session = db_session()
    found = _meeting_or_404(meeting_id)
    project = session.get(Project, project_id) or abort(404)
    if project_id not in {item.project_id for item in found.agenda_items}:
        abort(404)
    in_force = decisions.decision_in_force(session, project)
    form = DecisionForm.from_request()
    offered = decision_choices(
        project.status, complaint_open=decisions.open_complaint(session, project) is not None,
        in_force=in_force.kind if in_force is not None else None)
    form.choice.choices = [SelectChoice(c.value, DECISION_CHOICES[c]) for c in offered]
    form.supersedes.choices = [SelectChoice("", _("— a new decision —"))] + (
        [SelectChoice(str(in_force.id), _("%(kind)s, meeting No. %(number)d",
                                          kind=KIND_LABELS[in_force.kind],
                                          number=in_force.meeting.number))]
        if in_force is not None else [])
    if form.submitted_and_valid:
        choice = DecisionChoice(form.choice.data)
        try:
            recorded = decisions.record_decision(
                session, actor=current_user, meeting=found, project=project, kind=choice.kind,
                votes_for=form.votes_for.data, votes_against=form.votes_against.data,
                abstained=form.abstained.data,
                reason=RejectionReason(form.reason.data) if form.reason.data else None,
                reason_text=form.reason_text.data or "",
                revision_deadline=form.revision_deadline.data,
                readmit=choice.readmits,
                supersedes=in_force if form.supersedes.data else None, now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            send_decision_notices(recorded.notices)
            flash(_("The decision is recorded and the author is notified."), "success")
            return _back(found)
    elif form.votes_for.data is None and not form.errors:
        form.votes_for.data = found.present
    history = decisions.project_decisions(session, project)
    return render_template(
        "review/commission_decide.html", meeting=found, project=project, form=form,
        expertise=services.latest_expertise(session, project), history=history,
        complaint=decisions.open_complaint(session, project),
        majority=majority_size(found.present), kind_labels=KIND_LABELS,
        reason_labels=REASON_LABELS,
    ), 400 if form.errors else 200
