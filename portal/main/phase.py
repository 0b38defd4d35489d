"""Where a cycle stands and the one thing it offers a visitor now: pure logic, no Flask.

The home page and the cycle page ask the same question ("what can this person do in this
cycle today?") and must give the same answer, so both call :func:`front_step`. The views
only find out who the visitor is (:class:`Visitor`) and turn the answer into a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from portal.clock import KYIV
from portal.cycles.rules import Phase, Window


class Visitor(StrEnum):
    """Who is looking, as far as taking part goes."""

    ANONYMOUS = "anonymous"
    UNVERIFIED = "unverified"  # signed in, identity not verified yet
    VERIFIED = "verified"
    VOTED = "voted"  # verified, and their ballot of this cycle is cast
    #: verified, but neither resident here nor admitted as displaced: takes part elsewhere
    ELSEWHERE = "elsewhere"


class Action(StrEnum):
    """The one action a cycle offers a visitor (the template words and links each)."""

    SUBMIT = "submit"
    SIGN_IN_TO_SUBMIT = "sign_in_to_submit"
    VERIFY_TO_SUBMIT = "verify_to_submit"
    SUPPORT = "support"
    SEE_PROJECTS = "see_projects"
    VOTE = "vote"
    SIGN_IN_TO_VOTE = "sign_in_to_vote"
    VERIFY_TO_VOTE = "verify_to_vote"
    SEE_RECEIPT = "see_receipt"
    SEE_RESULTS = "see_results"
    FOLLOW_IMPLEMENTATION = "follow_implementation"
    NOT_HERE = "not_here"  # the projects; submitting and voting are the person's community's


class DeadlineKind(StrEnum):
    UNTIL = "until"  # the current phase runs until this moment
    STARTS = "starts"  # the next phase starts at this moment
    RESULTS_BY = "results_by"  # the results are due by this moment


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    at: datetime
    days_left: int  # whole Kyiv calendar days from today; 0 is today


@dataclass(frozen=True)
class Step:
    phase: Phase
    deadline: Deadline | None
    action: Action | None


_BY_VISITOR = {
    Phase.SUBMISSION: {Visitor.ANONYMOUS: Action.SIGN_IN_TO_SUBMIT,
                       Visitor.UNVERIFIED: Action.VERIFY_TO_SUBMIT,
                       Visitor.VERIFIED: Action.SUBMIT, Visitor.VOTED: Action.SUBMIT,
                       Visitor.ELSEWHERE: Action.NOT_HERE},
    Phase.VOTING: {Visitor.ANONYMOUS: Action.SIGN_IN_TO_VOTE,
                   Visitor.UNVERIFIED: Action.VERIFY_TO_VOTE,
                   Visitor.VERIFIED: Action.VOTE, Visitor.VOTED: Action.SEE_RECEIPT,
                   Visitor.ELSEWHERE: Action.NOT_HERE},
}

_FOR_EVERYONE = {
    Phase.SUPPORT: Action.SUPPORT,
    Phase.REVIEW: Action.SEE_PROJECTS,
    Phase.BETWEEN: Action.SEE_PROJECTS,
    Phase.RESULTS: Action.SEE_RESULTS,
    Phase.IMPLEMENTATION: Action.FOLLOW_IMPLEMENTATION,
}


def action_for(phase: Phase, visitor: Visitor) -> Action | None:
    """The one action of ``phase`` for ``visitor``; None before the start and while the
    cycle is suspended (nothing can be done then)."""
    if phase in _BY_VISITOR:
        return _BY_VISITOR[phase][visitor]
    return _FOR_EVERYONE.get(phase)


def days_between(now: datetime, then: datetime) -> int:
    """Whole Kyiv calendar days from ``now`` to ``then`` (0: the same day)."""
    return (then.astimezone(KYIV).date() - now.astimezone(KYIV).date()).days


def deadline_of(phase: Phase, windows: list[Window], results_date: datetime,
                now: datetime) -> Deadline | None:
    """The date a visitor should know in ``phase``: its end, the next start, or the day
    the results are due; None when no date is ahead (implementation, suspension)."""
    found: tuple[DeadlineKind, datetime] | None = None
    current = next((w for w in windows if w.phase is phase), None)
    if current is not None:
        found = (DeadlineKind.UNTIL, current.end)
    elif phase in (Phase.UPCOMING, Phase.BETWEEN):
        ahead = next((w for w in windows if w.start > now), None)
        found = (DeadlineKind.STARTS, ahead.start) if ahead else None
    elif phase is Phase.RESULTS and results_date > now:
        found = (DeadlineKind.RESULTS_BY, results_date)
    if found is None:
        return None
    return Deadline(found[0], found[1], max(0, days_between(now, found[1])))


def front_step(phase: Phase, windows: list[Window], results_date: datetime,
               visitor: Visitor, now: datetime) -> Step:
    """The phase, its deadline and the one action, for the home page and the cycle page."""
    return Step(phase=phase, deadline=deadline_of(phase, windows, results_date, now),
                action=action_for(phase, visitor))
