"""Use cases of implementation tracking: status and progress, public updates with photos.

Every approved winner is followed from the approval on, with one source of truth for each
fact: the project's status (``winner``, set by the commission's approval) says it is to be
implemented; its funding line, once the winners are funded (``funding.fund_winners``, at
the approval when the cycle is linked to a measure, or later by staff), carries the money;
the line's implementation record carries status, progress and updates. A winner without a
line yet has no record and is "planned" by definition: :func:`winners_progress` lists it so,
and nothing is stored twice that could disagree.

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
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from portal.cycles.models import Cycle
from portal.implementation.messages import PROBLEMS
from portal.implementation.models import Implementation, ImplementationUpdate, UpdatePhoto
from portal.implementation.rules import (
    Contradiction,
    ImplementationProblem,
    ImplementationStatus,
    check_update,
    contradictions,
    status_problems,
)
from portal.notifications import services as notifications
from portal.notifications.rules import FollowTarget, NoticeKind
from portal.programs.models import FundingLine, Measure, Program, Task
from portal.programs.services import audit_change
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus
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
    _refuse(status_problems(status, progress, reason, tender_number,
                            planned=line.planned, financed=line.financed))
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
    if line.project is not None:
        notifications.tell_followers(
            session, kind=NoticeKind.IMPLEMENTATION_UPDATE, target=FollowTarget.PROJECT,
            target_id=line.project.id, params={"title": line.project.title},
            district_id=line.project.district_id, exclude=[getattr(actor, "id", 0) or 0])
    return update


def delete_update(
    session: Session, *, actor: Any, update: ImplementationUpdate, store: UploadStore,
    now: datetime,
) -> None:
    """Remove an update, and its photos' files once that is committed."""
    line = update.implementation.line
    names = [photo.stored_name for photo in update.photos]
    session.delete(update)
    session.flush()
    for name in names:
        store.remove(name)
    audit_change(session, actor, "implementation.update_deleted", line, now,
                 posted_on=update.posted_on.isoformat())


def line_contradictions(line: FundingLine) -> list[Contradiction]:
    """How the line's implementation record disagrees with its money (none: "planned", 0 %)."""
    record = line.implementation
    return contradictions(record.status if record else ImplementationStatus.PLANNED,
                          record.progress if record else 0, line.planned, line.financed)


@dataclass(frozen=True)
class WinnerProgress:
    """An approved winner as the public implementation pages show it.

    ``line`` is its funding line when it has one the viewer may see (its program is
    published, or the viewer maintains programs); ``record`` is the line's implementation
    record. Without them the winner is planned at 0 %.
    """

    project: Project
    line: FundingLine | None
    record: Implementation | None

    @property
    def status(self) -> ImplementationStatus:
        return self.record.status if self.record else ImplementationStatus.PLANNED

    @property
    def progress(self) -> int:
        return self.record.progress if self.record else 0

    @property
    def reason(self) -> str:
        return self.record.reason if self.record else ""

    @property
    def year(self) -> int:
        return self.line.year if self.line else self.project.cycle.budget_year


def _winners():
    """(project, its line or None, the line's record or None, program published or None)."""
    return (
        select(Project, FundingLine, Implementation, Program.published)
        .join(Cycle, Project.cycle_id == Cycle.id)
        .outerjoin(FundingLine, FundingLine.project_id == Project.id)
        .outerjoin(Measure, FundingLine.measure_id == Measure.id)
        .outerjoin(Task, Measure.task_id == Task.id)
        .outerjoin(Program, Task.program_id == Program.id)
        .outerjoin(Implementation, Implementation.line_id == FundingLine.id)
        .where(Project.status == ProjectStatus.WINNER)
        # The cycle is joined already; a line's payments are few: both in the statement.
        .options(joinedload(FundingLine.financings), contains_eager(Project.cycle))
    )


def _progress(row, show_drafts: bool) -> WinnerProgress:
    project, line, record, published = row
    if line is not None and not (published or show_drafts):
        line = record = None
    return WinnerProgress(project, line, record)


def winners_progress(session: Session, *, show_drafts: bool = False) -> list[WinnerProgress]:
    """Every approved winner, funded or not yet, newest budget year first."""
    rows = session.execute(_winners()
                           .order_by(Cycle.budget_year.desc(), Cycle.id.desc(),
                                     Project.number, Project.id)).unique().all()
    return [_progress(row, show_drafts) for row in rows]


def winner_progress(session: Session, project_id: int, *, show_drafts: bool = False
                    ) -> WinnerProgress | None:
    """One approved winner's progress, or None when the project is not a winner."""
    row = session.execute(_winners().where(Project.id == project_id)).unique().first()
    return _progress(row, show_drafts) if row else None


def read_updates(session: Session, record: Implementation | None) -> None:
    """Read the record's updates with their photos, two statements whatever their number
    (the public page does it only when its kept part is made)."""
    if record is not None:
        session.execute(select(Implementation).where(Implementation.id == record.id).options(
            selectinload(Implementation.updates).selectinload(ImplementationUpdate.photos)
        )).all()
