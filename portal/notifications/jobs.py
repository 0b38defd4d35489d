"""The worker tells people: a notice for each follower (one statement, whatever their
number), the e-mails of those who want them at once (sent in batches at the configured
rate), and the daily and weekly digests."""

from __future__ import annotations

import json
from datetime import datetime
from itertools import groupby

from huey import crontab
from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.clock import utcnow
from portal.db import db_session
from portal.i18n import _l
from portal.jobs import job, periodic
from portal.notifications.channels import CHANNELS, Person
from portal.notifications.models import Notice
from portal.notifications.rules import Delivery, FollowTarget, NoticeKind
from portal.notifications.services import followers, store_notices

#: Notices mailed in one go by ``mail_due``; the rest waits for the next run of the job.
MAIL_CHUNK = 2000
#: Notices one digest lists (the rest stay in the portal's list).
DIGEST_MOST = 100


@job(label=_l("Tell the followers"), retries=3)
def tell(kind: str, target: str, target_id: int, params: str, district_id: int | None,
         exclude: list[int]) -> None:
    session = db_session()
    tell_now(session, kind=NoticeKind(kind), target=FollowTarget(target), target_id=target_id,
             params=json.loads(params),
             recipients=followers(FollowTarget(target), target_id, district_id, exclude))


def tell_now(session: Session, *, kind: NoticeKind, target: FollowTarget, target_id: int,
             params: dict, recipients: Select, now: datetime | None = None) -> int:
    """Store the notices and mail those wanted at once; returns how many were stored."""
    now = now or utcnow()
    stored = store_notices(session, kind=kind, target=target, target_id=target_id,
                           params=params, recipients=recipients, now=now)
    session.flush()
    mail_due(session, kind=kind, target=target, target_id=target_id, params=params, now=now)
    return stored


def mail_due(session: Session, *, kind: NoticeKind, target: FollowTarget, target_id: int,
             params: dict, now: datetime) -> int:
    """The notices of one telling that are wanted at once, sent by every channel, in chunks
    of ``MAIL_CHUNK``; returns how many messages left."""
    sent = 0
    last = 0
    while True:
        rows = session.execute(
            select(Notice.id, User.id, User.email, User.display_name, User.locale, User.active)
            .join(User, User.id == Notice.user_id)
            .where(Notice.kind == kind, Notice.target == target, Notice.target_id == target_id,
                   Notice.delivery == Delivery.IMMEDIATE, Notice.mailed_at.is_(None),
                   Notice.id > last)
            .order_by(Notice.id).limit(MAIL_CHUNK)).all()
        if not rows:
            break
        last = rows[-1][0]
        people = [Person(*row[1:]) for row in rows]
        for channel in CHANNELS:
            sent += channel.send_now(session, kind=kind, target=target, target_id=target_id,
                                     params=params, people=people)
        session.execute(update(Notice).where(Notice.id.in_([row[0] for row in rows]))
                        .values(mailed_at=now).execution_options(synchronize_session=False))
    return sent


def _digest(delivery: Delivery) -> None:
    """One message per person gathering their notices waiting for this digest (read in one
    statement, with their people)."""
    session = db_session()
    now = utcnow()
    rows = session.execute(
        select(Notice, User).join(User, User.id == Notice.user_id)
        .where(Notice.delivery == delivery, Notice.mailed_at.is_(None))
        .order_by(Notice.user_id, Notice.id)).all()
    for _user_id, group in groupby(rows, key=lambda row: row[0].user_id):
        group = list(group)
        user = group[0][1]
        person = Person(user.id, user.email, user.display_name, user.locale, user.active)
        notices = [notice for notice, _user in group]
        for channel in CHANNELS:
            channel.send_digest(session, person, notices[:DIGEST_MOST], delivery=delivery,
                                now=now)
        for notice in notices:
            notice.mailed_at = now
    session.flush()


@periodic(crontab(minute="0", hour="5"), label=_l("Send the daily digests of notices"))
def daily_digest() -> None:
    _digest(Delivery.DAILY)


@periodic(crontab(minute="0", hour="5", day_of_week="1"),
          label=_l("Send the weekly digests of notices"))
def weekly_digest() -> None:
    _digest(Delivery.WEEKLY)

