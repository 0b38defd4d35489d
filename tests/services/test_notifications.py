"""Following and notices: who is told what, in the portal and by mail, as each chose; the
one-click unsubscribe; the cycle announcer; nothing about anyone else's vote."""

from __future__ import annotations

import email
from datetime import timedelta
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.clock import utcnow
from portal.cycles.rules import Phase
from portal.identity.models import Verification
from portal.jobs import enqueue
from portal.main.announcements import announce
from portal.notifications import services
from portal.notifications.jobs import daily_digest
from portal.notifications.models import Follow, Notice
from portal.notifications.rules import Delivery, FollowReason, FollowTarget, NoticeKind
from portal.projects.rules import ProjectStatus
from portal.review.decisions import record_decision
from portal.review.rules import DecisionKind
from tests.factories.accounts import make_user
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project
from tests.factories.review import held_meeting, seat_commission


def mails(outbox: Path) -> list:
    return [email.message_from_bytes(f.read_bytes(), policy=default)
            for f in sorted(outbox.glob("*.eml"))]


def notices(db, user) -> list[Notice]:
    return list(db.scalars(select(Notice).where(Notice.user_id == user.id)
                           .order_by(Notice.id)))


@pytest.fixture
def scene(app_ctx, db):
    admin = make_user(db, Role.ADMIN)
    member = make_user(db, Role.COMMISSION)
    author = make_user(db, email="author@example.org")
    follower = make_user(db, email="follower@example.org")
    cycle = make_cycle(db, admin, phase=Phase.REVIEW)
    seat_commission(db, cycle, member)
    project = make_project(db, cycle, author, status=ProjectStatus.SUBMITTED)
    services.follow_for_taking_part(db, user_id=author.id, target=FollowTarget.PROJECT,
                                    target_id=project.id, reason=FollowReason.AUTHOR,
                                    now=utcnow())
    services.follow(db, user=follower, target=FollowTarget.PROJECT, target_id=project.id,
                    now=utcnow())
    db.commit()
    return member, author, follower, cycle, project


def _decide(db, member, cycle, project):
    meeting = held_meeting(db, cycle, member, present=6, projects=[project])
    record_decision(db, actor=member, meeting=meeting, project=project, kind=DecisionKind.ADMIT,
                    votes_for=6, votes_against=0, abstained=0, now=utcnow())
    db.commit()


def test_a_follower_is_told_of_the_commission_s_decision_in_the_portal_and_by_mail(
        scene, db, outbox, app):
    member, author, follower, cycle, project = scene
    _decide(db, member, cycle, project)
    [notice] = notices(db, follower)
    assert notice.kind is NoticeKind.DECISION and notice.read_at is None
    assert services.text_of(notice) == (
        f"Комісія ухвалила рішення щодо проєкту «{project.title}»: допущено до голосування.")
    assert services.unread_count(db, follower.id) == 1
    # The author hears of it by the commission's own letter, not twice; the member by nobody.
    assert notices(db, author) == [] and notices(db, member) == []
    [letter] = [m for m in mails(outbox) if m["To"] == "follower@example.org"]
    assert letter["Subject"] == services.text_of(notice)
    assert f"http://portal.test/projects/{project.id}" in letter.get_content()
    unsubscribe = letter["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("http://portal.test/notifications/unsubscribe/")
    assert letter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_click_unsubscribe_stops_that_kind_of_mail_but_keeps_the_notices(
        scene, db, outbox, client):
    member, _author, follower, cycle, project = scene
    token = services.unsubscribe_token(follower.id, NoticeKind.DECISION)
    # A mail client's RFC 8058 POST: no session, no form token.
    response = client.post(f"/notifications/unsubscribe/{token}",
                           data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert services.preferences_of(db, follower.id)[NoticeKind.DECISION] is Delivery.PORTAL
    assert client.get("/notifications/unsubscribe/forged-token").status_code == 404
    _decide(db, member, cycle, project)
    assert len(notices(db, follower)) == 1
    assert not [m for m in mails(outbox) if m["To"] == "follower@example.org"]


def test_each_kind_on_or_off_and_comments_gathered_in_a_daily_digest(scene, db, outbox):
    member, _author, follower, cycle, project = scene
    services.set_preferences(db, user_id=follower.id, chosen={
        NoticeKind.DECISION: Delivery.OFF, NoticeKind.IMPLEMENTATION_UPDATE: Delivery.DAILY})
    db.commit()
    _decide(db, member, cycle, project)
    assert notices(db, follower) == []
    services.tell_followers(db, kind=NoticeKind.COMMENT, target=FollowTarget.PROJECT,
                            target_id=project.id, params={"title": project.title})
    services.tell_followers(db, kind=NoticeKind.IMPLEMENTATION_UPDATE,
                            target=FollowTarget.PROJECT, target_id=project.id,
                            params={"title": project.title})
    db.commit()
    told = notices(db, follower)
    assert [(n.kind, n.delivery, n.mailed_at) for n in told] == [
        (NoticeKind.COMMENT, Delivery.DAILY, None),
        (NoticeKind.IMPLEMENTATION_UPDATE, Delivery.DAILY, None)]
    assert not [m for m in mails(outbox) if m["To"] == "follower@example.org"]
    enqueue(daily_digest)  # the worker's morning run (the tests' queue runs it at once)
    [digest] = [m for m in mails(outbox) if m["To"] == "follower@example.org"]
    assert digest["Subject"] == ("Ваші новини бюджету участі за день: "
                                 "Бахмутська міська територіальна громада")
    body = digest.get_content()
    assert "Новини бюджету участі: Бахмутська міська територіальна громада" in body
    assert "Новий коментар до проєкту" in body and "Новини реалізації проєкту" in body
    db.expire_all()
    assert all(n.mailed_at is not None for n in notices(db, follower))


def test_stopping_to_follow_holds_even_after_taking_part_again(scene, db):
    _member, author, _follower, _cycle, project = scene
    services.stop_following(db, user=author, target=FollowTarget.PROJECT,
                            target_id=project.id, now=utcnow())
    services.follow_for_taking_part(db, user_id=author.id, target=FollowTarget.PROJECT,
                                    target_id=project.id, reason=FollowReason.SUPPORTER,
                                    now=utcnow())
    assert not services.following(db, author.id, FollowTarget.PROJECT, project.id)
    [row] = db.scalars(select(Follow).where(Follow.user_id == author.id)).all()
    assert row.stopped_at is not None


def test_voting_opens_for_every_verified_resident_once_and_the_reminder_only_for_who_has_not_voted(  # noqa: E501
        app_ctx, db, outbox):
    admin = make_user(db, Role.ADMIN)
    voters = [make_user(db, verified=True, email=f"voter{n}@example.org") for n in range(3)]
    unverified = make_user(db, email="later@example.org")
    cycle = make_cycle(db, admin, phase=Phase.VOTING)
    db.commit()
    now = cycle.voting_start + timedelta(hours=1)  # the first run after voting opened
    assert announce(db, now) >= 3
    assert announce(db, now) == 0  # each thing is told once
    for voter in voters:
        assert [n.kind for n in notices(db, voter)] == [NoticeKind.VOTING_OPENED]
    assert notices(db, unverified) == []
    # Two days before the end: the residents who have not voted, each about themselves.
    from portal.voting.models import Ballot

    ballot_key = db.scalar(select(Ballot.person_key).limit(1))
    assert ballot_key is None  # nobody has voted in this scene
    closing = cycle.voting_end - timedelta(days=1)
    assert announce(db, closing) >= 3
    reminder = [n for n in notices(db, voters[0]) if n.kind is NoticeKind.VOTING_CLOSING]
    assert len(reminder) == 1
    assert "Ви ще не проголосували" in services.text_of(reminder[0])


def test_mass_mail_leaves_in_batches_spaced_to_the_configured_rate(app_ctx, db, app,
                                                                    monkeypatch):
    from portal.mail import delivery

    queued = []
    monkeypatch.setattr(delivery, "enqueue_after_commit",
                        lambda session, func, ids, delay=0: queued.append((len(ids), delay)))
    monkeypatch.setitem(app.config, "MAIL_BATCH_SIZE", 100)
    monkeypatch.setitem(app.config, "MAIL_RATE_PER_MINUTE", 600)
    delivery.queue_batches(db, list(range(1, 251)))
    # 600 a minute in batches of 100: one batch every 10 seconds.
    assert queued == [(100, 0.0), (100, 10.0), (50, 20.0)]


def test_the_reminder_skips_who_has_voted_and_tells_nobody_about_anyone_else(app_ctx, db):
    from portal.voting.models import Ballot, Channel

    admin = make_user(db, Role.ADMIN)
    voted, not_yet = (make_user(db, verified=True) for _ in range(2))
    cycle = make_cycle(db, admin, phase=Phase.VOTING)
    key = db.scalar(select(Verification.person_key).where(Verification.user_id == voted.id))
    db.add(Ballot(uuid="b" * 32, cycle_id=cycle.id, person_key=key, channel=Channel.ONLINE,
                  user_id=voted.id, cast_at=utcnow(), receipt_hash="0" * 64))
    db.commit()
    announce(db, cycle.voting_end - timedelta(days=1))
    reminded = db.scalars(select(Notice.user_id).where(
        Notice.kind == NoticeKind.VOTING_CLOSING)).all()
    assert not_yet.id in reminded and voted.id not in reminded
    [notice] = [n for n in notices(db, not_yet) if n.kind is NoticeKind.VOTING_CLOSING]
    assert services.params_of(notice) == {"title": cycle.name}  # nothing about other people
