from sqlalchemy import select, text

from portal import audit
from portal.audit.models import AuditEvent


def test_events_form_a_chain_that_verifies(db, app_ctx, make_user):
    user = make_user()
    for i in range(3):
        audit.record(db, actor=user, action="test.event", object_type="thing", object_id=i)
    assert audit.verify_chain(db) is None


def test_a_tampered_row_is_named_as_the_first_broken_link(db, app_ctx, make_user):
    user = make_user()
    events = [audit.record(db, actor=user, action="test.event", object_type="thing",
                           object_id=i, details={"n": i}) for i in range(3)]
    db.execute(text("UPDATE audit_events SET details = :d WHERE id = :id"),
               {"d": '{"n":99}', "id": events[1].id})
    db.expire_all()
    assert audit.verify_chain(db) == (events[1].id, "hash")


def test_a_deleted_last_row_is_caught_at_the_head(db, app_ctx, make_user):
    user = make_user()
    last = audit.record(db, actor=user, action="test.event", object_type="thing")
    db.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": last.id})
    db.expire_all()
    broken = audit.verify_chain(db)
    assert broken is not None and broken[1] == "head"


def test_the_cli_names_the_broken_link(app, db, make_user):
    user = make_user()
    with app.test_request_context("/"):
        events = [audit.record(db, actor=user, action="t", object_type="x") for _ in range(2)]
    db.execute(text("UPDATE audit_events SET action = 'forged' WHERE id = :id"),
               {"id": events[0].id})
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--language", "en"])
    assert result.exit_code == 4  # a rewrite
    assert f"Rewrite: event {events[0].id} does not match its own hash" in result.output
    stored = select(AuditEvent.action).where(AuditEvent.id == events[0].id)
    assert db.execute(stored).scalar() == "forged"
    stored = db.execute(select(AuditEvent.action).where(AuditEvent.id == events[0].id)).scalar()
    assert stored == "forged"


def test_a_moment_given_in_kyiv_time_keeps_the_chain_intact(db, app_ctx):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from portal import audit

    audit.record(db, actor=None, action="test.kyiv", object_type="test",
                 at=datetime(2018, 3, 1, 9, 0, tzinfo=ZoneInfo("Europe/Kyiv")))
    db.expire_all()
    assert audit.verify_chain(db) is None
