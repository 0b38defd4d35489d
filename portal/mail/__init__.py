"""Outgoing mail, queued with the transaction that writes it and delivered by the worker.

``send_mail`` keeps the message as a row of ``outgoing_mail`` in the caller's transaction:
a message never announces something that was rolled back, and one written is never lost.
Once the transaction is committed, the worker delivers it (``portal.mail.delivery``): to
``.eml`` files under ``instance/outbox`` (and the log) in development, by SMTP in
production. A request never waits for a mail server: with the server down, the worker tries
again later, longer and longer apart, and the message leaves when the server is back.
"""

from __future__ import annotations

import json
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.db import db_session
from portal.mail.models import MailStatus, OutgoingMail


def build_message(to: str, subject: str, body: str, *, sender: str,
                  message_id: str | None = None,
                  headers: dict[str, str] | None = None) -> EmailMessage:
    headers = dict(headers or {})
    message = EmailMessage()
    # A community's own sender, kept with the message (``community_headers``), wins.
    message["From"] = headers.pop("From", None) or sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id or make_msgid(domain="portal.local")
    for name, value in headers.items():
        message[name] = value
    message.set_content(body)
    return message


def community_headers(session: Session) -> dict[str, str]:
    """The headers a message of the current community carries: its own sender, if it has
    one ("Бахмутська міська рада <pb@bakhmut-rada.gov.ua>"); the platform's otherwise."""
    from portal.tenancy.routing import place_of
    from portal.tenancy.scope import current_community_id

    place = place_of(current_community_id(session), session)
    return {"From": place.mail_sender} if place is not None and place.mail_sender else {}


def send_mail(to: str, subject: str, body: str, *, session: Session | None = None,
              headers: dict[str, str] | None = None, deliver: bool = True) -> OutgoingMail:
    """Queue a message to ``to``: it leaves once the transaction of ``session`` (the
    request's, by default) is committed. ``headers``: more headers (List-Unsubscribe).
    ``deliver=False`` leaves its sending to the caller (``delivery.queue_batches``)."""
    from portal.jobs import enqueue_after_commit
    from portal.mail.delivery import deliver_mail

    session = session if session is not None else db_session()
    now = utcnow()
    mail = OutgoingMail(recipient=to, subject=subject[:998], body=body,
                        headers=json.dumps({**community_headers(session), **(headers or {})},
                                           ensure_ascii=False),
                        status=MailStatus.QUEUED, created_at=now, touched_at=now)
    session.add(mail)
    session.flush()
    if deliver:
        enqueue_after_commit(session, deliver_mail, mail.id)
    return mail


def write_mails(session: Session,
                messages: list[tuple[str, str, str, dict[str, str]]]) -> list[int]:
    """Keep many messages at once (to, subject, body, headers), in one statement; their
    sending is the caller's (``delivery.queue_batches``). Returns their ids, in order."""
    if not messages:
        return []
    from sqlalchemy import insert

    now = utcnow()
    own = community_headers(session)
    rows = [{"recipient": to, "subject": subject[:998], "body": body,
             "headers": json.dumps({**own, **headers}, ensure_ascii=False),
             "status": MailStatus.QUEUED,
             "attempts": 0, "created_at": now, "touched_at": now}
            for to, subject, body, headers in messages]
    return list(session.scalars(insert(OutgoingMail).returning(
        OutgoingMail.id, sort_by_parameter_order=True), rows))
