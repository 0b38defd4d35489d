"""The resident's side of notices: follow buttons, the header's unread count, the list,
opening a notice, the settings; a voter follows their cycle until they stop."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import Role
from portal.clock import utcnow
from portal.cycles.rules import Phase
from portal.main.announcements import announce
from portal.notifications import services
from portal.notifications.models import Notice
from portal.notifications.rules import Delivery, FollowTarget, NoticeKind
from portal.projects.rules import ProjectStatus
from tests.conftest import post_form, sign_in
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project


def test_following_a_project_from_its_page_and_reading_the_notice(client, db, make_user, app):
    admin, author = make_user(Role.ADMIN), make_user()
    resident = make_user(verified=True)
    cycle = make_cycle(db, admin, phase=Phase.REVIEW)
    project = make_project(db, cycle, author, status=ProjectStatus.SUBMITTED)
    sign_in(client, resident)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Стежити" in page
    response = post_form(client, f"/projects/{project.id}/follow", {"action": "follow"},
                         token_from=f"/projects/{project.id}")
    assert response.status_code == 302
    assert services.following(db, resident.id, FollowTarget.PROJECT, project.id)
    assert "Ви стежите · не стежити" in client.get(f"/projects/{project.id}").get_data(
        as_text=True)
    with app.app_context():  # its own: requests must not share one (flask-login keeps g)
        services.tell_followers(db, kind=NoticeKind.IMPLEMENTATION_UPDATE,
                                target=FollowTarget.PROJECT, target_id=project.id,
                                params={"title": project.title})
        db.commit()
    home = client.get("/").get_data(as_text=True)
    assert '<span class="count" aria-hidden="true">1</span>' in home
    listing = client.get("/notifications/").get_data(as_text=True)
    assert f"Новини реалізації проєкту «{project.title}»." in listing
    [notice] = db.scalars(select(Notice).where(Notice.user_id == resident.id)).all()
    opened = client.get(f"/notifications/{notice.id}")
    assert opened.status_code == 302 and opened.location == f"/projects/{project.id}"
    assert 'class="count"' not in client.get("/").get_data(as_text=True)
    # Somebody else's notice is nobody's business.
    stranger = client.application.test_client()
    sign_in(stranger, make_user())
    answer = stranger.get(f"/notifications/{notice.id}")
    assert answer.status_code == 404, answer.location
    post_form(client, f"/projects/{project.id}/follow", {"action": "stop"},
              token_from=f"/projects/{project.id}")
    assert not services.following(db, resident.id, FollowTarget.PROJECT, project.id)


def test_the_settings_change_each_kind(client, db, make_user):
    resident = make_user()
    sign_in(client, resident)
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "Нові коментарі до проєкту, за яким ви стежите" in page
    data = {f"kind_{kind.value}": Delivery.IMMEDIATE.value for kind in NoticeKind}
    data["kind_comment"] = Delivery.WEEKLY.value
    data["kind_voting_opened"] = Delivery.OFF.value
    response = post_form(client, "/notifications/settings", data)
    assert response.status_code == 302
    chosen = services.preferences_of(db, resident.id)
    assert chosen[NoticeKind.COMMENT] is Delivery.WEEKLY
    assert chosen[NoticeKind.VOTING_OPENED] is Delivery.OFF
    bad = post_form(client, "/notifications/settings", {**data, "kind_comment": "hourly"})
    assert bad.status_code == 200  # shown again with the problem; nothing changed
    assert services.preferences_of(db, resident.id)[NoticeKind.COMMENT] is Delivery.WEEKLY


def test_a_voter_follows_the_cycle_until_they_stop(client, db, make_user, app):
    from portal.identity.models import Verification
    from portal.results.models import Tally  # noqa: F401  (the announcer reads approvals)
    from portal.voting.models import Ballot, Channel

    admin = make_user(Role.ADMIN)
    voter = make_user(verified=True)
    cycle = make_cycle(db, admin, phase=Phase.VOTING)
    key = db.scalar(select(Verification.person_key).where(Verification.user_id == voter.id))
    db.add(Ballot(uuid="c" * 32, cycle_id=cycle.id, person_key=key, channel=Channel.ONLINE,
                  user_id=voter.id, cast_at=utcnow(), receipt_hash="1" * 64))
    db.commit()
    sign_in(client, voter)
    assert "Ви стежите · не стежити" in client.get(f"/cycles/{cycle.id}").get_data(
        as_text=True)
    post_form(client, f"/cycles/{cycle.id}/follow", {"action": "stop"},
              token_from=f"/cycles/{cycle.id}")
    assert not services.following(db, voter.id, FollowTarget.CYCLE, cycle.id, took_part=True)
    assert "Стежити" in client.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    # Voting opened a moment ago: told to every verified resident, the voter included (the
    # kind is on); stopping to follow the cycle concerns its followers' news, not this one.
    with app.app_context():
        announce(db, cycle.voting_start + timedelta(hours=1))
    kinds = db.scalars(select(Notice.kind).where(Notice.user_id == voter.id)).all()
    assert kinds == [NoticeKind.VOTING_OPENED]
