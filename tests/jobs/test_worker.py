"""The worker, as a separate process, for each queue storage (an SQLite file, Redis):
mail survives a mail server outage, a job that keeps failing is kept for the administrators,
``--burst`` runs what is queued and exits, and the schedules are due when they should be."""

from __future__ import annotations

import subprocess
import time
from datetime import datetime
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from portal.jobs import enqueue
from portal.jobs.models import JobFailure
from portal.mail import send_mail
from portal.mail.delivery import deliver_mail
from portal.mail.models import MailStatus, OutgoingMail
from tests.conftest import CSRF_RE
from tests.jobs.conftest import FLASK, ROOT, rows, wait_for


def _register(app, email: str):
    client = app.test_client()
    page = client.get("/register").get_data(as_text=True)
    token = CSRF_RE.search(page).group(1)
    started = time.monotonic()
    response = client.post("/register", data={
        "csrf_token": token, "display_name": "Олена Коваль", "email": email,
        "password": "walks-by-the-river-at-dawn-7",
        "password_again": "walks-by-the-river-at-dawn-7"})
    return response, time.monotonic() - started


def _mails(app):
    return rows(app, select(OutgoingMail.recipient, OutgoingMail.status, OutgoingMail.attempts,
                            OutgoingMail.last_error))


def test_with_the_mail_server_down_registration_answers_at_once_and_its_mail_leaves_when_the_server_is_back(setting):  # noqa: E501
    app = setting.app()
    with setting.worker():
        response, seconds = _register(app, "olena@example.org")
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        assert seconds < 2, f"the registration waited {seconds:.1f} s"
        # The worker tries, the server refuses the connection, the message waits.
        [(to, status, attempts, error)] = wait_for(
            lambda: [m for m in _mails(app) if m[2] >= 2], seconds=20,
            what="two tries against the stopped mail server")
        assert (to, status) == ("olena@example.org", MailStatus.QUEUED)
        assert "Connection" in error and not setting.smtp.inbox.messages
        setting.smtp.start()
        wait_for(lambda: setting.smtp.inbox.messages, seconds=30,
                 what="the message delivered once the server is back")
        [(_to, status, _attempts, error)] = wait_for(
            lambda: [m for m in _mails(app) if m[1] is MailStatus.SENT], seconds=10,
            what="the message marked sent")
        assert error is None
        time.sleep(1.5)  # no second copy comes later
    [envelope] = setting.smtp.inbox.messages
    assert envelope.rcpt_tos == ["olena@example.org"]
    letter = message_from_bytes(envelope.original_content, policy=policy.default)
    assert "http://portal.test/confirm/" in letter.get_content()
    assert rows(app, select(JobFailure.id)) == []


@pytest.mark.parametrize("storage", ["sqlite"], indirect=True)
def test_a_job_that_keeps_failing_is_kept_with_its_error_for_the_administrators(setting):
    setting.extra["JOBS_RETRIES"] = "2"
    app = setting.app()
    with app.app_context():
        from portal.db import db_session

        send_mail("petro@example.org", "Лист", "Текст")
        db_session().commit()
    with setting.worker():
        [(job, error, attempts)] = wait_for(
            lambda: rows(app, select(JobFailure.job, JobFailure.error, JobFailure.attempts)),
            seconds=30, what="the failure kept after three tries")
    assert job == "portal.mail.delivery.deliver_mail" and attempts == 3
    assert "ConnectionRefusedError" in error
    [(_to, status, tries, _error)] = _mails(app)
    assert (status, tries) == (MailStatus.FAILED, 3)


@pytest.mark.parametrize("storage", ["sqlite"], indirect=True)
def test_burst_runs_what_is_queued_and_exits(setting):
    setting.smtp.start()
    app = setting.app()
    with app.app_context():
        from portal.db import db_session

        for number in range(3):
            send_mail(f"voter{number}@example.org", "Голосування відкрито", "Текст")
        db_session().commit()
    ran = subprocess.run([str(FLASK), "--app", "portal", "worker", "--burst"], cwd=ROOT,
                         env={**__import__("os").environ, **setting.environment},
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert "3 job(s) run." in ran.stdout
    assert sorted(e.rcpt_tos[0] for e in setting.smtp.inbox.messages) == [
        "voter0@example.org", "voter1@example.org", "voter2@example.org"]
    assert {m[1] for m in _mails(app)} == {MailStatus.SENT}


@pytest.mark.parametrize("storage", ["sqlite"], indirect=True)
def test_a_job_queued_twice_sends_one_mail(setting):
    setting.smtp.start()
    app = setting.app()
    with app.app_context():
        from portal.db import db_session

        mail = send_mail("olena@example.org", "Один лист", "Текст")
        db_session().commit()
        enqueue(deliver_mail, mail.id)  # a second job for the same message
    with setting.worker("--workers", "2"):
        wait_for(lambda: setting.smtp.inbox.messages, seconds=20, what="the message")
        time.sleep(1.5)
    assert len(setting.smtp.inbox.messages) == 1


def test_the_schedules_are_due_on_time(app):
    due = app.extensions["portal.jobs"].due_periodic
    on_the_hour = due(datetime(2026, 12, 4, 15, 0))
    assert "portal.audit.jobs.sign_checkpoint" in on_the_hour
    assert "portal.mail.delivery.sweep_mail" in on_the_hour
    assert due(datetime(2026, 12, 4, 15, 10)) == ["portal.mail.delivery.sweep_mail"]
    assert due(datetime(2026, 12, 4, 15, 7)) == []
    assert sorted(due(datetime(2026, 12, 4, 15, 15))) == [
        "portal.main.announcements.announce_cycles",
        "portal.results.jobs.recount_closed_votes"]
    # The digests: daily at 05:00 UTC (07:00 or 08:00 in Kyiv), weekly on Mondays.
    assert "portal.notifications.jobs.daily_digest" in due(datetime(2026, 12, 4, 5, 0))
    assert "portal.notifications.jobs.weekly_digest" not in due(datetime(2026, 12, 4, 5, 0))
    assert "portal.notifications.jobs.weekly_digest" in due(datetime(2026, 12, 7, 5, 0))
