"""Outgoing mail: kept with the transaction that writes it, delivered once it is committed;
in development as one .eml file per message in the outbox folder."""

from __future__ import annotations

import email
from email import policy

from sqlalchemy import select

from portal.mail import send_mail
from portal.mail.delivery import deliver_mail
from portal.mail.models import MailStatus, OutgoingMail


def _outbox(app, tmp_path, monkeypatch):
    outbox = tmp_path / "outbox"  # created on first use
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "outbox")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(outbox))
    return outbox


def test_a_message_is_written_as_an_eml_file_a_mail_client_can_open(app_ctx, db, tmp_path,
                                                                     monkeypatch, app):
    outbox = _outbox(app, tmp_path, monkeypatch)
    send_mail("olena@example.org", "Підтвердіть адресу",
              "Вітаємо, Олено!\nВідкрийте посилання: http://portal.test/confirm/abc",
              session=db)
    send_mail("petro@example.org", "Другий лист", "Текст", session=db)
    assert not list(outbox.glob("*.eml")), "nothing leaves before the commit"
    db.commit()
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 2
    messages = [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    first = next(m for m in messages if m["To"] == "olena@example.org")
    assert first["Subject"] == "Підтвердіть адресу"
    assert first["From"] == app.config["MAIL_SENDER"] and first["Message-ID"]
    assert "Вітаємо, Олено!" in first.get_content()
    assert "http://portal.test/confirm/abc" in first.get_content()
    rows = db.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()
    assert [(row.status, row.attempts) for row in rows] == [(MailStatus.SENT, 1)] * 2
    assert {row.message_id for row in rows} == {m["Message-ID"] for m in messages}


def test_a_message_of_a_rolled_back_transaction_never_leaves(app_ctx, db, tmp_path,
                                                             monkeypatch, app):
    outbox = _outbox(app, tmp_path, monkeypatch)
    with db.begin_nested():
        send_mail("olena@example.org", "Не буде надіслано", "Текст", session=db)
    db.rollback()
    assert not list(outbox.glob("*.eml"))
    assert db.scalars(select(OutgoingMail)).all() == []


def test_delivering_the_same_message_twice_sends_it_once(app_ctx, db, tmp_path, monkeypatch,
                                                          app):
    outbox = _outbox(app, tmp_path, monkeypatch)
    mail = send_mail("olena@example.org", "Один раз", "Текст", session=db)
    db.commit()
    deliver_mail(mail.id)  # the job run again: by a second worker, or after a lost reply
    deliver_mail(mail.id)
    assert len(list(outbox.glob("*.eml"))) == 1
    db.refresh(mail)
    assert mail.status is MailStatus.SENT and mail.attempts == 1


def test_the_sweep_sends_a_message_whose_job_was_lost(app_ctx, db, tmp_path, monkeypatch, app):
    from datetime import timedelta

    from portal.clock import utcnow
    from portal.jobs import enqueue
    from portal.mail.delivery import sweep_mail

    outbox = _outbox(app, tmp_path, monkeypatch)
    long_ago = utcnow() - timedelta(hours=2)
    lost = OutgoingMail(recipient="petro@example.org", subject="Загублений", body="Текст",
                        status=MailStatus.QUEUED, created_at=long_ago, touched_at=long_ago)
    db.add(lost)
    db.commit()  # as if the process died between this commit and the queueing
    assert not list(outbox.glob("*.eml"))
    enqueue(sweep_mail)  # the worker's run every ten minutes
    db.refresh(lost)
    assert lost.status is MailStatus.SENT and len(list(outbox.glob("*.eml"))) == 1
