"""Use cases of projects: drafting, the cost estimate, submitting, withdrawing, resubmitting,
and the one function through which any part of the portal changes a project's status.

``change_status`` is the public entry for the review and voting parts: it applies an
``Event`` through the state machine, records the public history entry and the audit event.
Functions flush and never commit; they refuse with ``Refused`` and the problems of
``portal.projects.messages``, a status change the state machine forbids included.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit
from portal.accounts.models import User
from portal.clock import KYIV
from portal.cycles.models import Category, Cycle
from portal.cycles.rules import Phase
from portal.identity.rules import age_on
from portal.identity.services import active_verification, takes_part
from portal.notifications import services as notifications
from portal.notifications.rules import PROJECT_EVENTS, FollowReason, FollowTarget
from portal.projects import eligibility
from portal.projects.messages import PROBLEMS
from portal.projects.models import CostItem, Project, ProjectEvent
from portal.projects.rules import (
    SUBMITTED_STATUSES,
    Event,
    ProjectStatus,
    TransitionError,
    line_total,
    transition,
)
from portal.refusal import Problem, Refused

#: The form field each completeness problem belongs to.
COMPLETENESS_FIELDS = {
    "title_required": "title", "summary_required": "summary", "problem_required": "problem",
    "solution_required": "solution", "beneficiaries_required": "beneficiaries",
    "address_required": "address",
}


def _transition(status: ProjectStatus, event: Event) -> ProjectStatus:
    """The status ``event`` leads to from ``status``; a change the state machine forbids is
    refused (``transition_forbidden``)."""
    try:
        return transition(status, event)
    except TransitionError:
        raise Refused(PROBLEMS("transition_forbidden")) from None


def person_of(session: Session, user: User, day_now: datetime) -> eligibility.Person:
    """The eligibility facts of ``user`` at ``day_now`` (age counted on the Kyiv date)."""
    verification = active_verification(session, user)
    if verification is None:
        return eligibility.Person(verified=False, resident=False, age=None)
    return eligibility.Person(
        verified=True, resident=takes_part(verification),
        age=age_on(verification.birth_date, day_now.astimezone(KYIV).date()),
    )


def submitted_count(session: Session, *, cycle: Cycle, author: User) -> int:
    return session.execute(
        select(func.count(Project.id)).where(
            Project.cycle_id == cycle.id, Project.author_id == author.id,
            Project.status.in_(SUBMITTED_STATUSES))
    ).scalar_one()


def _search_text(project: Project, cycle: Cycle) -> str:
    code = cycle.registration_code(project.number) if project.number else ""
    return " ".join([code, project.title, project.summary]).casefold()


def record_event(
    session: Session, *, project: Project, kind: str, actor: User | None, now: datetime,
    text: str = "", details: dict[str, Any] | None = None, public: bool = True,
    from_status: ProjectStatus | None = None, to_status: ProjectStatus | None = None,
) -> ProjectEvent:
    """Add one entry to the project's history (public unless ``public`` is False)."""
    event = ProjectEvent(
        project_id=project.id, at=now, kind=kind, actor_id=actor.id if actor else None,
        from_status=from_status, to_status=to_status, public=public, text=text.strip(),
        details=json.dumps(details or {}, ensure_ascii=False, sort_keys=True, default=str),
    )
    session.add(event)
    session.flush()
    if public and kind in PROJECT_EVENTS:
        team = [project.author_id] + [c.user_id for c in project.coauthors
                                      if c.confirmed_at and c.user_id]
        notifications.project_event(session, event_kind=kind, project_id=project.id,
                                    title=project.title, district_id=project.district_id,
                                    actor_id=actor.id if actor else None, team=team)
    return event


def change_status(
    session: Session, *, project: Project, event: Event, actor: User | None, now: datetime,
    text: str = "", details: dict[str, Any] | None = None,
    revision_deadline: datetime | None = None,
) -> ProjectEvent:
    """Apply ``event`` to the project through the state machine, and record it.

    Refuses (``transition_forbidden``) what the machine forbids. ``revision_deadline`` is
    required by ``return_for_revision`` and cleared by every other event.
    """
    old = project.status
    new = _transition(old, event)
    if event is Event.RETURN_FOR_REVISION:
        if revision_deadline is None or revision_deadline <= now:
            raise Refused(PROBLEMS("revision_deadline_required", "revision_deadline"))
        project.revision_deadline = revision_deadline
    elif new is not ProjectStatus.RETURNED_FOR_REVISION:
        project.revision_deadline = None
    project.status = new
    project.status_changed_at = now
    all_details = dict(details or {})
    if revision_deadline is not None:
        all_details["revision_deadline"] = revision_deadline.isoformat()
    entry = record_event(session, project=project, kind=event.value, actor=actor, now=now,
                         text=text, details=all_details, from_status=old, to_status=new)
    audit.record(session, actor=actor, action=f"project.{event.value}", object_type="project",
                 object_id=project.id,
                 details={"from": old.value, "to": new.value, "text": text.strip(),
                          **all_details}, at=now)
    return entry


@dataclass(frozen=True)
class ProjectText:
    """What the authors write; the location point is optional."""

    title: str
    summary: str
    problem: str
    solution: str
    beneficiaries: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    district_id: int | None


@dataclass(frozen=True)
class CostLine:
    name: str
    quantity: Decimal
    unit: str
    unit_price: int  # kopecks


def _apply_text(project: Project, category: Category, text: ProjectText) -> None:
    project.title = text.title.strip()
    project.summary = text.summary.strip()
    project.problem = text.problem.strip()
    project.solution = text.solution.strip()
    project.beneficiaries = text.beneficiaries.strip()
    project.address = text.address.strip()
    project.latitude, project.longitude = text.latitude, text.longitude
    # A district pot's projects lie in its district, whatever the form said.
    project.district_id = category.district_id or text.district_id


def _replace_lines(session: Session, project: Project, lines: list[CostLine]) -> None:
    project.cost_items.clear()
    session.flush()  # the old positions must be gone before the new ones take them
    for position, line in enumerate(lines, start=1):
        project.cost_items.append(CostItem(
            position=position, name=line.name.strip(), quantity=line.quantity,
            unit=line.unit.strip(), unit_price=line.unit_price,
            total=line_total(line.quantity, line.unit_price)))
    project.total_cost = sum(item.total for item in project.cost_items)


def _category_of(cycle: Cycle, category_id: int) -> Category:
    for category in cycle.categories:
        if category.id == category_id:
            return category
    raise Refused(PROBLEMS("category_unknown", "category"))


def create_draft(
    session: Session, *, cycle: Cycle, category_id: int, text: ProjectText,
    lines: list[CostLine], actor: User, now: datetime,
) -> Project:
    """Start a project in a cycle open for submission; nothing is public yet."""
    problems = eligibility.drafting_problems(person_of(session, actor, now),
                                             min_age=cycle.min_age_submit, phase=cycle.phase(now))
    if problems:
        raise Refused(*[PROBLEMS(p) for p in problems])
    category = _category_of(cycle, category_id)
    if not text.title.strip():
        raise Refused(PROBLEMS("title_required", "title"))
    project = Project(cycle=cycle, category=category, author_id=actor.id,
                      status=ProjectStatus.DRAFT, created_at=now, updated_at=now,
                      status_changed_at=now, total_cost=0)
    _apply_text(project, category, text)
    session.add(project)
    session.flush()
    _replace_lines(session, project, lines)
    project.search_text = _search_text(project, cycle)
    session.flush()
    record_event(session, project=project, kind="created", actor=actor, now=now, public=False)
    notifications.follow_for_taking_part(session, user_id=actor.id, target=FollowTarget.PROJECT,
                                         target_id=project.id, reason=FollowReason.AUTHOR,
                                         now=now)
    audit.record(session, actor=actor, action="project.created", object_type="project",
                 object_id=project.id, details={"cycle": cycle.id, "title": project.title},
                 at=now)
    return project


def update_draft(
    session: Session, *, project: Project, category_id: int, text: ProjectText,
    lines: list[CostLine], actor: User, now: datetime,
) -> None:
    """Change the text and estimate of a draft or of a project returned for revision."""
    if not project.editable:
        raise Refused(PROBLEMS("frozen"))
    if project.status is ProjectStatus.RETURNED_FOR_REVISION:
        _check_deadline(project, now)
        if category_id != project.category_id:
            raise Refused(PROBLEMS("category_fixed_after_submission", "category"))
    if not text.title.strip():
        raise Refused(PROBLEMS("title_required", "title"))
    category = _category_of(project.cycle, category_id)
    project.category = category
    _apply_text(project, category, text)
    _replace_lines(session, project, lines)
    project.search_text = _search_text(project, project.cycle)
    project.updated_at = now
    session.flush()
    record_event(session, project=project, kind="edited", actor=actor, now=now,
                 public=project.status is not ProjectStatus.DRAFT)
    audit.record(session, actor=actor, action="project.edited", object_type="project",
                 object_id=project.id, details={"total_cost": project.total_cost}, at=now)


def _check_deadline(project: Project, now: datetime) -> None:
    if project.revision_deadline is not None and now >= project.revision_deadline:
        raise Refused(PROBLEMS(eligibility.Refusal.REVISION_DEADLINE_PASSED))


def _completeness(project: Project) -> list[Problem]:
    draft = eligibility.Draft(
        title=project.title, summary=project.summary, problem=project.problem,
        solution=project.solution, beneficiaries=project.beneficiaries,
        address=project.address, cost_lines=len(project.cost_items),
        total_cost=project.total_cost)
    category = project.category
    return [PROBLEMS(code, COMPLETENESS_FIELDS.get(code)) for code in
            eligibility.completeness_problems(draft, min_cost=category.min_cost,
                                              max_cost=category.max_cost,
                                              budget=category.budget)]


def _snapshot(project: Project) -> dict[str, Any]:
    """The text as submitted: kept in the history, so later revisions can be compared."""
    return {
        "title": project.title, "summary": project.summary, "problem": project.problem,
        "solution": project.solution, "beneficiaries": project.beneficiaries,
        "address": project.address, "category": project.category_id,
        "total_cost": project.total_cost,
        "cost_items": [[i.name, str(i.quantity), i.unit, i.unit_price, i.total]
                       for i in project.cost_items],
    }


def _take_number(session: Session, cycle: Cycle) -> int:
    """The cycle's next registration number.

    The cycle row is locked FOR UPDATE (SQLite serialises writers with BEGIN IMMEDIATE), so
    two submissions at the same moment get consecutive numbers with no gap; the unique
    constraint on (cycle, number) refuses a duplicate should anything bypass the lock.
    """
    locked = session.execute(
        select(Cycle).where(Cycle.id == cycle.id).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    locked.last_project_number += 1
    session.flush()
    return locked.last_project_number


def submit_project(session: Session, *, project: Project, actor: User, now: datetime) -> None:
    """Submit a draft: check the author and the text, give it its number, freeze the text.

    A cycle that needs supporters puts the project to collecting them; otherwise it waits
    for the review.
    """
    _transition(project.status, Event.SUBMIT)
    cycle = project.cycle
    author = session.get(User, project.author_id)
    problems = [PROBLEMS(p) for p in eligibility.submission_problems(
        person_of(session, author, now), min_age=cycle.min_age_submit, phase=cycle.phase(now),
        submitted_by_author=submitted_count(session, cycle=cycle, author=author),
        limit=cycle.projects_per_author)]
    problems += _completeness(project)
    if problems:
        raise Refused(*problems)
    project.number = _take_number(session, cycle)
    project.submitted_at = now
    project.search_text = _search_text(project, cycle)
    change_status(session, project=project, event=Event.SUBMIT, actor=actor, now=now,
                  details={"number": project.registration_code, "text": _snapshot(project)})
    if cycle.support_needed > 0:
        change_status(session, project=project, event=Event.OPEN_SUPPORT, actor=None, now=now,
                      details={"needed": cycle.support_needed})


def resubmit_project(session: Session, *, project: Project, actor: User, now: datetime) -> None:
    """Send a project returned for revision back to the commission before its deadline."""
    _transition(project.status, Event.RESUBMIT)
    _check_deadline(project, now)
    problems = _completeness(project)
    if problems:
        raise Refused(*problems)
    change_status(session, project=project, event=Event.RESUBMIT, actor=actor, now=now,
                  details={"text": _snapshot(project)})


def withdraw_project(
    session: Session, *, project: Project, actor: User, reason: str, now: datetime,
) -> None:
    """The author takes the project back; an admitted one only before the vote starts."""
    _transition(project.status, Event.WITHDRAW)
    if project.status is ProjectStatus.ADMITTED and \
            project.cycle.phase(now) not in eligibility.BEFORE_VOTING:
        raise Refused(PROBLEMS(eligibility.Refusal.VOTING_STARTED))
    change_status(session, project=project, event=Event.WITHDRAW, actor=actor, now=now,
                  text=reason)


def start_review(session: Session, *, project: Project, actor: User | None,
                 now: datetime) -> ProjectEvent:
    """Hand a submitted project to the commission."""
    return change_status(session, project=project, event=Event.START_REVIEW, actor=actor,
                         now=now)


def begin_review(session: Session, *, cycle: Cycle, actor: User, now: datetime) -> dict[str, int]:
    """Once submission (and support collection) are over, hand every submitted project to
    the commission; projects that did not gather their supporters are closed."""
    phase = cycle.phase(now)
    if phase in (Phase.UPCOMING, Phase.SUBMISSION, Phase.SUPPORT, Phase.SUSPENDED):
        raise Refused(PROBLEMS("submission_not_over"))
    projects = session.execute(
        select(Project).where(Project.cycle_id == cycle.id, Project.status.in_(
            [ProjectStatus.SUBMITTED, ProjectStatus.COLLECTING_SUPPORT]))
        .order_by(Project.number)
    ).scalars().all()
    counts = {"under_review": 0, "support_failed": 0}
    for project in projects:
        if project.status is ProjectStatus.SUBMITTED:
            start_review(session, project=project, actor=actor, now=now)
            counts["under_review"] += 1
        else:
            change_status(session, project=project, event=Event.SUPPORT_FAILED, actor=actor,
                          now=now, details={"needed": cycle.support_needed})
            counts["support_failed"] += 1
    audit.record(session, actor=actor, action="cycle.review_begun", object_type="cycle",
                 object_id=cycle.id, details=counts, at=now)
    return counts


def delete_draft(session: Session, *, project: Project, actor: User, now: datetime) -> list[str]:
    """Remove a draft that was never submitted; returns the stored names of its files."""
    if project.status is not ProjectStatus.DRAFT:
        raise Refused(PROBLEMS("only_drafts_deleted"))
    stored = [a.stored_name for a in project.attachments]
    audit.record(session, actor=actor, action="project.draft_deleted", object_type="project",
                 object_id=project.id, details={"title": project.title}, at=now)
    session.delete(project)
    session.flush()
    return stored
