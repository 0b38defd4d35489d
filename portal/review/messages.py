"""The words for the review's codes: decision kinds, rejection grounds, and the problems
review services refuse with (``PROBLEMS``: a vote or a decision as entered, the rules'
:class:`DecisionProblem`; ``REFUSALS``: everything else)."""

from __future__ import annotations

from portal.i18n import _l
from portal.refusal import Catalogue
from portal.review.rules import DecisionKind, DecisionProblem, RejectionReason

KIND_LABELS = {
    DecisionKind.ADMIT: _l("Admitted to voting"),
    DecisionKind.RETURN_FOR_REVISION: _l("Returned for revision"),
    DecisionKind.REJECT: _l("Rejected"),
    DecisionKind.COMPLAINT_UPHELD: _l("Complaint upheld"),
    DecisionKind.COMPLAINT_DISMISSED: _l("Complaint dismissed"),
    DecisionKind.APPROVE_RESULTS: _l("Voting results approved"),
    DecisionKind.ANNUL_BALLOTS: _l("Ballots annulled"),
    DecisionKind.LOTTERY_SEED: _l("Lot drawn for a tie"),
}

#: What the commission member chooses on the decision form (the verb, not the outcome).
KIND_CHOICES = {
    DecisionKind.ADMIT: _l("Admit to voting"),
    DecisionKind.RETURN_FOR_REVISION: _l("Return to the author for revision"),
    DecisionKind.REJECT: _l("Reject"),
    DecisionKind.COMPLAINT_UPHELD: _l("Uphold the author's complaint"),
    DecisionKind.COMPLAINT_DISMISSED: _l("Dismiss the author's complaint"),
}

REASON_LABELS = {
    RejectionReason.OUTSIDE_POWERS: _l("outside the powers of local self-government"),
    RejectionReason.OVER_COST_LIMIT: _l("the cost exceeds the limit of the category"),
    RejectionReason.LAND_NOT_OWNED: _l("on land the community does not own"),
    RejectionReason.DUPLICATE: _l("duplicates another project or a funded programme"),
    RejectionReason.UPKEEP_ONLY: _l("only upkeep of what exists"),
    RejectionReason.OTHER: _l("other"),
}

PROBLEMS = Catalogue({
    DecisionProblem.NO_SEATS: _l("The commission has no members on record for this cycle."),
    DecisionProblem.PRESENT_EXCEEDS_SEATS: _l(
        "More members are marked present than the commission has."),
    DecisionProblem.NO_QUORUM: _l(
        "There is no quorum: more than half of the commission's members must be present."),
    DecisionProblem.NEGATIVE_VOTES: _l("A number of votes cannot be negative."),
    DecisionProblem.VOTES_EXCEED_PRESENT: _l(
        "More votes are entered than members are present."),
    DecisionProblem.NO_MAJORITY: _l(
        "The decision is not taken: more than half of the members present must vote for it."),
    DecisionProblem.REASON_REQUIRED: _l("Choose the ground for the rejection."),
    DecisionProblem.REASON_TEXT_REQUIRED: _l(
        "Explain the decision in words: the author and the public will read it."),
    DecisionProblem.DEADLINE_REQUIRED: _l("Set the deadline for the revision."),
    DecisionProblem.DEADLINE_NOT_AFTER_MEETING: _l(
        "The deadline for the revision must be after the day of the meeting."),
    DecisionProblem.REASON_NOT_EXPECTED: _l("A rejection ground is only given for a rejection."),
})

#: Refusals of the services that are not about the vote itself.
REFUSALS = Catalogue({
    "meeting_not_draft": _l("Attendance and the agenda can be changed only before the meeting "
                            "is opened."),
    "meeting_not_held": _l("Decisions are recorded only at an opened meeting that is not "
                           "closed."),
    "meeting_closed": _l("The meeting is closed."),
    "meeting_number_taken": _l("A meeting with this number already exists in this cycle."),
    "seat_not_in_cycle": _l("This member does not belong to the commission of this cycle."),
    "seat_taken": _l("This account already has a seat, or the commission already has a chair "
                     "or a secretary."),
    "already_decided": _l("The meeting has already decided on this project."),
    "seat_in_use": _l("This member was present at a meeting and stays on record."),
    "project_not_in_cycle": _l("The project does not belong to this cycle."),
    "project_not_on_agenda": _l("The project is not on the agenda of this meeting."),
    "project_not_reviewable": _l("The project is not under review."),
    "already_on_agenda": _l("The project is already on the agenda."),
    "deadline_passed": _l("The deadline for the revision has already passed."),
    "transition_refused": _l("This decision is not possible in the project's current status."),
    "no_open_complaint": _l("The project has no complaint awaiting a ruling."),
    "complaint_pending": _l("A complaint on this project already awaits a ruling."),
    "complaint_already_filed": _l("This rejection has already been contested and ruled on."),
    "complaint_closed": _l("The period for contesting this rejection is over."),
    "not_rejected": _l("Only a rejected project can be contested."),
    "not_author": _l("Only the author of the project can do this."),
    "text_required": _l("Write the text."),
    "not_a_project_decision": _l("This kind of decision does not concern a project."),
    "not_a_cycle_decision": _l("This kind of decision concerns a project."),
    "supersedes_other_subject": _l("A correction must concern the same project or cycle as the "
                                   "decision it corrects."),
    "already_superseded": _l("This decision has already been corrected."),
    "cost_items_required": _l("Enter at least one line of the adjusted estimate."),
})
