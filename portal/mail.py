"""Outgoing mail: .eml files under ``instance/outbox`` (and the console) in development,
SMTP in production. Views send mail after their transaction commits, so a message never
announces something that was rolled back."""

from __future__ import annotations

import logging
import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

log = logging.getLogger("portal.mail")


def build_message(to: str, subject: str, body: str, *, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="portal.local")
    message.set_content(body)
    return message


def send_mail(to: str, subject: str, body: str) -> EmailMessage:
    config = current_app.config
    message = build_message(to, subject, body, sender=config["MAIL_SENDER"])
    if config["MAIL_BACKEND"] == "smtp":
        with smtplib.SMTP(config["MAIL_SMTP_HOST"], config["MAIL_SMTP_PORT"], timeout=20) as smtp:
            if config["MAIL_SMTP_STARTTLS"]:
                smtp.starttls()
            if config["MAIL_SMTP_USER"]:
                smtp.login(config["MAIL_SMTP_USER"], config["MAIL_SMTP_PASSWORD"])
            smtp.send_message(message)
    else:
        outbox = Path(config["MAIL_OUTBOX"])
        outbox.mkdir(parents=True, exist_ok=True)
        name = f"{message['Date'][5:25].replace(' ', '_').replace(':', '')}-{uuid.uuid4().hex[:8]}"
        (outbox / f"{name}.eml").write_bytes(bytes(message))
        log.info("Mail to %s: %s\n%s", to, subject, body)
    return message
