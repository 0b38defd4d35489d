"""Outgoing mail in development: one .eml file per message in the outbox folder."""

from __future__ import annotations

import email
from email import policy

from portal.mail import send_mail


def test_a_message_is_written_as_an_eml_file_a_mail_client_can_open(app, tmp_path,
                                                                     monkeypatch):
    outbox = tmp_path / "outbox"  # created on first use
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "outbox")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(outbox))
    with app.app_context():
        send_mail("olena@example.org", "Підтвердіть адресу",
                  "Вітаємо, Олено!\nВідкрийте посилання: http://portal.test/confirm/abc")
        send_mail("petro@example.org", "Другий лист", "Текст")
    files = sorted(outbox.glob("*.eml"))
    assert len(files) == 2
    messages = [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    first = next(m for m in messages if m["To"] == "olena@example.org")
    assert first["Subject"] == "Підтвердіть адресу"
    assert first["From"] == app.config["MAIL_SENDER"] and first["Message-ID"]
    assert "Вітаємо, Олено!" in first.get_content()
    assert "http://portal.test/confirm/abc" in first.get_content()
