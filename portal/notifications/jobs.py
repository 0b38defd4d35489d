"""The worker tells people: a notice for each follower (one statement, whatever their
number), the e-mails of those who want them at once (sent in batches at the configured
rate), and the daily and weekly digests."""

from __future__ import annotations

import json
from datetime import datetime

from flask import current_app
from huey import crontab
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.clock import utcnow
from portal.db import db_session
from portal.i18n import _l
from portal.jobs import job, periodic
from portal.mail.delivery import queue_batches
from portal.notifications.models import Notice
from portal.notifications.rules import Delivery, FollowTarget, NoticeKind
from portal.notifications.services import followers, mail_notices, store_notices

#: Notices mailed in one go by ``mail_due``; the rest waits for the next run of the job.
MAIL_CHUNK = 2000


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
    mail_due(session, kind=kind, target=target, target_id=target_id, now=now)
    return stored


def mail_due(session: Session, *, kind: NoticeKind, target: FollowTarget, target_id: int,
             now: datetime) -> int:
    """The e-mails of the notices of one telling that are wanted at once, queued in batches."""
    mails: list[int] = []
    while True:
        rows = session.execute(
            select(Notice, User).join(User, User.id == Notice.user_id)
            .where(Notice.kind == kind, Notice.target == target, Notice.target_id == target_id,
                   Notice.delivery == Delivery.IMMEDIATE, Notice.mailed_at.is_(None))
            .order_by(Notice.id).limit(MAIL_CHUNK)).all()
        if not rows:
            break
        for notice, user in rows:
            mail_id = mail_notices(session, user, [notice], now=now)
            if mail_id is None:
                notice.mailed_at = now  # no address to mail: the list in the portal has it
            else:
                mails.append(mail_id)
        session.flush()
    queue_batches(session, mails)
    return len(mails)


def _digest(delivery: Delivery) -> None:
    session = db_session()
    now = utcnow()
    users = session.scalars(select(Notice.user_id).where(
        Notice.delivery == delivery, Notice.mailed_at.is_(None)).distinct()).all()
    mails = []
    for user_id in users:
        user = session.get(User, user_id)
        notices = session.scalars(select(Notice).where(
            Notice.user_id == user_id, Notice.delivery == delivery,
            Notice.mailed_at.is_(None)).order_by(Notice.id).limit(100)).all()
        mail_id = mail_notices(session, user, notices, now=now, digest=delivery)
        if mail_id is None:
            for notice in notices:
                notice.mailed_at = now
        else:
            mails.append(mail_id)
    session.flush()
    queue_batches(session, mails)


@periodic(crontab(minute="0", hour="5"), label=_l("Send the daily digests of notices"))
def daily_digest() -> None:
    _digest(Delivery.DAILY)


@periodic(crontab(minute="0", hour="5", day_of_week="1"),
          label=_l("Send the weekly digests of notices"))
def weekly_digest() -> None:
    _digest(Delivery.WEEKLY)


__all__ = ["current_app", "tell", "tell_now"]
