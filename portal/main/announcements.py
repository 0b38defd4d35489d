"""The worker tells residents when a cycle's stage opens or ends, once each: submission
opens (the cycle's followers), voting opens (every verified resident, and the followers),
voting closes in two days (verified residents who have not voted, each about themselves
only), results are published (the followers and the cycle's online voters, unless they
stopped following it). Runs every quarter of an hour; a stage that opened while the worker
was down is told at its next run."""

from __future__ import annotations

from datetime import datetime, timedelta

from huey import crontab
from sqlalchemy import Select, and_, exists, select, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.cycles.rules import Phase, effective_windows
from portal.db import db_session
from portal.i18n import _l
from portal.identity.models import Verification
from portal.jobs import periodic
from portal.notifications.jobs import tell_now
from portal.notifications.models import Announcement, Follow
from portal.notifications.rules import FollowTarget, NoticeKind
from portal.notifications.services import followers
from portal.results.models import Tally
from portal.voting.models import Ballot

#: How long before voting closes the residents who have not voted are reminded.
REMINDER = timedelta(days=2)
#: A stage that opened longer ago than this is old news: not told (a portal upgraded, or
#: a worker started, in the middle of a cycle does not tell what everyone knows).
FRESH = timedelta(days=3)


def _verified(community_id: int) -> Select:
    """The verified residents of the community: those who may vote in it (verifications
    are the platform's, so no community narrows them by itself)."""
    return select(Verification.user_id).where(Verification.revoked_at.is_(None),
                                              Verification.resident.is_(True),
                                              Verification.community_id == community_id)


def _not_voted(cycle: Cycle) -> Select:
    return _verified(cycle.community_id).where(~exists().where(and_(
        Ballot.cycle_id == cycle.id, Ballot.person_key == Verification.person_key)))


def _voters_still_following(cycle: Cycle) -> Select:
    stopped = exists().where(and_(Follow.user_id == Ballot.user_id,
                                  Follow.target == FollowTarget.CYCLE,
                                  Follow.target_id == cycle.id,
                                  Follow.stopped_at.is_not(None)))
    return select(Ballot.user_id).where(Ballot.cycle_id == cycle.id,
                                        Ballot.user_id.is_not(None), ~stopped)


def due(session: Session, cycle: Cycle, now: datetime) -> list[tuple[NoticeKind, Select]]:
    """What is to be told about ``cycle`` now, and to whom (before the record of what was)."""
    phase = cycle.phase(now)
    windows = {w.phase: w for w in effective_windows(cycle.calendar, cycle.extension_rules)}
    cycle_followers = followers(FollowTarget.CYCLE, cycle.id)
    found: list[tuple[NoticeKind, Select]] = []
    opened = windows.get(phase)
    if phase is Phase.SUBMISSION and opened and now - opened.start <= FRESH:
        found.append((NoticeKind.SUBMISSION_OPENED, cycle_followers))
    if phase is Phase.VOTING and opened:
        if now - opened.start <= FRESH:
            found.append((NoticeKind.VOTING_OPENED,
                          union(_verified(cycle.community_id), cycle_followers)))
        if opened.end - now <= REMINDER:
            found.append((NoticeKind.VOTING_CLOSING, _not_voted(cycle)))
    approved = session.scalar(select(Tally.approved_at).where(
        Tally.cycle_id == cycle.id, Tally.approved_at.is_not(None)).limit(1))
    if approved is not None and now - approved <= FRESH:
        found.append((NoticeKind.RESULTS_PUBLISHED,
                      union(cycle_followers, _voters_still_following(cycle))))
    return found


def announce(session: Session, now: datetime) -> int:
    """Tell what is due about every cycle, each thing once; returns the notices stored."""
    told = 0
    done = set(session.execute(select(Announcement.kind, Announcement.target_id).where(
        Announcement.target == FollowTarget.CYCLE)).all())
    for cycle in session.scalars(select(Cycle).where(Cycle.suspended_at.is_(None))):
        for kind, recipients in due(session, cycle, now):
            if (kind, cycle.id) in done:
                continue
            try:
                with session.begin_nested():
                    record = Announcement(kind=kind, target=FollowTarget.CYCLE,
                                          target_id=cycle.id, made_at=now, told=0)
                    session.add(record)
                    session.flush()
            except IntegrityError:
                continue  # another worker is telling it
            record.told = tell_now(session, kind=kind, target=FollowTarget.CYCLE,
                                   target_id=cycle.id, params={"title": cycle.name},
                                   recipients=select(recipients.subquery().c[0]).distinct(),
                                   now=now)
            told += record.told
            session.commit()
    return told


@periodic(crontab(minute="*/15"), label=_l("Tell residents that a cycle's stage opens or ends"))
def announce_cycles() -> None:
    announce(db_session(), utcnow())
