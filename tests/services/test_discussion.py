"""The discussion's services: who posts and in what capacity, replies one level deep, edits
kept on record, reports, hiding with a reason and restoring, the hourly limit, the cycle's
discussion period, and an audit event for every step."""

import hashlib
import json
from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.clock import utcnow
from portal.cycles.rules import DiscussionPeriod, Phase
from portal.discussion import services
from portal.discussion.models import Comment, CommentReport, CommentRevision
from portal.discussion.rules import HideReason, Voice
from portal.projects.models import CoAuthor
from portal.projects.rules import ProjectStatus
from portal.refusal import Refused
from tests.factories import accounts
from tests.factories.cycles import make_cycle
from tests.factories.discussion import make_comment
from tests.factories.projects import make_project

pytestmark = [pytest.mark.module_transaction, pytest.mark.usefixtures("app_ctx")]


@pytest.fixture(scope="module")
def admin(module_db):
    return accounts.make_user(module_db, Role.ADMIN)


@pytest.fixture(scope="module")
def author(module_db):
    return accounts.make_user(module_db, verified=True, name="Олена Авторка")


@pytest.fixture(scope="module")
def resident(module_db):
    return accounts.make_user(module_db, verified=True, name="Петро Мешканець")


@pytest.fixture(scope="module")
def project(module_db, admin, author):
    cycle = make_cycle(module_db, admin, phase=Phase.REVIEW)
    return make_project(module_db, cycle, author, status=ProjectStatus.UNDER_REVIEW)


def audit_events(db, action: str, comment: Comment) -> list[AuditEvent]:
    return db.scalars(select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.object_type == "comment",
        AuditEvent.object_id == str(comment.id))).all()


def comments_of(db, project) -> int:
    return db.scalar(select(func.count(Comment.id)).where(Comment.project_id == project.id))


def post(db, actor, project, text="Чи буде тут освітлення?", **options):
    return services.post_comment(db, actor=actor, project=project, text=text, now=utcnow(),
                                 **options)


def test_a_verified_resident_posts_and_gets_the_comment_back_audited(db, project, resident):
    comment = post(db, resident, project, text="  Чи буде тут освітлення?  ")
    assert isinstance(comment, Comment) and comment.id is not None
    assert (comment.project_id, comment.author_id, comment.parent_id) == (
        project.id, resident.id, None)
    assert comment.text == "Чи буде тут освітлення?"
    assert comment.voice is Voice.RESIDENT
    (event,) = audit_events(db, "comment.posted", comment)
    assert event.actor_id == resident.id
    details = json.loads(event.details)
    assert (details["project"], details["voice"]) == (project.id, "resident")
    assert details["sha256"] == hashlib.sha256("Чи буде тут освітлення?".encode()).hexdigest()


def test_only_verified_residents_and_the_offices_post(db, project):
    unverified = accounts.make_user(db)
    with pytest.raises(Refused) as refused:
        post(db, unverified, project)
    assert refused.value.codes == ["not_verified"]
    with pytest.raises(Refused) as refused:
        post(db, AnonymousUserMixin(), project)
    assert refused.value.codes == ["not_signed_in"]
    assert comments_of(db, project) == 0
    # The department and the commission answer in their office, verified or not.
    assert post(db, accounts.make_user(db, Role.STAFF), project).voice is Voice.DEPARTMENT
    assert post(db, accounts.make_user(db, Role.COMMISSION), project).voice is Voice.COMMISSION


def test_the_authors_replies_are_marked_as_theirs(db, project, author, resident):
    question = post(db, resident, project)
    answer = post(db, author, project, text="Так, чотири ліхтарі.", parent=question)
    assert answer.voice is Voice.AUTHOR and answer.parent_id == question.id
    coauthor = accounts.make_user(db, verified=True)
    project.coauthors.append(CoAuthor(email=coauthor.email, user_id=coauthor.id,
                                      token_hash="c" * 64, invited_at=utcnow(),
                                      confirmed_at=utcnow()))
    db.flush()
    assert post(db, coauthor, project, parent=question).voice is Voice.COAUTHOR
    db.refresh(question)
    assert [r.voice for r in question.replies] == [Voice.AUTHOR, Voice.COAUTHOR]
    # A commission member who wrote the project answers as its author.
    member = accounts.make_user(db, Role.COMMISSION, verified=True)
    own = make_project(db, project.cycle, member, status=ProjectStatus.UNDER_REVIEW)
    assert post(db, member, own).voice is Voice.AUTHOR


def test_replies_are_one_level_deep(db, project, author, resident):
    question = post(db, resident, project)
    answer = post(db, author, project, parent=question)
    with pytest.raises(Refused) as refused:
        post(db, resident, project, parent=answer)
    assert refused.value.codes == ["reply_to_reply"]
    moderator = accounts.make_user(db, Role.COMMISSION)
    services.hide_comment(db, actor=moderator, comment=question, reason=HideReason.SPAM,
                          note="", now=utcnow())
    with pytest.raises(Refused) as refused:
        post(db, author, project, parent=question)
    assert refused.value.codes == ["parent_hidden"]


def test_empty_and_overlong_comments_are_refused_on_their_field(db, project, resident):
    for text, code in (("   ", "empty"), ("а" * 2001, "too_long")):
        with pytest.raises(Refused) as refused:
            post(db, resident, project, text=text)
        assert refused.value.codes == [code]
        assert refused.value.field == "text"
    assert comments_of(db, project) == 0


def test_an_edit_keeps_the_earlier_text_on_record(db, project, resident):
    comment = post(db, resident, project, text="Перша версія")
    first_at = comment.created_at
    later = utcnow() + timedelta(minutes=5)
    services.edit_comment(db, actor=resident, comment=comment, text="Друга версія", now=later)
    services.edit_comment(db, actor=resident, comment=comment, text="Третя версія",
                          now=later + timedelta(minutes=1))
    assert comment.text == "Третя версія"
    assert comment.edited_at == later + timedelta(minutes=1)
    revisions = db.scalars(select(CommentRevision).where(CommentRevision.comment_id == comment.id)
                           .order_by(CommentRevision.id)).all()
    assert [(r.text, r.written_at, r.replaced_at) for r in revisions] == [
        ("Перша версія", first_at, later), ("Друга версія", later, later + timedelta(minutes=1))]
    assert len(audit_events(db, "comment.edited", comment)) == 2
    assert "Перша версія" not in audit_events(db, "comment.edited", comment)[0].details


def test_only_the_writer_edits_and_only_to_change_something(db, project, resident):
    comment = post(db, resident, project, text="Текст")
    with pytest.raises(Refused) as refused:
        services.edit_comment(db, actor=accounts.make_user(db, Role.ADMIN), comment=comment,
                              text="Інший", now=utcnow())
    assert refused.value.codes == ["not_author"]
    with pytest.raises(Refused) as refused:
        services.edit_comment(db, actor=resident, comment=comment, text=" Текст ", now=utcnow())
    assert refused.value.codes == ["unchanged"]
    assert comment.text == "Текст" and comment.edited_at is None


def test_anyone_signed_in_reports_once_with_an_optional_note(db, project, author, resident):
    comment = post(db, resident, project)
    report = services.report_comment(db, actor=author, comment=comment, note=" образа ",
                                     now=utcnow())
    assert (report.reporter_id, report.note, report.resolved_at) == (author.id, "образа", None)
    with pytest.raises(Refused) as refused:
        services.report_comment(db, actor=author, comment=comment, note="", now=utcnow())
    assert refused.value.codes == ["already_reported"]
    with pytest.raises(Refused) as refused:
        services.report_comment(db, actor=resident, comment=comment, note="", now=utcnow())
    assert refused.value.codes == ["own_comment"]
    unverified = accounts.make_user(db)
    services.report_comment(db, actor=unverified, comment=comment, note="", now=utcnow())
    assert len(audit_events(db, "comment.reported", comment)) == 2
    assert [e.comment.id for e in services.reported(db)] == [comment.id]


def test_moderators_hide_with_a_reason_and_the_reports_are_closed(db, project, author, resident):
    comment = post(db, resident, project)
    services.report_comment(db, actor=author, comment=comment, note="", now=utcnow())
    with pytest.raises(Refused) as refused:
        services.hide_comment(db, actor=author, comment=comment, reason=HideReason.INSULT,
                              note="", now=utcnow())
    assert refused.value.codes == ["not_moderator"]
    moderator = accounts.make_user(db, Role.STAFF)
    services.hide_comment(db, actor=moderator, comment=comment, reason=HideReason.INSULT,
                          note="", now=utcnow())
    assert comment.hidden and comment.hidden_reason is HideReason.INSULT
    assert comment.hidden_by_id == moderator.id and comment.text  # the text stays for them
    assert all(r.resolved_at is not None for r in comment.reports)
    assert services.reported(db) == []
    assert [e.comment.id for e in services.recently_hidden(db)] == [comment.id]
    (event,) = audit_events(db, "comment.hidden", comment)
    assert json.loads(event.details)["hide_reason"] == "insult" and event.actor_id == moderator.id
    with pytest.raises(Refused) as refused:
        services.hide_comment(db, actor=moderator, comment=comment, reason=HideReason.SPAM,
                              note="", now=utcnow())
    assert refused.value.codes == ["already_hidden"]


def test_other_reason_needs_a_note(db, project, resident):
    comment = post(db, resident, project)
    moderator = accounts.make_user(db, Role.COMMISSION)
    with pytest.raises(Refused) as refused:
        services.hide_comment(db, actor=moderator, comment=comment, reason=HideReason.OTHER,
                              note="  ", now=utcnow())
    assert refused.value.codes == ["note_required"] and refused.value.field == "note"
    assert not comment.hidden
    services.hide_comment(db, actor=moderator, comment=comment, reason=HideReason.OTHER,
                          note="Реклама сторонньої послуги", now=utcnow())
    assert comment.hidden_note == "Реклама сторонньої послуги"


def test_the_database_refuses_other_without_a_note(db, project, resident):
    moderator = accounts.make_user(db, Role.COMMISSION)
    with pytest.raises(IntegrityError), db.begin_nested():
        make_comment(db, project, resident, hidden_by=moderator,
                     hidden_reason=HideReason.OTHER, hidden_note="")


def test_moderators_restore_a_hidden_comment(db, project, resident):
    moderator = accounts.make_user(db, Role.COMMISSION)
    comment = make_comment(db, project, resident, hidden_by=moderator,
                           hidden_reason=HideReason.OFF_TOPIC)
    services.restore_comment(db, actor=moderator, comment=comment, now=utcnow())
    assert not comment.hidden
    assert (comment.hidden_reason, comment.hidden_by_id, comment.hidden_note) == (None, None, "")
    (event,) = audit_events(db, "comment.restored", comment)
    assert json.loads(event.details)["hide_reason"] == "off_topic"
    with pytest.raises(Refused) as refused:
        services.restore_comment(db, actor=moderator, comment=comment, now=utcnow())
    assert refused.value.codes == ["not_hidden"]
    with pytest.raises(Refused) as refused:
        services.restore_comment(db, actor=resident, comment=comment, now=utcnow())
    assert refused.value.codes == ["not_moderator"]


def test_moderators_dismiss_reports_and_the_comment_stays(db, project, author, resident):
    comment = post(db, resident, project)
    services.report_comment(db, actor=author, comment=comment, note="", now=utcnow())
    moderator = accounts.make_user(db, Role.COMMISSION)
    assert services.dismiss_reports(db, actor=moderator, comment=comment, now=utcnow()) == 1
    assert not comment.hidden and comment.open_reports == []
    assert len(audit_events(db, "comment.reports_dismissed", comment)) == 1
    with pytest.raises(Refused) as refused:
        services.dismiss_reports(db, actor=moderator, comment=comment, now=utcnow())
    assert refused.value.codes == ["no_reports"]
    # A resolved report may be made again: it is reopened.
    services.report_comment(db, actor=author, comment=comment, note="знову", now=utcnow())
    assert [r.note for r in comment.open_reports] == ["знову"]
    assert db.scalar(select(func.count(CommentReport.id)).where(
        CommentReport.comment_id == comment.id)) == 1


def test_posting_is_limited_per_account_and_hour(db, project, resident):
    now = utcnow()
    make_comment(db, project, resident, at=now - timedelta(minutes=61))  # outside the hour
    for _ in range(2):
        services.post_comment(db, actor=resident, project=project, text="Ще одне питання",
                              now=now, per_hour=2)
    before = comments_of(db, project)
    with pytest.raises(Refused) as refused:
        services.post_comment(db, actor=resident, project=project, text="Третє", now=now,
                              per_hour=2)
    assert refused.value.codes == ["too_many"]
    assert refused.value.problems[0].values == {"limit": 2}
    assert comments_of(db, project) == before
    # An hour later the account may write again.
    assert services.post_comment(db, actor=resident, project=project, text="Третє",
                                 now=now + timedelta(minutes=61), per_hour=2)


@pytest.mark.parametrize(("period", "is_open"), [
    (DiscussionPeriod.VOTING, False),
    (DiscussionPeriod.IMPLEMENTATION, True),
    (DiscussionPeriod.ALWAYS, True),
])
def test_after_the_vote_the_cycles_period_decides(db, admin, author, resident, period, is_open):
    cycle = make_cycle(db, admin, phase=Phase.RESULTS)
    cycle.discussion_period = period
    winner = make_project(db, cycle, author, status=ProjectStatus.WINNER)
    earlier = make_comment(db, winner, resident, text="Написано під час голосування")
    assert services.discussion_open(winner, utcnow()) is is_open
    if is_open:
        assert post(db, resident, winner).id
        services.edit_comment(db, actor=resident, comment=earlier, text="Уточнення",
                              now=utcnow())
    else:
        with pytest.raises(Refused) as refused:
            post(db, resident, winner)
        assert refused.value.codes == ["closed"]
        with pytest.raises(Refused) as refused:
            services.edit_comment(db, actor=resident, comment=earlier, text="Уточнення",
                                  now=utcnow())
        assert refused.value.codes == ["closed"]
        # Closed means read-only, not gone; reporting still reaches the moderators.
        assert [c.id for c in services.project_comments(db, winner)] == [earlier.id]
        services.report_comment(db, actor=author, comment=earlier, note="", now=utcnow())


def test_an_extended_voting_keeps_the_discussion_open(db, admin, author, resident):
    from portal.cycles import services as cycles

    cycle = make_cycle(db, admin, phase=Phase.VOTING)
    project = make_project(db, cycle, author, status=ProjectStatus.ADMITTED)
    end = cycle.voting_end
    cycles.extend_phase(db, cycle=cycle, phase=Phase.VOTING, new_end=end + timedelta(days=3),
                        reason="Збій зв'язку", actor=admin, now=utcnow())
    db.refresh(cycle)
    assert services.closing_of(cycle) == end + timedelta(days=3)
    assert services.discussion_open(project, end + timedelta(days=1))
    assert not services.discussion_open(project, end + timedelta(days=3))


def test_a_draft_has_no_discussion(db, admin, author, resident):
    cycle = make_cycle(db, admin)
    draft = make_project(db, cycle, author)
    with pytest.raises(Refused) as refused:
        post(db, resident, draft)
    assert refused.value.codes == ["closed"]
