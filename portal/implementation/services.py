"""Use cases of implementation tracking: status and progress, public updates with photos.

Photos are checked by ``portal.uploads`` (content, size, name) before anything is stored,
and written under random names by the upload store the view passes in. Refusals raise
``Refused`` with every problem found, from ``portal.implementation.messages.PROBLEMS``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.implementation.messages import PROBLEMS
from portal.implementation.models import Implementation, ImplementationUpdate, UpdatePhoto
from portal.implementation.rules import (
    ImplementationProblem,
    ImplementationStatus,
    check_update,
    status_problems,
)
from portal.programs.models import FundingLine, Measure, Program, Task
from portal.programs.services import audit_change
from portal.refusal import Refused
from portal.uploads import CheckedFile, UploadStore


def _refuse(problems: Sequence[tuple[str, ImplementationProblem]]) -> None:
    """Refuse with every (field, problem) the rules found, if any."""
    if problems:
        raise Refused(*(PROBLEMS(code, field) for field, code in problems))


def record_for(session: Session, line: FundingLine, *, actor: Any, now: datetime
               ) -> Implementation:
    """The line's implementation record, created in status "planned" on first use."""
    if line.implementation is None:
        record = Implementation(line=line, status=ImplementationStatus.PLANNED, progress=0,
                                updated_at=now, updated_by_id=getattr(actor, "id", None))
        session.add(record)
        session.flush()
    return line.implementation


def set_status(
    session: Session, *, actor: Any, line: FundingLine, status: ImplementationStatus,
    progress: int, reason: str, tender_number: str, now: datetime,
) -> Implementation:
    """Record where the implementation stands; "implemented" means 100 %."""
    tender_number = tender_number.strip()
    _refuse(status_problems(status, progress, reason, tender_number))
    record = record_for(session, line, actor=actor, now=now)
    before = (record.status.value, record.progress)
    record.status, record.progress = status, progress
    record.reason = reason.strip() if status is ImplementationStatus.NOT_IMPLEMENTED else ""
    record.tender_number = tender_number
    record.updated_at, record.updated_by_id = now, getattr(actor, "id", None)
    session.flush()
    audit_change(session, actor, "implementation.status", line, now, before=list(before),
                 status=status.value, progress=progress, reason=record.reason,
                 tender=tender_number)
    return record


def post_update(
    session: Session, *, actor: Any, line: FundingLine, posted_on: date, text: str,
    photos: Sequence[CheckedFile], store: UploadStore, today: date, now: datetime,
) -> ImplementationUpdate:
    """Publish a dated note on the implementation with already checked photos."""
    _refuse(check_update(posted_on, text, today))
    record = record_for(session, line, actor=actor, now=now)
    update = ImplementationUpdate(implementation=record, posted_on=posted_on, text=text.strip(),
                                  author_id=getattr(actor, "id", None), created_at=now)
    session.add(update)
    for photo in photos:
        update.photos.append(UpdatePhoto(stored_name=store.save(photo),
                                         original_name=photo.original_name[:255],
                                         content_type=photo.type.content_type,
                                         size=photo.size))
    session.flush()
    audit_change(session, actor, "implementation.update_posted", line, now, update=update.id,
                 photos=len(photos))
    return update


def delete_update(
    session: Session, *, actor: Any, update: ImplementationUpdate, store: UploadStore,
    now: datetime,
) -> None:
    """Remove an update and its photos' files."""
    line = update.implementation.line
    names = [photo.stored_name for photo in update.photos]
    session.delete(update)
    session.flush()
    for name in names:
        store.remove(name)
    audit_change(session, actor, "implementation.update_deleted", line, now,
                 posted_on=update.posted_on.isoformat())


@dataclass(frozen=True)
class WinnerProgress:
    """A winner's line with what the public progress page shows."""

    line: FundingLine
    status: ImplementationStatus
    progress: int

    @property
    def project(self):
        return self.line.project


def winners_progress(session: Session) -> list[WinnerProgress]:
    """Every winner's line of a published program, newest budget year first."""
    lines = session.scalars(
        select(FundingLine).join(Measure).join(Task).join(Program)
        .where(Program.published.is_(True), FundingLine.project_id.is_not(None))
        .options(selectinload(FundingLine.financings), selectinload(FundingLine.project))
        .order_by(FundingLine.year.desc(), FundingLine.id)
    ).all()
    return [WinnerProgress(line, line.implementation.status if line.implementation
                           else ImplementationStatus.PLANNED,
                           line.implementation.progress if line.implementation else 0)
            for line in lines]
