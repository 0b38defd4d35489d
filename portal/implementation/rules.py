"""Pure checks of implementation records: the status, the progress, the Prozorro number,
and whether status, progress and money agree.

The database CHECKs hold the two hard rules (implemented means 100 %, not implemented needs
a reason). Money is recorded on the funding line by the programs part, apart from the
status, so a payment can arrive after the status was set: :func:`contradictions` names
every disagreement between the two, which the staff screens show with its reason, and
:func:`status_problems` refuses a status change that would create one of the clear ones
(a paid line cannot be set back to "planned"; a line paid in full cannot stay at 0 %).
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

# Prozorro tender IDs: "UA-2018-05-14-000123-a" (date of publication, number, letter).
_TENDER = re.compile(r"UA-(\d{4})-(\d{2})-(\d{2})-(\d{6})-([a-z])", re.ASCII)


class ImplementationStatus(StrEnum):
    """Where a winner's implementation stands; "not implemented" needs a reason."""

    PLANNED = "planned"
    PROCUREMENT = "procurement"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"
    NOT_IMPLEMENTED = "not_implemented"


class ImplementationProblem(StrEnum):
    """Why an implementation change was refused; ``messages.py`` words each code."""

    TENDER_FORMAT = "tender_format"
    PROGRESS_RANGE = "progress_range"
    REASON_REQUIRED = "reason_required"
    IMPLEMENTED_IS_COMPLETE = "implemented_is_complete"
    UPDATE_DATE_FUTURE = "update_date_future"
    TEXT_REQUIRED = "text_required"
    PAID_WHILE_PLANNED = "paid_while_planned"
    PAID_IN_FULL_NO_PROGRESS = "paid_in_full_no_progress"


class Contradiction(StrEnum):
    """A disagreement between status, progress and money; ``messages.py`` says each."""

    PAID_WHILE_PLANNED = "paid_while_planned"
    PAID_IN_FULL_NO_PROGRESS = "paid_in_full_no_progress"
    IMPLEMENTED_UNPAID = "implemented_unpaid"
    NOT_IMPLEMENTED_PAID_IN_FULL = "not_implemented_paid_in_full"


# The contradictions a status change is refused for: the person saving it can see the money.
_REFUSED = {Contradiction.PAID_WHILE_PLANNED: ImplementationProblem.PAID_WHILE_PLANNED,
            Contradiction.PAID_IN_FULL_NO_PROGRESS: ImplementationProblem.PAID_IN_FULL_NO_PROGRESS}


def check_tender_number(text: str) -> ImplementationProblem | None:
    """An empty number is fine; otherwise it must be a Prozorro ID with a real date."""
    if not text:
        return None
    match = _TENDER.fullmatch(text)
    if match is None:
        return ImplementationProblem.TENDER_FORMAT
    try:
        date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return ImplementationProblem.TENDER_FORMAT
    return None


def contradictions(
    status: ImplementationStatus, progress: int, planned: int, financed: int
) -> list[Contradiction]:
    """How status and progress disagree with the money (kopecks planned and paid).

    A record without a funding line passes ``planned = financed = 0``: nothing to disagree.
    Paying more than planned is no contradiction of the status (other sources often give
    more than planned: 119,5 % in the 2018 report); the programs part reports it as such.
    """
    found = []
    paid_in_full = planned > 0 and financed >= planned
    if financed > 0 and status is ImplementationStatus.PLANNED:
        found.append(Contradiction.PAID_WHILE_PLANNED)
    if paid_in_full and progress == 0 and status not in (ImplementationStatus.PLANNED,
                                                         ImplementationStatus.NOT_IMPLEMENTED):
        found.append(Contradiction.PAID_IN_FULL_NO_PROGRESS)
    if status is ImplementationStatus.IMPLEMENTED and planned > 0 and financed == 0:
        found.append(Contradiction.IMPLEMENTED_UNPAID)
    if status is ImplementationStatus.NOT_IMPLEMENTED and paid_in_full:
        found.append(Contradiction.NOT_IMPLEMENTED_PAID_IN_FULL)
    return found


def status_problems(
    status: ImplementationStatus, progress: int, reason: str, tender_number: str,
    planned: int = 0, financed: int = 0,
) -> list[tuple[str, ImplementationProblem]]:
    """Every (field, problem) of a status change on a line with ``planned`` and ``financed``
    kopecks; the database CHECKs say the first two too."""
    problems = []
    if not 0 <= progress <= 100:
        problems.append(("progress", ImplementationProblem.PROGRESS_RANGE))
    if status is ImplementationStatus.NOT_IMPLEMENTED and not reason.strip():
        problems.append(("reason", ImplementationProblem.REASON_REQUIRED))
    if status is ImplementationStatus.IMPLEMENTED and progress != 100:
        problems.append(("progress", ImplementationProblem.IMPLEMENTED_IS_COMPLETE))
    if problem := check_tender_number(tender_number):
        problems.append(("tender_number", problem))
    if 0 <= progress <= 100:
        problems += [("status" if found is Contradiction.PAID_WHILE_PLANNED else "progress",
                      _REFUSED[found])
                     for found in contradictions(status, progress, planned, financed)
                     if found in _REFUSED]
    return problems


def check_update(
    posted_on: date, text: str, today: date
) -> list[tuple[str, ImplementationProblem]]:
    """An update is dated no later than today and says something."""
    problems = []
    if posted_on > today:
        problems.append(("posted_on", ImplementationProblem.UPDATE_DATE_FUTURE))
    if not text.strip():
        problems.append(("text", ImplementationProblem.TEXT_REQUIRED))
    return problems


def prozorro_url(tender_number: str) -> str:
    """The tender's public page on prozorro.gov.ua."""
    return f"https://prozorro.gov.ua/tender/{tender_number}"
