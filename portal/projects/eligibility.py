"""Who may submit, edit, see and support a project: pure predicates returning reasons.

The facts (a person's age, a cycle's phase, how many projects an author has) are passed in,
so these rules are tested without a database; ``portal.projects.permissions`` gathers the
facts for the views and templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from portal.cycles.rules import Phase, cost_problems
from portal.projects.rules import ProjectStatus


class Refusal(StrEnum):
    """Why an action is refused; ``portal.projects.messages`` words each one."""

    NOT_VERIFIED = "not_verified"
    NOT_RESIDENT = "not_resident"
    TOO_YOUNG = "too_young"
    SUBMISSION_CLOSED = "submission_closed"
    SUPPORT_CLOSED = "support_closed"
    CYCLE_SUSPENDED = "cycle_suspended"
    TOO_MANY_PROJECTS = "too_many_projects"
    NOT_COLLECTING = "not_collecting_support"
    OWN_PROJECT = "own_project"
    REVISION_DEADLINE_PASSED = "revision_deadline_passed"
    VOTING_STARTED = "voting_started"


@dataclass(frozen=True)
class Person:
    """What eligibility needs to know about the acting person."""

    verified: bool
    resident: bool
    age: int | None


def person_problems(person: Person, min_age: int) -> list[Refusal]:
    if not person.verified:
        return [Refusal.NOT_VERIFIED]
    found = []
    if not person.resident:
        found.append(Refusal.NOT_RESIDENT)
    if person.age is None or person.age < min_age:
        found.append(Refusal.TOO_YOUNG)
    return found


def submission_problems(
    person: Person, *, min_age: int, phase: Phase, submitted_by_author: int, limit: int,
) -> list[Refusal]:
    """Why ``person`` may not submit one more project now (empty when they may).

    ``submitted_by_author`` counts the author's projects already submitted to the cycle
    and not withdrawn.
    """
    found = person_problems(person, min_age)
    if phase is Phase.SUSPENDED:
        found.append(Refusal.CYCLE_SUSPENDED)
    elif phase is not Phase.SUBMISSION:
        found.append(Refusal.SUBMISSION_CLOSED)
    if submitted_by_author >= limit:
        found.append(Refusal.TOO_MANY_PROJECTS)
    return found


def drafting_problems(person: Person, *, min_age: int, phase: Phase) -> list[Refusal]:
    """Why ``person`` may not start a draft in a cycle now."""
    found = person_problems(person, min_age)
    if phase is Phase.SUSPENDED:
        found.append(Refusal.CYCLE_SUSPENDED)
    elif phase is not Phase.SUBMISSION:
        found.append(Refusal.SUBMISSION_CLOSED)
    return found


#: Phases in which signatures are collected: the support window, or the submission when
#: the cycle has no window of its own for them.
SUPPORT_PHASES = frozenset({Phase.SUBMISSION, Phase.SUPPORT})


def support_problems(
    person: Person, *, min_age: int, phase: Phase, status: ProjectStatus, is_author: bool,
) -> list[Refusal]:
    found = person_problems(person, min_age)
    if status is not ProjectStatus.COLLECTING_SUPPORT:
        found.append(Refusal.NOT_COLLECTING)
    if phase is Phase.SUSPENDED:
        found.append(Refusal.CYCLE_SUSPENDED)
    elif phase not in SUPPORT_PHASES:
        found.append(Refusal.SUPPORT_CLOSED)
    if is_author:
        found.append(Refusal.OWN_PROJECT)
    return found


#: Phases before the vote, when an author may still withdraw an admitted project.
BEFORE_VOTING = frozenset({Phase.UPCOMING, Phase.SUBMISSION, Phase.SUPPORT, Phase.REVIEW,
                           Phase.BETWEEN})


class Completeness(StrEnum):
    TITLE = "title_required"
    SUMMARY = "summary_required"
    PROBLEM = "problem_required"
    SOLUTION = "solution_required"
    BENEFICIARIES = "beneficiaries_required"
    ADDRESS = "address_required"
    COST_LINES = "cost_lines_required"


@dataclass(frozen=True)
class Draft:
    title: str
    summary: str
    problem: str
    solution: str
    beneficiaries: str
    address: str
    cost_lines: int
    total_cost: int


def completeness_problems(draft: Draft, *, min_cost: int, max_cost: int,
                          budget: int) -> list[str]:
    """Everything that must be filled in, and a total within the category's limits."""
    found: list[str] = []
    for field, problem in (
        ("title", Completeness.TITLE), ("summary", Completeness.SUMMARY),
        ("problem", Completeness.PROBLEM), ("solution", Completeness.SOLUTION),
        ("beneficiaries", Completeness.BENEFICIARIES), ("address", Completeness.ADDRESS),
    ):
        if not getattr(draft, field).strip():
            found.append(problem.value)
    if draft.cost_lines == 0:
        found.append(Completeness.COST_LINES.value)
    else:
        found += [p.value for p in cost_problems(draft.total_cost, min_cost=min_cost,
                                                 max_cost=max_cost, budget=budget)]
    return found
