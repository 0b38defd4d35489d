"""The administrators' page of background work: what waits, and the jobs that failed on
every try, with their error, to run again or set aside.

A community's administrators see the failures of their community's jobs; the platform's
(the role held platform-wide) every community's and the platform's own. What waits (the
queue, the mail) is the platform's one worker and mail server: counts, no one's data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from portal.accounts.belonging import holds_platform_wide
from portal.accounts.models import Role, User
from portal.audit.services import record
from portal.i18n import _
from portal.jobs import enqueue_after_commit, job_by_name
from portal.jobs.models import JobFailure
from portal.mail.models import MailStatus, OutgoingMail
from portal.tenancy import scope
from portal.tenancy.routing import directory
from portal.tenancy.scope import EVERYWHERE, current_community_id

#: The failures one page lists, newest first.
SHOWN = 100


@dataclass(frozen=True)
class MailFigures:
    waiting: int
    failed: int
    oldest_waiting: datetime | None


def mail_figures(session: Session) -> MailFigures:
    counts = dict(session.execute(
        select(OutgoingMail.status, func.count()).where(OutgoingMail.status != MailStatus.SENT)
        .group_by(OutgoingMail.status)).all())
    oldest = session.scalar(select(func.min(OutgoingMail.created_at)).where(
        OutgoingMail.status.in_((MailStatus.QUEUED, MailStatus.SENDING))))
    return MailFigures(waiting=counts.get(MailStatus.QUEUED, 0)
                       + counts.get(MailStatus.SENDING, 0),
                       failed=counts.get(MailStatus.FAILED, 0), oldest_waiting=oldest)


def failures_seen_by(session: Session, viewer: User) -> ColumnElement[bool]:
    """The condition on ``JobFailure`` of the failures ``viewer`` deals with here."""
    community = current_community_id(session)
    if community == EVERYWHERE or holds_platform_wide(viewer, Role.ADMIN):
        return true()
    return JobFailure.community_id == community


def open_failures(session: Session, viewer: User) -> list[JobFailure]:
    return list(session.scalars(select(JobFailure).where(
        JobFailure.handled_at.is_(None), failures_seen_by(session, viewer))
        .order_by(JobFailure.failed_at.desc()).limit(SHOWN)))


def failure_seen_by(session: Session, viewer: User, failure_id: int) -> JobFailure | None:
    return session.scalar(select(JobFailure).where(JobFailure.id == failure_id,
                                                   failures_seen_by(session, viewer)))


def community_name(failure: JobFailure) -> str:
    """Whose work it was (the platform's administrators see every community's)."""
    if failure.community_id is None:
        return str(_("the platform"))
    place = directory().by_id.get(failure.community_id)
    return place.name if place is not None else str(failure.community_id)


def can_run_again(failure: JobFailure) -> bool:
    return job_by_name(failure.job) is not None and _arguments(failure) is not None


def _arguments(failure: JobFailure) -> tuple[list, dict] | None:
    try:
        kept = json.loads(failure.arguments)
    except ValueError:
        return None
    if not isinstance(kept, dict) or not kept.get("exact"):
        return None  # arguments that JSON could not hold (a laid-out document)
    return kept["args"], kept["kwargs"]


def handle(session: Session, failure: JobFailure, *, again: bool, actor, now: datetime) -> None:
    """Run the failed job again (once the transaction commits) in the community it ran for,
    or set it aside."""
    if again:
        args, _kwargs = _arguments(failure) or ([], {})
        with scope.inside(failure.community_id or EVERYWHERE):
            enqueue_after_commit(session, job_by_name(failure.job).func, *args)
    failure.handled_at, failure.handled_by_id = now, actor.id
    record(session, actor=actor, action="job.run_again" if again else "job.set_aside",
           object_type="job_failure", object_id=failure.id,
           details={"job": failure.job, "error": failure.error[:200]})

