"""Use cases of cycles: create and edit them and their categories, suspend and resume them,
extend a phase.

Every function takes the session and the acting user, flushes and never commits; it refuses
with ``Refused`` and the problems of ``portal.cycles.messages``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from portal import audit
from portal.accounts.models import User
from portal.cycles.messages import PROBLEMS
from portal.cycles.models import Category, Cycle, CycleSuspension, PhaseExtension
from portal.cycles.rules import (
    BallotType,
    Calendar,
    CategoryKind,
    DiscussionPeriod,
    Phase,
    TieRule,
    VotesScope,
    WinnerRule,
    calendar_problems,
    extension_problems,
    window_of,
)
from portal.refusal import Refused
from portal.tenancy.models import Community
from portal.tenancy.scope import current_community_id, writing_community_id

#: The form field each calendar problem belongs to.
CALENDAR_FIELDS = {
    "submission_order": "submission_end",
    "support_incomplete": "support_end",
    "support_order": "support_end",
    "support_before_submission_end": "support_start",
    "review_order": "review_end",
    "review_too_early": "review_start",
    "voting_order": "voting_end",
    "voting_before_review_end": "voting_start",
    "results_before_voting_end": "results_date",
    "naive_datetime": None,
}


@dataclass(frozen=True)
class CycleData:
    """Everything an administrator sets on a cycle; money in kopecks, dates aware."""

    name: str
    budget_year: int
    total_budget: int
    description: str
    submission_start: datetime
    submission_end: datetime
    support_start: datetime | None
    support_end: datetime | None
    review_start: datetime
    review_end: datetime
    voting_start: datetime
    voting_end: datetime
    results_date: datetime
    min_age_submit: int = 16
    min_age_vote: int = 16
    support_needed: int = 0
    projects_per_author: int = 3
    votes_per_voter: int = 3
    votes_scope: VotesScope = VotesScope.PER_CATEGORY
    ballot_type: BallotType = BallotType.APPROVAL
    winner_rule: WinnerRule = WinnerRule.GREEDY
    tie_rule: TieRule = TieRule.REGISTRATION
    min_votes: int | None = None
    complaint_days: int = 5
    live_counts_during_voting: bool = False
    discussion_period: DiscussionPeriod = DiscussionPeriod.VOTING

    @property
    def calendar(self) -> Calendar:
        return Calendar(
            budget_year=self.budget_year,
            submission_start=self.submission_start, submission_end=self.submission_end,
            support_start=self.support_start, support_end=self.support_end,
            review_start=self.review_start, review_end=self.review_end,
            voting_start=self.voting_start, voting_end=self.voting_end,
            results_date=self.results_date,
        )


def _check(session: Session, data: CycleData, cycle: Cycle | None) -> None:
    found = [PROBLEMS(p.value, CALENDAR_FIELDS[p.value]) for p in
             calendar_problems(data.calendar)]
    if not data.name.strip():
        found.append(PROBLEMS("name_required", "name"))
    duplicate = session.execute(
        select(Cycle.id).where(Cycle.name == data.name.strip())
    ).scalar_one_or_none()
    if duplicate is not None and (cycle is None or duplicate != cycle.id):
        found.append(PROBLEMS("name_taken", "name"))
    if cycle is not None:
        allotted = sum(c.budget for c in cycle.categories)
        if allotted > data.total_budget:
            found.append(PROBLEMS("categories_exceed_total", "total_budget"))
    if found:
        raise Refused(*found)


def _values(data: CycleData) -> dict:
    values = asdict(data)
    values["name"] = data.name.strip()
    values["description"] = data.description.strip()
    return values


def _audit_values(values: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in values.items()}


def series_for(session: Session, budget_year: int) -> int:
    """The registration series of a new cycle of ``budget_year`` (or of one moved to it):
    the year's next, 1 for the year's first cycle. The unique (budget_year,
    registration_series) constraint refuses a duplicate should two cycles of a year be
    created at the same moment."""
    taken = session.execute(
        select(func.max(Cycle.registration_series)).where(Cycle.budget_year == budget_year)
    ).scalar_one()
    return (taken or 0) + 1


def create_cycle(session: Session, *, data: CycleData, actor: User, now: datetime) -> Cycle:
    _check(session, data, None)
    cycle = Cycle(**_values(data), created_at=now, created_by_id=actor.id,
                  registration_series=series_for(session, data.budget_year))
    session.add(cycle)
    session.flush()
    audit.record(session, actor=actor, action="cycle.created", object_type="cycle",
                 object_id=cycle.id, details=_audit_values(_values(data)), at=now)
    return cycle


def update_cycle(
    session: Session, *, cycle: Cycle, data: CycleData, actor: User, now: datetime,
) -> dict:
    """Change a cycle's settings; returns (and audits) what changed, old and new."""
    _check(session, data, cycle)
    changes = {}
    if data.budget_year != cycle.budget_year:
        cycle.registration_series = series_for(session, data.budget_year)
    for key, value in _values(data).items():
        if getattr(cycle, key) != value:
            changes[key] = [getattr(cycle, key), value]
            setattr(cycle, key, value)
    session.flush()
    if changes:
        audit.record(session, actor=actor, action="cycle.updated", object_type="cycle",
                     object_id=cycle.id,
                     details={k: _audit_values({"o": o, "n": n}) for k, (o, n) in
                              changes.items()}, at=now)
    return changes


@dataclass(frozen=True)
class CategoryData:
    name: str
    description: str
    kind: CategoryKind
    district_id: int | None
    budget: int
    min_cost: int
    max_cost: int
    position: int = 0


def _check_category(cycle: Cycle, data: CategoryData, category: Category | None) -> None:
    found = []
    if not data.name.strip():
        found.append(PROBLEMS("name_required", "name"))
    if any(c.name == data.name.strip() and c is not category for c in cycle.categories):
        found.append(PROBLEMS("category_name_taken", "name"))
    if data.min_cost > data.max_cost:
        found.append(PROBLEMS("min_above_max", "min_cost"))
    if data.max_cost > data.budget:
        found.append(PROBLEMS("max_above_budget", "max_cost"))
    if (data.kind is CategoryKind.DISTRICT) != (data.district_id is not None):
        found.append(PROBLEMS("district_for_district_kind", "district_id"))
    others = sum(c.budget for c in cycle.categories if c is not category)
    if others + data.budget > cycle.total_budget:
        found.append(PROBLEMS("categories_exceed_total", "budget"))
    if found:
        raise Refused(*found)


def _category_values(data: CategoryData) -> dict:
    values = asdict(data)
    values["name"] = data.name.strip()
    values["description"] = data.description.strip()
    return values


def add_category(
    session: Session, *, cycle: Cycle, data: CategoryData, actor: User, now: datetime,
) -> Category:
    _check_category(cycle, data, None)
    category = Category(cycle=cycle, **_category_values(data))
    session.add(category)
    session.flush()
    audit.record(session, actor=actor, action="category.created", object_type="category",
                 object_id=category.id, details={"cycle": cycle.id, **_category_values(data)},
                 at=now)
    return category


def update_category(
    session: Session, *, category: Category, data: CategoryData, actor: User, now: datetime,
) -> None:
    _check_category(category.cycle, data, category)
    values = _category_values(data)
    if category.kind != data.kind and _has_projects(session, category):
        raise Refused(PROBLEMS("category_in_use", "kind"))
    changes = {k: [getattr(category, k), v] for k, v in values.items()
               if getattr(category, k) != v}
    for key, (_old, new) in changes.items():
        setattr(category, key, new)
    session.flush()
    if changes:
        audit.record(session, actor=actor, action="category.updated", object_type="category",
                     object_id=category.id, details=changes, at=now)


def _has_projects(session: Session, category: Category) -> bool:
    return bool(session.scalar(select(Category.projects.any()).where(Category.id == category.id)))


def delete_category(session: Session, *, category: Category, actor: User, now: datetime) -> None:
    if _has_projects(session, category):
        raise Refused(PROBLEMS("category_in_use"))
    cycle = category.cycle
    if cycle.leftover_to_category_id == category.id:
        cycle.leftover_to_category_id = None
    cycle.categories.remove(category)
    session.flush()
    audit.record(session, actor=actor, action="category.deleted", object_type="category",
                 object_id=category.id, details={"cycle": cycle.id, "name": category.name},
                 at=now)


def set_leftover_category(
    session: Session, *, cycle: Cycle, category: Category | None, actor: User, now: datetime,
) -> None:
    """Name the category that receives the money other categories leave unspent."""
    if category is not None and category.cycle_id != cycle.id:
        raise Refused(PROBLEMS("category_of_another_cycle", "leftover_to_category_id"))
    cycle.leftover_to_category_id = category.id if category else None
    session.flush()
    audit.record(session, actor=actor, action="cycle.leftover_category", object_type="cycle",
                 object_id=cycle.id, details={"category": cycle.leftover_to_category_id}, at=now)


def suspend_cycle(
    session: Session, *, cycle: Cycle, reason: str, actor: User, now: datetime,
) -> CycleSuspension:
    """Suspend a running cycle (martial law, say); the dates stay as they are."""
    if cycle.suspended_at is not None:
        raise Refused(PROBLEMS("already_suspended"))
    if not reason.strip():
        raise Refused(PROBLEMS("reason_required", "reason"))
    cycle.suspended_at = now
    cycle.suspension_reason = reason.strip()
    suspension = CycleSuspension(cycle_id=cycle.id, suspended_at=now, suspended_by_id=actor.id,
                                 reason=reason.strip())
    session.add(suspension)
    session.flush()
    audit.record(session, actor=actor, action="cycle.suspended", object_type="cycle",
                 object_id=cycle.id, details={"reason": reason.strip()}, at=now)
    return suspension


def resume_cycle(
    session: Session, *, cycle: Cycle, note: str, actor: User, now: datetime,
) -> CycleSuspension:
    """End the current suspension. Phases that ran out meanwhile are extended separately."""
    if cycle.suspended_at is None:
        raise Refused(PROBLEMS("not_suspended"))
    suspension = session.execute(
        select(CycleSuspension).where(CycleSuspension.cycle_id == cycle.id,
                                      CycleSuspension.resumed_at.is_(None))
        .order_by(CycleSuspension.id.desc()).limit(1)
    ).scalar_one()
    suspension.resumed_at = now
    suspension.resumed_by_id = actor.id
    suspension.resume_note = note.strip() or None
    cycle.suspended_at = None
    cycle.suspension_reason = None
    session.flush()
    audit.record(session, actor=actor, action="cycle.resumed", object_type="cycle",
                 object_id=cycle.id, details={"note": note.strip()}, at=now)
    return suspension


def extend_phase(
    session: Session, *, cycle: Cycle, phase: Phase, new_end: datetime, reason: str,
    actor: User, now: datetime,
) -> PhaseExtension:
    """Move the end of a phase that has not ended yet later, with the reason."""
    problems = extension_problems(cycle.calendar, cycle.extension_rules, phase, new_end, reason,
                                  now)
    if problems:
        field = {"reason_required": "reason", "not_later": "new_end"}
        raise Refused(*[PROBLEMS(p.value, field.get(p.value, "phase")) for p in problems])
    window = window_of(cycle.calendar, cycle.extension_rules, phase)
    extension = PhaseExtension(cycle=cycle, phase=phase, previous_end=window.end,
                               new_end=new_end, reason=reason.strip(), actor_id=actor.id, at=now)
    session.add(extension)
    session.flush()
    audit.record(session, actor=actor, action="cycle.phase_extended", object_type="cycle",
                 object_id=cycle.id,
                 details={"phase": phase.value, "previous_end": window.end.isoformat(),
                          "new_end": new_end.isoformat(), "reason": reason.strip()}, at=now)
    return extension


def suspension_history(session: Session, cycle: Cycle) -> list[CycleSuspension]:
    return list(session.execute(
        select(CycleSuspension).where(CycleSuspension.cycle_id == cycle.id)
        .order_by(CycleSuspension.suspended_at)
    ).scalars())


def all_cycles(session: Session) -> list[Cycle]:
    """Every cycle, newest budget year first, with what their phase needs loaded."""
    return list(session.execute(
        select(Cycle).options(selectinload(Cycle.extensions), selectinload(Cycle.categories))
        .order_by(Cycle.budget_year.desc(), Cycle.id.desc())
    ).scalars())


def cycle_with_rules(session: Session, cycle_id: int) -> Cycle | None:
    """The cycle with its categories and phase extensions (what its phase and rules need),
    in one query each."""
    return session.execute(
        select(Cycle).where(Cycle.id == cycle_id)
        .options(selectinload(Cycle.categories), selectinload(Cycle.extensions))
    ).scalar_one_or_none()


def cycles_open_for_submission(session: Session, now: datetime) -> list[Cycle]:
    return [c for c in all_cycles(session) if c.phase(now) is Phase.SUBMISSION]


def community_defaults(session: Session, names: Iterable[str]) -> dict[str, Any]:
    """The rules the current community keeps for its new cycles (those among ``names``)."""
    community = session.get(Community, current_community_id(session))
    kept = community.settings("cycle_defaults") if community is not None else {}
    return {name: kept[name] for name in names if name in kept}


def keep_as_defaults(session: Session, *, rules: dict[str, Any], actor: User,
                     now: datetime) -> None:
    """Keep ``rules`` (a cycle form's rule fields) as the current community's defaults."""
    community = session.get(Community, writing_community_id(session, "cycle defaults"))
    community.cycle_defaults = json.dumps(rules, ensure_ascii=False, sort_keys=True)
    session.flush()
    audit.record(session, actor=actor, action="community.cycle_defaults",
                 object_type="community", object_id=community.id, details=rules, at=now)
