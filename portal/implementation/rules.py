"""Pure checks of implementation records: the status, the progress, the Prozorro number."""

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


def status_problems(
    status: ImplementationStatus, progress: int, reason: str, tender_number: str
) -> list[tuple[str, ImplementationProblem]]:
    """Every (field, problem) of a status change; the database CHECKs say the same."""
    problems = []
    if not 0 <= progress <= 100:
        problems.append(("progress", ImplementationProblem.PROGRESS_RANGE))
    if status is ImplementationStatus.NOT_IMPLEMENTED and not reason.strip():
        problems.append(("reason", ImplementationProblem.REASON_REQUIRED))
    if status is ImplementationStatus.IMPLEMENTED and progress != 100:
        problems.append(("progress", ImplementationProblem.IMPLEMENTED_IS_COMPLETE))
    if problem := check_tender_number(tender_number):
        problems.append(("tender_number", problem))
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
