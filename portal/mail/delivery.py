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

import logging
import smtplib
import uuid
from datetime import timedelta
from email.utils import make_msgid
from pathlib import Path

from flask import current_app
from huey import crontab
from sqlalchemy import and_, or_, select, update

from portal.clock import utcnow
from portal.db import db_session
from portal.i18n import _l
from portal.jobs import enqueue, job, periodic
from portal.mail import build_message
from portal.mail.models import MailStatus, OutgoingMail

log = logging.getLogger("portal.mail")

#: How long a message taken by a worker stays its own before another may take it.
TAKEN_FOR = timedelta(minutes=10)
#: A queued message untouched this long has lost its job: the sweep queues it again.
LEFT_BEHIND = timedelta(hours=1)


def _mark_failed(mail_id: int) -> None:
    db_session().execute(update(OutgoingMail).where(OutgoingMail.id == mail_id)
                         .values(status=MailStatus.FAILED))


@job(label=_l("Deliver an e-mail"), retries=16, gave_up=_mark_failed)
def deliver_mail(mail_id: int) -> None:
    session = db_session()
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
    if not taken:
        return  # sent already, or another worker has it
    mail = session.get(OutgoingMail, mail_id)
    mail.message_id = mail.message_id or make_msgid(domain="portal.local")
    try:
        transport(mail)
    except Exception as error:
        mail.status = MailStatus.QUEUED
        mail.last_error = f"{type(error).__name__}: {error}"[:2000]
        session.commit()
        raise
    mail.status = MailStatus.SENT
    mail.sent_at = utcnow()
    mail.last_error = None
    session.commit()


def transport(mail: OutgoingMail) -> None:
    """Hand ``mail`` over: to the SMTP server, or to a file in the outbox."""
    config = current_app.config
    message = build_message(mail.recipient, mail.subject, mail.body,
                            sender=config["MAIL_SENDER"], message_id=mail.message_id)
    if config["MAIL_BACKEND"] == "smtp":
        with smtplib.SMTP(config["MAIL_SMTP_HOST"], config["MAIL_SMTP_PORT"],
                          timeout=config["MAIL_SMTP_TIMEOUT"]) as smtp:
            if config["MAIL_SMTP_STARTTLS"]:
                smtp.starttls()
            if config["MAIL_SMTP_USER"]:
                smtp.login(config["MAIL_SMTP_USER"], config["MAIL_SMTP_PASSWORD"])
            smtp.send_message(message)
        return
    outbox = Path(config["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{message['Date'][5:25].replace(' ', '_').replace(':', '')}-{uuid.uuid4().hex[:8]}"
    (outbox / f"{name}.eml").write_bytes(bytes(message))
    log.info("Mail to %s: %s\n%s", mail.recipient, mail.subject, mail.body)


@periodic(crontab(minute="*/10"), label=_l("Queue again the e-mails left behind"))
def sweep_mail() -> None:
    now = utcnow()
    left = db_session().scalars(
        select(OutgoingMail.id).where(
            or_(and_(OutgoingMail.status == MailStatus.QUEUED,
                     OutgoingMail.touched_at < now - LEFT_BEHIND),
                and_(OutgoingMail.status == MailStatus.SENDING,
                     OutgoingMail.touched_at < now - LEFT_BEHIND)))
        .order_by(OutgoingMail.id).limit(10_000)).all()
    for mail_id in left:
        enqueue(deliver_mail, mail_id)
