"""The administrators' page of background work: what waits, the jobs that failed on every
try with their error, run again (once, audited, in the community they ran for) or set
aside; a community's administrators deal with their community's failures, the platform's
with every one."""

from __future__ import annotations

import json

from sqlalchemy import select

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.clock import utcnow
from portal.jobs.models import JobFailure
from portal.mail.models import MailStatus, OutgoingMail
from tests.conftest import post_form, sign_in


def _failure(db, job: str, arguments: dict, community_id: int | None = 1) -> JobFailure:
    """A failure of a job run for ``community_id`` (the test's own by default)."""
    failure = JobFailure(job=job, arguments=json.dumps(arguments),
                         error="ConnectionRefusedError: [Errno 111] Connection refused",
                         details="Traceback ...", attempts=17, failed_at=utcnow(),
                         community_id=community_id)
    db.add(failure)
    db.flush()
    return failure


def test_a_failed_mail_is_shown_with_its_error_and_run_again(client, db, make_user, outbox):
    admin = make_user(Role.ADMIN)
    mail = OutgoingMail(recipient="olena@example.org", subject="Підтвердіть адресу",
                        body="Текст", status=MailStatus.FAILED, attempts=17,
                        created_at=utcnow(), touched_at=utcnow())
    db.add(mail)
    db.flush()
    failure = _failure(db, "portal.mail.delivery.deliver_mail",
                       {"exact": True, "args": [mail.id], "kwargs": {}})
    sign_in(client, admin)
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "Надіслати електронний лист" in page  # the job in words, not its code
    assert "portal.mail.delivery" not in page
    assert "ConnectionRefusedError: [Errno 111] Connection refused" in page
    assert "Листи, не надіслані після всіх спроб" in page
    response = post_form(client, f"/admin/jobs/{failure.id}/again", {}, token_from="/admin/jobs")
    assert response.status_code == 302
    db.refresh(mail)
    assert mail.status is MailStatus.SENT  # the tests' queue ran it at the commit
    assert [m.name for m in outbox.glob("*.eml")]
    db.refresh(failure)
    assert failure.handled_at is not None and failure.handled_by_id == admin.id
    assert db.scalar(select(AuditEvent.action).where(
        AuditEvent.object_type == "job_failure")) == "job.run_again"
    assert "Жодне завдання не завершилося невдачею." in client.get("/admin/jobs").get_data(
        as_text=True)
    again = post_form(client, f"/admin/jobs/{failure.id}/again", {}, token_from="/admin/jobs")
    assert again.status_code == 302  # said so, nothing run twice
    assert "вже опрацьовано" in client.get("/admin/jobs").get_data(as_text=True)


def test_a_job_whose_arguments_json_could_not_hold_is_only_set_aside(client, db, make_user):
    admin = make_user(Role.ADMIN)
    failure = _failure(db, "portal.reports.jobs.make_report_file",
                       {"exact": False, "args": ["<Document>"], "kwargs": {}})
    sign_in(client, admin)
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "Підготувати файл звіту (PDF або DOCX)" in page
    assert f"/admin/jobs/{failure.id}/again" not in page
    post_form(client, f"/admin/jobs/{failure.id}/aside", {}, token_from="/admin/jobs")
    db.refresh(failure)
    assert failure.handled_at is not None
    assert db.scalar(select(AuditEvent.action).where(
        AuditEvent.object_type == "job_failure")) == "job.set_aside"


def test_each_community_s_administrators_deal_with_its_own_failures(app, client, db,
                                                                     make_user):
    """Khmilnyk's failure is not on the default community's page, nor run again from it;
    the platform's administrator sees every failure, named by its community, and runs
    Khmilnyk's again in Khmilnyk."""
    from portal import jobs
    from portal.accounts import services as accounts
    from portal.tenancy import scope
    from tests.factories.communities import make_community
    from tests.jobs_probe import ran, where_it_ran

    other = make_community(db, slug="khmilnyk", name="Хмільницька громада")
    away = _failure(db, where_it_ran.job_name, {"exact": True, "args": ["again"],
                                                "kwargs": {jobs.COMMUNITY_KEY: other.id}},
                    community_id=other.id)
    platform_own = _failure(db, "portal.mail.delivery.sweep_mail",
                            {"exact": True, "args": [], "kwargs": {}}, community_id=None)
    sign_in(client, make_user(Role.ADMIN))
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "Жодне завдання не завершилося невдачею." in page
    for failure in (away, platform_own):
        refused = post_form(client, f"/admin/jobs/{failure.id}/again", {},
                            token_from="/admin/jobs")
        assert refused.status_code == 404
    db.refresh(away)
    assert away.handled_at is None
    platform = make_user()
    with scope.everywhere():
        accounts.grant_role(db, user=platform, role=Role.ADMIN, actor=None, now=utcnow())
    sign_in(client, platform)
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "Хмільницька громада" in page and "платформа" in page
    ran.clear()
    again = post_form(client, f"/admin/jobs/{away.id}/again", {}, token_from="/admin/jobs")
    assert again.status_code == 302
    assert ran == [("again", other.id)]

