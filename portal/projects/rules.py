"""The life of a project as one pure state machine, and the arithmetic of its cost estimate.

Every status change of a project goes through :func:`transition`; the services record
each one as a public project event and an audit event. The table below is the whole
machine: a (status, event) pair that is not in it is forbidden.

    draft --submit--> submitted --start_review--> under_review --admit--> admitted
    submitted --open_support--> collecting_support --support_reached--> submitted
    collecting_support --support_failed--> rejected
    under_review --return_for_revision--> returned_for_revision --resubmit--> under_review
    under_review --reject--> rejected;  returned_for_revision --reject--> rejected
    rejected --uphold_complaint--> admitted
    rejected --uphold_complaint_for_review--> under_review
    admitted --select_winner--> winner       admitted --mark_not_selected--> not_selected
    withdraw: from submitted, collecting_support, under_review, returned_for_revision and
              admitted (before the vote; the service checks the phase). A draft is not
              withdrawn but deleted: it was never public.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum


class ProjectStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    COLLECTING_SUPPORT = "collecting_support"
    UNDER_REVIEW = "under_review"
    RETURNED_FOR_REVISION = "returned_for_revision"
    ADMITTED = "admitted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    WINNER = "winner"
    NOT_SELECTED = "not_selected"


class Event(StrEnum):
    """What happens to a project; each names one edge (or several) of the state machine."""

    SUBMIT = "submit"
    OPEN_SUPPORT = "open_support"
    SUPPORT_REACHED = "support_reached"
    SUPPORT_FAILED = "support_failed"
    START_REVIEW = "start_review"
    ADMIT = "admit"
    RETURN_FOR_REVISION = "return_for_revision"
    RESUBMIT = "resubmit"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    UPHOLD_COMPLAINT = "uphold_complaint"
    UPHOLD_COMPLAINT_FOR_REVIEW = "uphold_complaint_for_review"
    SELECT_WINNER = "select_winner"
    MARK_NOT_SELECTED = "mark_not_selected"


S = ProjectStatus
E = Event

#: The whole state machine: (status, event) -> the status it leads to.
TRANSITIONS: dict[tuple[ProjectStatus, Event], ProjectStatus] = {
    (S.DRAFT, E.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, E.OPEN_SUPPORT): S.COLLECTING_SUPPORT,
    (S.COLLECTING_SUPPORT, E.SUPPORT_REACHED): S.SUBMITTED,
    (S.COLLECTING_SUPPORT, E.SUPPORT_FAILED): S.REJECTED,
    (S.SUBMITTED, E.START_REVIEW): S.UNDER_REVIEW,
    (S.UNDER_REVIEW, E.ADMIT): S.ADMITTED,
    (S.UNDER_REVIEW, E.RETURN_FOR_REVISION): S.RETURNED_FOR_REVISION,
    (S.UNDER_REVIEW, E.REJECT): S.REJECTED,
    (S.RETURNED_FOR_REVISION, E.RESUBMIT): S.UNDER_REVIEW,
    # The deadline passed without a resubmission: the commission rejects the project.
    (S.RETURNED_FOR_REVISION, E.REJECT): S.REJECTED,
    (S.REJECTED, E.UPHOLD_COMPLAINT): S.ADMITTED,
    (S.REJECTED, E.UPHOLD_COMPLAINT_FOR_REVIEW): S.UNDER_REVIEW,
    (S.ADMITTED, E.SELECT_WINNER): S.WINNER,
    (S.ADMITTED, E.MARK_NOT_SELECTED): S.NOT_SELECTED,
    **{
        (status, E.WITHDRAW): S.WITHDRAWN
        for status in (S.SUBMITTED, S.COLLECTING_SUPPORT, S.UNDER_REVIEW,
                       S.RETURNED_FOR_REVISION, S.ADMITTED)
    },
}

#: Statuses whose text the authors may change; in every other the text is frozen.
EDITABLE = frozenset({S.DRAFT, S.RETURNED_FOR_REVISION})

#: Statuses the public sees (a draft is its authors' own business).
PUBLIC = frozenset(set(S) - {S.DRAFT})

#: Statuses of a project that counts as submitted for the cycle's counters.
SUBMITTED_STATUSES = frozenset(set(S) - {S.DRAFT, S.WITHDRAWN})

#: Statuses in which a project goes (or went) to the vote.
ON_BALLOT = frozenset({S.ADMITTED, S.WINNER, S.NOT_SELECTED})


class TransitionError(Exception):
    """A status change the state machine forbids; ``code`` is ``transition_forbidden``, the
    problem project services refuse it with (this exception never leaves them)."""

    def __init__(self, status: ProjectStatus, event: Event) -> None:
        super().__init__(f"{event.value} is not allowed from {status.value}")
        self.code = "transition_forbidden"
        self.status = status
        self.event = event


def transition(status: ProjectStatus, event: Event) -> ProjectStatus:
    """The status ``event`` leads to from ``status``, or TransitionError when forbidden."""
    try:
        return TRANSITIONS[(ProjectStatus(status), Event(event))]
    except KeyError:
        raise TransitionError(ProjectStatus(status), Event(event)) from None


def allowed_events(status: ProjectStatus) -> frozenset[Event]:
    return frozenset(event for (source, event) in TRANSITIONS if source is status)


# Cost estimate ---------------------------------------------------------------------------

MAX_QUANTITY = Decimal("999999999.999")
QUANTITY_PLACES = Decimal("0.001")


class LineProblem(StrEnum):
    NAME_REQUIRED = "line_name_required"
    UNIT_REQUIRED = "line_unit_required"
    QUANTITY_INVALID = "line_quantity_invalid"
    QUANTITY_NOT_POSITIVE = "line_quantity_not_positive"
    QUANTITY_TOO_PRECISE = "line_quantity_too_precise"
    PRICE_INVALID = "line_price_invalid"


def parse_quantity(text: str) -> Decimal | LineProblem:
    """A quantity typed with a comma or a dot, up to three decimals."""
    cleaned = (text or "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return LineProblem.QUANTITY_INVALID
    if not value.is_finite():
        return LineProblem.QUANTITY_INVALID
    if value <= 0:
        return LineProblem.QUANTITY_NOT_POSITIVE
    if value > MAX_QUANTITY:
        return LineProblem.QUANTITY_INVALID
    if value != value.quantize(QUANTITY_PLACES):
        return LineProblem.QUANTITY_TOO_PRECISE
    return value.quantize(QUANTITY_PLACES)


def line_total(quantity: Decimal, unit_price: int) -> int:
    """Kopecks of one line: quantity times unit price, rounded half up to a kopeck."""
    return int((quantity * unit_price).quantize(Decimal(1), rounding=ROUND_HALF_UP))
