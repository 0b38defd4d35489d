"""The worker's side of mail: each queued message delivered once.

A try takes the message (``queued`` -> ``sending``, in its own short transaction, so no
lock is held while the mail server answers), hands it to the transport and marks it
``sent``; a second run of the same job finds it taken or sent and does nothing. A try that
fails puts it back (``queued``, with the error) and raises, and the queue tries again later.
A worker that died with a message taken leaves it ``sending``: after ``TAKEN_FOR`` another
try may take it. A message whose job was lost before it ran (the process died between the
commit and the queueing) is queued again by ``sweep_mail``.
"""

from __future__ import annotations

import json
import logging
import smtplib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from email.utils import make_msgid
from pathlib import Path

from flask import current_app
from huey import crontab
from sqlalchemy import and_, or_, select, update

from portal.clock import utcnow
from portal.db import db_session
from portal.i18n import _l
from portal.jobs import enqueue_after_commit, job, periodic
from portal.mail import build_message
from portal.mail.models import MailStatus, OutgoingMail

log = logging.getLogger("portal.mail")

#: How long a message taken by a worker stays its own before another may take it.
TAKEN_FOR = timedelta(minutes=10)
#: A queued message untouched this long has lost its job: the sweep queues it again.
LEFT_BEHIND = timedelta(hours=1)


def _take(session, mail_id: int) -> bool:
    """Take the message for this try (queued or failed, or left by a dead worker)."""
    now = utcnow()
    taken = session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == mail_id,
               or_(OutgoingMail.status.in_((MailStatus.QUEUED, MailStatus.FAILED)),
                   and_(OutgoingMail.status == MailStatus.SENDING,
                        OutgoingMail.touched_at < now - TAKEN_FOR)))
        .values(status=MailStatus.SENDING, touched_at=now,
                attempts=OutgoingMail.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return bool(taken)


def _mark_failed(mail_id: int) -> None:
    db_session().execute(update(OutgoingMail).where(OutgoingMail.id == mail_id)
                         .values(status=MailStatus.FAILED))


@job(label=_l("Deliver an e-mail"), retries=16, gave_up=_mark_failed)
def deliver_mail(mail_id: int) -> None:
    session = db_session()
    if not _take(session, mail_id):
        return  # sent already, or another worker has it
    _send_taken(session, session.get(OutgoingMail, mail_id))


def _send_taken(session, mail: OutgoingMail, smtp: smtplib.SMTP | None = None) -> None:
    mail.message_id = mail.message_id or make_msgid(domain="portal.local")
    try:
        transport(mail, smtp)
    except Exception as error:
        mail.status = MailStatus.QUEUED
        mail.last_error = f"{type(error).__name__}: {error}"[:2000]
        session.commit()
        raise
    mail.status = MailStatus.SENT
    mail.sent_at = utcnow()
    mail.last_error = None
    session.commit()


@job(label=_l("Deliver a batch of e-mails"), retries=16)
def deliver_batch(mail_ids: list[int]) -> None:
    """Several messages over one connection; those already sent are skipped, so a batch
    tried again sends only what is left."""
    session = db_session()
    taken = [mail_id for mail_id in mail_ids if _take(session, mail_id)]
    if not taken:
        return
    try:
        with connection() as smtp:
            for mail_id in taken:
                _send_taken(session, session.get(OutgoingMail, mail_id), smtp)
    except Exception as error:
        # Those not sent go back to the queue with the error; the batch is tried again.
        session.rollback()
        session.execute(update(OutgoingMail).where(
            OutgoingMail.id.in_(taken), OutgoingMail.status == MailStatus.SENDING)
            .values(status=MailStatus.QUEUED, last_error=f"{type(error).__name__}: {error}"[:2000])
            .execution_options(synchronize_session=False))
        session.commit()
        raise


def queue_batches(session, mail_ids: list[int]) -> None:
    """Queue ``mail_ids`` in batches of ``MAIL_BATCH_SIZE``, spaced so that no more than
    ``MAIL_RATE_PER_MINUTE`` leave in a minute (a mass notice does not flood the relay)."""
    config = current_app.config
    size = max(1, int(config["MAIL_BATCH_SIZE"]))
    spacing = 60.0 * size / max(1, int(config["MAIL_RATE_PER_MINUTE"]))
    for number, start in enumerate(range(0, len(mail_ids), size)):
        enqueue_after_commit(session, deliver_batch, mail_ids[start:start + size],
                             delay=number * spacing)


@contextmanager
def connection() -> Iterator[smtplib.SMTP | None]:
    """One connection to the mail server for several messages (None with the outbox)."""
    config = current_app.config
    if config["MAIL_BACKEND"] != "smtp":
        yield None
        return
    with smtplib.SMTP(config["MAIL_SMTP_HOST"], config["MAIL_SMTP_PORT"],
                      timeout=config["MAIL_SMTP_TIMEOUT"]) as smtp:
        if config["MAIL_SMTP_STARTTLS"]:
            smtp.starttls()
        if config["MAIL_SMTP_USER"]:
            smtp.login(config["MAIL_SMTP_USER"], config["MAIL_SMTP_PASSWORD"])
        yield smtp


def transport(mail: OutgoingMail, smtp: smtplib.SMTP | None = None) -> None:
    """Hand ``mail`` over: to the SMTP server, or to a file in the outbox."""
    config = current_app.config
    message = build_message(mail.recipient, mail.subject, mail.body,
                            sender=config["MAIL_SENDER"], message_id=mail.message_id,
                            headers=json.loads(mail.headers or "{}"))
    if config["MAIL_BACKEND"] == "smtp":
        if smtp is not None:
            smtp.send_message(message)
            return
        with connection() as opened:
            opened.send_message(message)
        return
    outbox = Path(config["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{message['Date'][5:25].replace(' ', '_').replace(':', '')}-{uuid.uuid4().hex[:8]}"
    (outbox / f"{name}.eml").write_bytes(bytes(message))
    log.info("Mail to %s: %s\n%s", mail.recipient, mail.subject, mail.body)


@periodic(crontab(minute="*/10"), label=_l("Queue again the e-mails left behind"),
          per_community=False)
def sweep_mail() -> None:
    now = utcnow()
    session = db_session()
    left = session.scalars(
        select(OutgoingMail.id).where(
            OutgoingMail.status.in_((MailStatus.QUEUED, MailStatus.SENDING)),
            OutgoingMail.touched_at < now - LEFT_BEHIND)
        .order_by(OutgoingMail.id).limit(10_000)).all()
    queue_batches(session, list(left))  # in batches, at the configured rate
