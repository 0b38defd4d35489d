"""Recording the commission's decisions, and the authors' complaints against rejections.

A decision is valid only at an opened meeting, with the quorum of that meeting and a
majority of the members present (``portal.review.rules``). A project decision moves the
project through the projects' state machine and writes a public history entry with the
reason; the caller sends the returned notices by e-mail once the request commits. A cycle-level
decision (approving results, annulling ballots, the seed of a tie-breaking lot) is
recorded the same way with its details in a JSON payload: that is the voting part's API.

Nothing here updates or deletes a decision: a correction is a new decision that names the
one it corrects (``supersedes``), and only the newest of such a chain is in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from portal import audit
from portal.accounts.models import User
from portal.clock import KYIV
from portal.cycles.models import Cycle
from portal.projects import services as project_services
from portal.projects.models import Project
from portal.projects.rules import Event, ProjectStatus, allowed_events
from portal.refusal import Refused
from portal.review.messages import PROBLEMS, REFUSALS
from portal.review.models import Complaint, Decision, Meeting, MeetingStatus, payload_text
from portal.review.rules import (
    DecisionKind,
    DecisionProblem,
    RejectionReason,
    complaint_deadline,
    complaint_open,
    decision_fields_problems,
    decision_valid,
)

#: The form field each problem belongs to (None: the form as a whole).
PROBLEM_FIELDS = {
    DecisionProblem.NEGATIVE_VOTES: "votes_for",
    DecisionProblem.VOTES_EXCEED_PRESENT: "votes_for",
    DecisionProblem.NO_MAJORITY: "votes_for",
    DecisionProblem.REASON_REQUIRED: "reason",
    DecisionProblem.REASON_NOT_EXPECTED: "reason",
    DecisionProblem.REASON_TEXT_REQUIRED: "reason_text",
    DecisionProblem.DEADLINE_REQUIRED: "revision_deadline",
    DecisionProblem.DEADLINE_NOT_AFTER_MEETING: "revision_deadline",
}

_EVENTS = {
    DecisionKind.ADMIT: Event.ADMIT,
    DecisionKind.RETURN_FOR_REVISION: Event.RETURN_FOR_REVISION,
    DecisionKind.REJECT: Event.REJECT,
}


@dataclass(frozen=True)
class Notice:
    """An e-mail to send once the transaction is committed."""

    user: User
    project: Project
    decision: Decision


@dataclass(frozen=True)
class Recorded:
    decision: Decision
    notices: list[Notice]


def _refuse(problems: list[DecisionProblem]) -> None:
    """Refuse with every problem, all shown on the field of the first one."""
    if problems:
        field = PROBLEM_FIELDS.get(problems[0])
        raise Refused(*(PROBLEMS(p, field) for p in problems))


def _check_vote(meeting: Meeting, votes_for: int, votes_against: int, abstained: int) -> None:
    if meeting.status is not MeetingStatus.HELD:
        raise Refused(REFUSALS("meeting_not_held"))
    _refuse(decision_valid(votes_for, votes_against, abstained, meeting.present,
                           meeting.seats or 0))


def _check_supersedes(session: Session, supersedes: Decision | None, *,
                      project_id: int | None, cycle_id: int) -> None:
    if supersedes is None:
        return
    if supersedes.project_id != project_id or supersedes.meeting.cycle_id != cycle_id:
        raise Refused(REFUSALS("supersedes_other_subject"))
    if correction_of(session, supersedes) is not None:
        raise Refused(REFUSALS("already_superseded"))


def _store(session: Session, decision: Decision) -> Decision:
    try:
        # UNIQUE (supersedes_id) is the guard: two members correcting the same decision at
        # once cannot both succeed, so a chain of corrections never forks.
        with session.begin_nested():
            session.add(decision)
            session.flush()
    except IntegrityError:
        raise Refused(REFUSALS("already_superseded")) from None
    return decision


def revision_ends_at(deadline: date) -> datetime:
    """The instant a revision window closes: the start of the day after ``deadline``, Kyiv.

    Windows are half-open in the cycles part, so "до 20 травня" includes all of the 20th.
    """
    return datetime.combine(deadline + timedelta(days=1), time(0), KYIV).astimezone(UTC)


def record_decision(
    session: Session, *, actor: User, meeting: Meeting, project: Project, kind: DecisionKind,
    votes_for: int, votes_against: int, abstained: int, reason: RejectionReason | None = None,
    reason_text: str = "", revision_deadline: date | None = None, readmit: bool = True,
    supersedes: Decision | None = None, now: datetime,
) -> Recorded:
    """Record the commission's decision on a project on the meeting's agenda.

    ``readmit`` matters only for an upheld complaint: True admits the project to the vote
    at once, False sends it back under review for a new decision.
    """
    if not kind.concerns_project:
        raise Refused(REFUSALS("not_a_project_decision", "kind"))
    _refuse(decision_fields_problems(kind, reason, reason_text, revision_deadline,
                                     meeting.held_on))
    _check_vote(meeting, votes_for, votes_against, abstained)
    if not any(item.project_id == project.id for item in meeting.agenda_items):
        raise Refused(REFUSALS("project_not_on_agenda"))
    _check_supersedes(session, supersedes, project_id=project.id, cycle_id=meeting.cycle_id)
    complaint = open_complaint(session, project) if kind.rules_on_complaint else None
    if kind.rules_on_complaint and complaint is None:
        raise Refused(REFUSALS("no_open_complaint", "kind"))
    event = _event_for(kind, readmit, supersedes)
    if event is not None and event not in allowed_events(project.status):
        # Checked before anything is stored, so a refusal leaves no trace to roll back.
        raise Refused(REFUSALS("transition_refused", "kind"))
    if revision_deadline is not None and revision_ends_at(revision_deadline) <= now:
        raise Refused(REFUSALS("deadline_passed", "revision_deadline"))
    payload = {"readmit": readmit} if kind is DecisionKind.COMPLAINT_UPHELD else {}
    decision = _store(session, Decision(
        meeting_id=meeting.id, project_id=project.id, kind=kind, reason=reason,
        reason_text=reason_text.strip(), revision_deadline=revision_deadline,
        votes_for=votes_for, votes_against=votes_against, abstained=abstained,
        payload=payload_text(payload), supersedes_id=supersedes.id if supersedes else None,
        created_at=now, recorded_by_id=actor.id,
    ))
    details = {"decision": decision.id, "meeting": meeting.id, "meeting_number": meeting.number,
               "votes": [votes_for, votes_against, abstained]}
    if supersedes is not None:
        details["supersedes"] = supersedes.id
    if event is None:
        project_services.record_event(session, project=project, kind=kind.value, actor=actor,
                                      now=now, text=decision.reason_text, details=details)
    else:
        deadline = revision_ends_at(revision_deadline) if revision_deadline else None
        try:
            project_services.change_status(
                session, project=project, event=event, actor=actor, now=now,
                text=decision.reason_text, details=details, revision_deadline=deadline)
        except Refused:
            # Both were checked before anything was stored; this guards against a change.
            raise Refused(REFUSALS("transition_refused")) from None
    if complaint is not None:
        complaint.ruling_id = decision.id
        session.flush()
    audit.record(session, actor=actor, action="review.decision_recorded",
                 object_type="project", object_id=project.id,
                 details={**details, "kind": kind.value}, at=now)
    return Recorded(decision, [Notice(user, project, decision) for user in _authors(project)])


def _event_for(kind: DecisionKind, readmit: bool, supersedes: Decision | None) -> Event | None:
    """The state-machine event of a decision; a correction of the same kind changes nothing."""
    if supersedes is not None and supersedes.kind is kind and kind is not (
            DecisionKind.COMPLAINT_UPHELD):
        return None
    if kind is DecisionKind.COMPLAINT_UPHELD:
        return Event.UPHOLD_COMPLAINT if readmit else Event.UPHOLD_COMPLAINT_FOR_REVIEW
    return _EVENTS.get(kind)


def _authors(project: Project) -> list[User]:
    """The author and the confirmed co-authors: everyone who should hear of a decision."""
    people = [project.author]
    people += [c.user for c in project.coauthors if c.confirmed_at and c.user is not None]
    return [p for p in dict.fromkeys(people) if p.active]


def record_cycle_decision(
    session: Session, *, actor: User, meeting: Meeting, kind: DecisionKind, votes_for: int,
    votes_against: int, abstained: int, payload: dict[str, Any], reason_text: str = "",
    supersedes: Decision | None = None, now: datetime,
) -> Decision:
    """Record a decision about the meeting's cycle as a whole.

    ``kind`` is APPROVE_RESULTS (payload e.g. ``{"tally": 12}``), ANNUL_BALLOTS
    (``{"ballots": [3, 17]}``) or LOTTERY_SEED (``{"seed": "...", "tally": 12}``). The
    payload is stored as canonical JSON and printed in the protocol.
    """
    if kind.concerns_project:
        raise Refused(REFUSALS("not_a_cycle_decision", "kind"))
    _check_vote(meeting, votes_for, votes_against, abstained)
    _check_supersedes(session, supersedes, project_id=None, cycle_id=meeting.cycle_id)
    decision = _store(session, Decision(
        meeting_id=meeting.id, project_id=None, kind=kind, reason=None,
        reason_text=reason_text.strip(), revision_deadline=None, votes_for=votes_for,
        votes_against=votes_against, abstained=abstained, payload=payload_text(payload),
        supersedes_id=supersedes.id if supersedes else None, created_at=now,
        recorded_by_id=actor.id,
    ))
    audit.record(session, actor=actor, action="review.cycle_decision_recorded",
                 object_type="cycle", object_id=meeting.cycle_id,
                 details={"decision": decision.id, "kind": kind.value, "meeting": meeting.id,
                          "payload": payload}, at=now)
    return decision


def correction_of(session: Session, decision: Decision) -> Decision | None:
    """The decision that corrects ``decision``, if any."""
    return session.execute(
        select(Decision).where(Decision.supersedes_id == decision.id)).scalar_one_or_none()


def _in_force():
    """Decisions no later decision corrects."""
    newer = aliased(Decision)
    return ~select(newer.id).where(newer.supersedes_id == Decision.id).exists()


def cycle_decisions_in_force(session: Session, cycle: Cycle, kind: DecisionKind) -> list[Decision]:
    """The cycle's decisions of ``kind`` that are in force, oldest first."""
    return list(session.execute(
        select(Decision).join(Meeting, Meeting.id == Decision.meeting_id)
        .where(Meeting.cycle_id == cycle.id, Decision.kind == kind, _in_force())
        .order_by(Decision.id)).scalars())


def project_decisions(session: Session, project: Project) -> list[Decision]:
    """Every decision on the project, corrections included, oldest first (public record)."""
    return list(session.execute(
        select(Decision).where(Decision.project_id == project.id).order_by(Decision.id)
    ).scalars())


def decision_in_force(session: Session, project: Project) -> Decision | None:
    """The newest decision on the project that no correction replaced."""
    return session.execute(
        select(Decision).where(Decision.project_id == project.id, _in_force())
        .order_by(Decision.id.desc()).limit(1)).scalar_one_or_none()


# Complaints ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintWindow:
    rejection: Decision
    deadline: date
    open: bool


def complaint_window(session: Session, project: Project, today: date) -> ComplaintWindow | None:
    """The rejection an author may contest and until when; None if there is none."""
    if project.status is not ProjectStatus.REJECTED:
        return None
    rejection = session.execute(
        select(Decision).where(Decision.project_id == project.id,
                               Decision.kind == DecisionKind.REJECT, _in_force())
        .order_by(Decision.id.desc()).limit(1)).scalar_one_or_none()
    if rejection is None:
        return None
    days = project.cycle.complaint_days
    held_on = rejection.meeting.held_on
    return ComplaintWindow(rejection, complaint_deadline(held_on, days),
                           complaint_open(held_on, days, today))


def open_complaint(session: Session, project: Project) -> Complaint | None:
    return session.execute(
        select(Complaint).where(Complaint.project_id == project.id,
                                Complaint.ruling_id.is_(None))).scalar_one_or_none()


def complaints_of(session: Session, project: Project) -> list[Complaint]:
    return list(session.execute(
        select(Complaint).where(Complaint.project_id == project.id).order_by(Complaint.id)
    ).scalars())


def file_complaint(
    session: Session, *, actor: User, project: Project, text: str, today: date, now: datetime,
) -> Complaint:
    """The author contests the rejection in force, within the cycle's complaint period."""
    if project.author_id != actor.id:
        raise Refused(REFUSALS("not_author"))
    if not text.strip():
        raise Refused(REFUSALS("text_required", "text"))
    window = complaint_window(session, project, today)
    if window is None:
        raise Refused(REFUSALS("not_rejected"))
    if not window.open:
        raise Refused(REFUSALS("complaint_closed"))
    earlier = session.execute(select(Complaint).where(
        Complaint.rejection_id == window.rejection.id)).scalar_one_or_none()
    if earlier is not None:
        raise Refused(REFUSALS("complaint_pending" if earlier.ruling_id is None
                               else "complaint_already_filed"))
    complaint = Complaint(project_id=project.id, author_id=actor.id,
                          rejection_id=window.rejection.id, text=text.strip(), filed_at=now)
    try:
        # UNIQUE (rejection_id): one complaint per rejection, even on a double submit.
        with session.begin_nested():
            session.add(complaint)
            session.flush()
    except IntegrityError:
        raise Refused(REFUSALS("complaint_pending")) from None
    project_services.record_event(
        session, project=project, kind="complaint_filed", actor=actor, now=now,
        details={"complaint": complaint.id, "rejection": window.rejection.id})
    audit.record(session, actor=actor, action="review.complaint_filed", object_type="project",
                 object_id=project.id, details={"complaint": complaint.id}, at=now)
    return complaint
