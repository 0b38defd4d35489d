"""The commission's rules on plain numbers and dates: quorum, majority, deadlines.

No Flask, no database, no clock: the services pass in what they counted and today's date,
so every rule is tested on its own.

The rules follow the usual wording of Ukrainian participatory-budget regulations
("Положення про бюджет участі"):

* a meeting is competent (has a quorum) when **more than half** of the commission's
  members are present;
* a decision is taken by a **majority of the members present**: more than half of those
  present vote for it. Abstaining and not voting count against passing, as they do under
  those regulations; a simple "more for than against" would let two members of a
  nine-member commission decide while five abstain.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from portal.projects.rules import ProjectStatus


class DecisionKind(StrEnum):
    """What the commission decided. The first five concern one project, the rest a cycle."""

    ADMIT = "admit"
    RETURN_FOR_REVISION = "return_for_revision"
    REJECT = "reject"
    COMPLAINT_UPHELD = "complaint_upheld"
    COMPLAINT_DISMISSED = "complaint_dismissed"
    APPROVE_RESULTS = "approve_results"
    ANNUL_BALLOTS = "annul_ballots"
    LOTTERY_SEED = "lottery_seed"

    @property
    def concerns_project(self) -> bool:
        return self in PROJECT_DECISIONS

    @property
    def rules_on_complaint(self) -> bool:
        return self in (DecisionKind.COMPLAINT_UPHELD, DecisionKind.COMPLAINT_DISMISSED)


PROJECT_DECISIONS = frozenset({
    DecisionKind.ADMIT, DecisionKind.RETURN_FOR_REVISION, DecisionKind.REJECT,
    DecisionKind.COMPLAINT_UPHELD, DecisionKind.COMPLAINT_DISMISSED,
})
CYCLE_DECISIONS = frozenset(DecisionKind) - PROJECT_DECISIONS


class DecisionChoice(StrEnum):
    """What a meeting may decide on a project: a :class:`DecisionKind`, except that a
    complaint can be upheld in two ways (admit to the vote at once, or consider again)."""

    ADMIT = "admit"
    RETURN_FOR_REVISION = "return_for_revision"
    REJECT = "reject"
    COMPLAINT_UPHELD = "complaint_upheld"
    COMPLAINT_UPHELD_REVIEW = "complaint_upheld_review"
    COMPLAINT_DISMISSED = "complaint_dismissed"

    @property
    def kind(self) -> DecisionKind:
        if self is DecisionChoice.COMPLAINT_UPHELD_REVIEW:
            return DecisionKind.COMPLAINT_UPHELD
        return DecisionKind(self.value)

    @property
    def readmits(self) -> bool:
        """Whether an upheld complaint puts the project straight back on the ballot."""
        return self is not DecisionChoice.COMPLAINT_UPHELD_REVIEW


def decision_choices(status: ProjectStatus, *, complaint_open: bool,
                     in_force: DecisionKind | None) -> list[DecisionChoice]:
    """The decisions a meeting may take on a project in ``status``, plus the kind of the
    decision in force (a correction of the same kind fixes its details)."""
    offered: list[DecisionChoice] = []
    if status is ProjectStatus.UNDER_REVIEW:
        offered = [DecisionChoice.ADMIT, DecisionChoice.RETURN_FOR_REVISION,
                   DecisionChoice.REJECT]
    elif status is ProjectStatus.RETURNED_FOR_REVISION:
        offered = [DecisionChoice.REJECT]
    elif status is ProjectStatus.REJECTED and complaint_open:
        offered = [DecisionChoice.COMPLAINT_UPHELD, DecisionChoice.COMPLAINT_UPHELD_REVIEW,
                   DecisionChoice.COMPLAINT_DISMISSED]
    if in_force is not None and in_force.concerns_project:
        correction = DecisionChoice(in_force.value)
        if correction not in offered:
            offered.append(correction)
    return offered


class RejectionReason(StrEnum):
    """The grounds for rejecting a project that the regulations list."""

    OUTSIDE_POWERS = "outside_powers"  # outside the powers of local self-government
    OVER_COST_LIMIT = "over_cost_limit"  # costs more than the category allows
    LAND_NOT_OWNED = "land_not_owned"  # on land the community does not own
    DUPLICATE = "duplicate"  # duplicates another project or a funded programme
    UPKEEP_ONLY = "upkeep_only"  # only maintains what exists, creates nothing
    OTHER = "other"  # another ground, stated in the text


class DecisionProblem(StrEnum):
    """Why a decision cannot be recorded as it was entered."""

    NO_SEATS = "no_seats"  # the commission has no members on record
    PRESENT_EXCEEDS_SEATS = "present_exceeds_seats"
    NO_QUORUM = "no_quorum"
    NEGATIVE_VOTES = "negative_votes"
    VOTES_EXCEED_PRESENT = "votes_exceed_present"
    NO_MAJORITY = "no_majority"
    REASON_REQUIRED = "reason_required"  # a rejection names its ground
    REASON_TEXT_REQUIRED = "reason_text_required"  # every rejection and "other" explain it
    DEADLINE_REQUIRED = "deadline_required"  # a return for revision sets a deadline
    DEADLINE_NOT_AFTER_MEETING = "deadline_not_after_meeting"
    REASON_NOT_EXPECTED = "reason_not_expected"  # a rejection ground on another kind


def quorum_met(present: int, seats: int) -> bool:
    """True when more than half of the commission's ``seats`` are ``present``."""
    return seats > 0 and 0 <= present <= seats and 2 * present > seats


def quorum_size(seats: int) -> int:
    """The smallest number of members present that makes a quorum of ``seats``."""
    return seats // 2 + 1


def majority_size(present: int) -> int:
    """The smallest number of votes for that passes a decision with ``present`` members."""
    return present // 2 + 1


def decision_valid(
    votes_for: int, votes_against: int, abstained: int, present: int, seats: int,
) -> list[DecisionProblem]:
    """The problems that make a vote invalid; an empty list means the decision is taken.

    The vote is counted among the members ``present`` at the meeting out of the
    commission's ``seats``. Members present who did not vote are allowed (one may leave
    the room on a conflict of interest) and simply do not count towards the majority.
    """
    if seats <= 0:
        return [DecisionProblem.NO_SEATS]
    if present > seats:
        return [DecisionProblem.PRESENT_EXCEEDS_SEATS]
    problems: list[DecisionProblem] = []
    if not quorum_met(present, seats):
        problems.append(DecisionProblem.NO_QUORUM)
    if min(votes_for, votes_against, abstained) < 0:
        problems.append(DecisionProblem.NEGATIVE_VOTES)
        return problems
    if votes_for + votes_against + abstained > present:
        problems.append(DecisionProblem.VOTES_EXCEED_PRESENT)
    elif 2 * votes_for <= present:
        problems.append(DecisionProblem.NO_MAJORITY)
    return problems


def decision_fields_problems(
    kind: DecisionKind,
    reason: RejectionReason | None,
    reason_text: str,
    revision_deadline: date | None,
    held_on: date,
) -> list[DecisionProblem]:
    """What a decision of ``kind`` taken at a meeting ``held_on`` lacks or has too much of.

    A rejection names a ground from the list and explains it in words (the author and the
    public read the reason); a return for revision sets a deadline after the meeting.
    """
    problems: list[DecisionProblem] = []
    text = reason_text.strip()
    if kind is DecisionKind.REJECT:
        if reason is None:
            problems.append(DecisionProblem.REASON_REQUIRED)
        if not text:
            problems.append(DecisionProblem.REASON_TEXT_REQUIRED)
    elif reason is not None:
        problems.append(DecisionProblem.REASON_NOT_EXPECTED)
    if kind is DecisionKind.RETURN_FOR_REVISION:
        if revision_deadline is None:
            problems.append(DecisionProblem.DEADLINE_REQUIRED)
        elif revision_deadline <= held_on:
            problems.append(DecisionProblem.DEADLINE_NOT_AFTER_MEETING)
    if kind in (DecisionKind.RETURN_FOR_REVISION, DecisionKind.COMPLAINT_DISMISSED) and not text:
        # The author must learn what to change, or why the complaint failed.
        problems.append(DecisionProblem.REASON_TEXT_REQUIRED)
    return problems


def complaint_deadline(rejected_on: date, complaint_days: int) -> date:
    """The last day a rejection taken on ``rejected_on`` may be contested."""
    return rejected_on + timedelta(days=max(complaint_days, 0))


def complaint_open(rejected_on: date, complaint_days: int, today: date) -> bool:
    """True while an author may still contest a rejection: from its day to the deadline.

    ``complaint_days`` of 0 means the cycle allows no complaints.
    """
    if complaint_days <= 0:
        return False
    return rejected_on <= today <= complaint_deadline(rejected_on, complaint_days)


def revision_open(deadline: date, today: date) -> bool:
    """True while an author may still resubmit a project returned for revision.

    The deadline day itself is included: "до 15 травня" in a decision means through it.
    """
    return today <= deadline
