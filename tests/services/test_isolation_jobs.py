"""Background work of one community never reads, writes or mails another's: the periodic
jobs run once in each community and each run sees its own rows (the announcer, the
digests, the recount, the audit checkpoint); a job runs in the community it was asked for
in; its failure is kept as that community's; mail built in a community links to its
address; the results' background count counts in the request's community.

The web side (every route, page and file of two communities): ``tests/web/test_isolation.py``.
"""

from __future__ import annotations

import email
import json
import threading
from datetime import timedelta
from email.policy import default
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import jobs
from portal.accounts.models import Role
from portal.audit.models import AuditCheckpoint, AuditEvent
from portal.clock import utcnow
from portal.jobs.models import JobFailure
from portal.main.announcements import announce, announce_cycles
from portal.notifications.models import Notice
from portal.notifications.rules import Delivery, FollowTarget, NoticeKind
from portal.projects.rules import ProjectStatus
from portal.results.models import Tally
from portal.tenancy import scope
from tests.factories.accounts import make_user
from tests.factories.communities import make_community
from tests.factories.projects import make_project
from tests.factories.results import cast
from tests.factories.voting import close_voting, make_voting_cycle
from tests.jobs_probe import ran, where_it_ran

AWAY_NAME = "Хмільницька громада"


def mails(outbox: Path) -> list:
    return [email.message_from_bytes(f.read_bytes(), policy=default)
            for f in sorted(outbox.glob("*.eml"))]


def run_periodic(func) -> None:
    """What the worker does when ``func``'s schedule is due (the tests' queue runs it at
    once): ``func`` in each community, each in a transaction of its own."""
    jobs.queue().tasks[func.job_name]()


def every_notice(db) -> list[tuple[int, int, NoticeKind, int]]:
    """(community, person, kind, target) of every notice of every community."""
    with scope.everywhere():
        return sorted(db.execute(select(Notice.community_id, Notice.user_id, Notice.kind,
                                        Notice.target_id)).tuples())


@pytest.fixture
def two(app_ctx, db):
    """The test's community and Khmilnyk, each with a vote that opened a day ago and a
    verified resident who wants every notice at once."""
    other = make_community(db, slug="khmilnyk", name=AWAY_NAME)
    found = {}
    for community_id, slug in ((1, "bakhmut"), (other.id, "khmilnyk")):
        with scope.inside(community_id):
            admin = make_user(db, Role.ADMIN)
            resident = make_user(db, verified=True, email=f"{slug}-resident@example.org")
            cycle = make_voting_cycle(db, admin, name=f"Голосування громади {slug}")
            found[community_id] = SimpleNamespace(admin=admin, resident=resident, cycle=cycle)
    db.commit()
    return other, found


def test_the_announcer_tells_each_community_s_residents_of_its_own_vote(two, db, outbox):
    other, found = two
    home, away = found[1], found[other.id]
    run_periodic(announce_cycles)
    assert every_notice(db) == sorted([
        (1, home.resident.id, NoticeKind.VOTING_OPENED, home.cycle.id),
        (other.id, away.resident.id, NoticeKind.VOTING_OPENED, away.cycle.id)])
    letters = {m["To"]: m.get_content() for m in mails(outbox)}
    assert set(letters) == {"bakhmut-resident@example.org", "khmilnyk-resident@example.org"}
    home_letter, away_letter = (letters["bakhmut-resident@example.org"],
                                letters["khmilnyk-resident@example.org"])
    assert f"http://portal.test/cycles/{home.cycle.id}" in home_letter
    assert f"http://portal.test/khmilnyk/cycles/{away.cycle.id}" in away_letter
    assert "http://portal.test/khmilnyk/notifications/settings" in away_letter
    assert "громади khmilnyk" not in home_letter and "громади bakhmut" not in away_letter


def test_a_person_s_digests_come_one_per_community_each_with_its_own_news(two, db, outbox):
    """One person follows projects in both communities and reads news once a day: each
    community's digest lists its notices and links to its own pages."""
    other, found = two
    person = make_user(db, email="both@example.org")
    for community_id, title in ((1, "Сквер у Бахмуті"), (other.id, "Сквер у Хмільнику")):
        with scope.inside(community_id):
            project = make_project(db, found[community_id].cycle, person,
                                   status=ProjectStatus.ADMITTED, title=title)
            db.add(Notice(user_id=person.id, kind=NoticeKind.COMMENT,
                          target=FollowTarget.PROJECT, target_id=project.id,
                          params=json.dumps({"title": title}, ensure_ascii=False),
                          created_at=utcnow(), delivery=Delivery.DAILY))
            db.flush()
            found[community_id].project = project
    db.commit()
    from portal.notifications.jobs import daily_digest

    run_periodic(daily_digest)
    digests = [m.get_content() for m in mails(outbox) if m["To"] == "both@example.org"]
    assert len(digests) == 2
    home_digest = next(d for d in digests if "Сквер у Бахмуті" in d)
    away_digest = next(d for d in digests if "Сквер у Хмільнику" in d)
    assert "Сквер у Хмільнику" not in home_digest and "Сквер у Бахмуті" not in away_digest
    assert f"http://portal.test/projects/{found[1].project.id}" in home_digest
    assert f"http://portal.test/khmilnyk/projects/{found[other.id].project.id}" in away_digest
    assert "/khmilnyk/" not in home_digest


def test_the_recount_counts_each_community_s_closed_votes_in_its_own_run(two, db):
    from portal.results.jobs import recount, recount_closed_votes

    other, found = two
    for community_id in (1, other.id):
        with scope.inside(community_id):
            cycle = found[community_id].cycle
            project = make_project(db, cycle, found[community_id].admin,
                                   status=ProjectStatus.ADMITTED)
            cast(db, cycle, [project])
            close_voting(db, cycle)
    db.commit()
    with scope.inside(1):
        made = recount(db, utcnow())
    with scope.everywhere():
        assert {db.get(Tally, tally).cycle_id for tally in made} == {found[1].cycle.id}
    db.rollback()
    run_periodic(recount_closed_votes)
    with scope.everywhere():
        counted = set(db.execute(select(Tally.community_id, Tally.cycle_id)).tuples())
    assert counted == {(1, found[1].cycle.id), (other.id, found[other.id].cycle.id)}


def test_the_audit_checkpoint_signs_each_community_s_chain(two, db):
    from portal.audit.jobs import sign_checkpoint

    other, _found = two
    run_periodic(sign_checkpoint)
    with scope.everywhere():
        signed = {row.community_id: row.event_count
                  for row in db.scalars(select(AuditCheckpoint))}
        events = {community: len(db.scalars(select(AuditEvent.id).where(
            AuditEvent.community_id == community)).all()) for community in (1, other.id)}
    assert signed == events and set(signed) == {1, other.id}


def test_a_job_asked_for_in_a_community_runs_there_whenever_the_commit_comes(app_ctx, db):
    other = make_community(db)
    ran.clear()
    with scope.inside(other.id):
        jobs.enqueue_after_commit(db, where_it_ran, "after the commit")
    db.commit()  # outside the community: the job still runs in it
    assert ran == [("after the commit", other.id)]


def test_a_spent_job_s_failure_is_kept_as_its_community_s(app, db):
    other = make_community(db)
    task = SimpleNamespace(name=where_it_ran.job_name, retries=0, args=("x",),
                           kwargs={jobs.COMMUNITY_KEY: other.id})
    with app.app_context():
        jobs.queue()._failed("error", task, RuntimeError("the mail server is away"))
    kept = db.scalar(select(JobFailure).where(JobFailure.job == where_it_ran.job_name))
    assert kept.community_id == other.id and "the mail server is away" in kept.error


def test_the_results_background_count_counts_in_the_request_s_community(app_ctx, db,
                                                                        monkeypatch):
    """The results page counts again in a thread of its own; a thread starts with no
    community, and another community's cycle would not be found from the default one."""
    from portal.results import counting

    other = make_community(db)
    with scope.inside(other.id):
        cycle = make_voting_cycle(db, make_user(db, Role.ADMIN))
        project = make_project(db, cycle, make_user(db), status=ProjectStatus.ADMITTED)
        cast(db, cycle, [project])
        close_voting(db, cycle)
    db.flush()
    threads = []

    class Joined(threading.Thread):
        def start(self) -> None:
            threads.append(self)
            super().start()
            self.join()

    monkeypatch.setattr(counting.threading, "Thread", Joined)
    key = ("isolation test", cycle.id, cycle.created_at)
    counting._cache.pop(key, None)
    with scope.inside(other.id):
        counting._refresh_in_background(
            key, cycle.id, lambda: Session(bind=db.connection(),
                                           join_transaction_mode="create_savepoint"))
    assert len(threads) == 1
    summary = counting._cache.pop(key)
    assert summary.counts.voters == 1


def test_mail_written_in_a_community_links_to_its_address(app_ctx, db, outbox):
    from portal.links import external_url
    from portal.mail import send_mail

    other = make_community(db, slug="khmilnyk", name=AWAY_NAME)
    with scope.inside(other.id):
        send_mail("olena@example.org", "Проєкт", external_url("projects.page", project_id=7),
                  session=db)
    db.commit()
    [letter] = mails(outbox)
    assert letter.get_content().strip() == "http://portal.test/khmilnyk/projects/7"
    with scope.inside(1):
        assert external_url("projects.page", project_id=7) == "http://portal.test/projects/7"


def test_a_vote_closing_soon_reminds_only_the_community_s_residents(two, db):
    other, found = two
    home = found[1]
    closing = home.cycle.voting_end - timedelta(days=1)
    with scope.inside(1):
        announce(db, closing)
    reminded = {(community, person) for community, person, kind, _target in every_notice(db)
                if kind is NoticeKind.VOTING_CLOSING}
    assert reminded == {(1, home.resident.id)}
