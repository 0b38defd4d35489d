"""Use cases of a project's discussion: posting (and replying), editing with the earlier text
kept, reporting, and the moderators' hiding, restoring and dismissing of reports; and the
reads the pages need.

``post_comment`` is the one way a comment comes to be, and returns it, so that whatever
must follow a new comment (telling the project's followers) is added in one place. Every
function flushes and never commits, records its audit event, and refuses with
``Refused`` and the problems of ``portal.discussion.messages``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from portal import audit
from portal.accounts.models import Role
from portal.cycles.models import Cycle
from portal.cycles.rules import Phase, effective_windows
from portal.discussion import permissions
from portal.discussion.messages import PROBLEMS
from portal.discussion.models import Comment, CommentReport, CommentRevision
from portal.discussion.rules import (
    DEFAULT_PER_HOUR,
    MAX_LENGTH,
    MAX_NOTE_LENGTH,
    DiscussionProblem,
    HideReason,
    Speaker,
    closes_at,
    editing_problems,
    hiding_problems,
    is_open,
    posting_problems,
    reply_problems,
    since,
    voice_of,
)
from portal.identity.services import active_verification, takes_part
from portal.notifications import services as notifications
from portal.notifications.rules import FollowTarget, NoticeKind
from portal.projects.models import Project
from portal.projects.rules import PUBLIC
from portal.refusal import Problem, Refused

#: The form field each problem concerns (None: the form as a whole).
FIELDS = {
    DiscussionProblem.EMPTY: "text", DiscussionProblem.TOO_LONG: "text",
    DiscussionProblem.UNCHANGED: "text", DiscussionProblem.NOTE_REQUIRED: "note",
    DiscussionProblem.NOTE_TOO_LONG: "note",
}


def _problem(code: DiscussionProblem, per_hour: int = DEFAULT_PER_HOUR) -> Problem:
    values: dict[str, Any] = {}
    if code is DiscussionProblem.TOO_LONG:
        values["limit"] = MAX_LENGTH
    elif code is DiscussionProblem.NOTE_TOO_LONG:
        values["limit"] = MAX_NOTE_LENGTH
    elif code is DiscussionProblem.TOO_MANY:
        values["limit"] = per_hour
    return PROBLEMS(code, FIELDS.get(code), **values)


def _digest(text: str) -> str:
    """What the audit log keeps of a comment's text: its SHA-256, which proves the text the
    comment and its revisions hold without copying into the append-only log what a
    moderator may hide for personal data."""
    return hashlib.sha256(text.encode()).hexdigest()


def _refuse(codes: list[DiscussionProblem], per_hour: int = DEFAULT_PER_HOUR) -> None:
    if codes:
        raise Refused(*(_problem(code, per_hour) for code in codes))


# When the discussion is open ------------------------------------------------------------


def closing_of(cycle: Cycle) -> datetime | None:
    """When the discussion of ``cycle``'s projects closes (None: never), the voting's end
    taken as it actually runs, extensions included."""
    windows = effective_windows(cycle.calendar, cycle.extension_rules)
    voting_end = next((w.end for w in windows if w.phase is Phase.VOTING), cycle.voting_end)
    return closes_at(cycle.discussion_period, voting_end=voting_end,
                     budget_year=cycle.budget_year)


def discussion_open(project: Project, now: datetime) -> bool:
    """A submitted project's discussion is open until its cycle's setting closes it."""
    return project.status in PUBLIC and is_open(closing_of(project.cycle), now)


def speaker_of(session: Session, user: Any, project: Project) -> Speaker | None:
    """What the rules need of ``user`` writing on ``project`` (None: not signed in)."""
    if not permissions.signed_in(user):
        return None
    verification = active_verification(session, user)
    return Speaker(
        verified=takes_part(verification),
        author=project.author_id == user.id,
        coauthor=any(c.user_id == user.id and c.confirmed_at is not None
                     for c in project.coauthors),
        staff=user.has_role(Role.STAFF),
        commission=user.has_role(Role.COMMISSION),
    )


def posted_since(session: Session, user: Any, moment: datetime) -> int:
    return session.execute(select(func.count(Comment.id)).where(
        Comment.author_id == user.id, Comment.created_at >= moment)).scalar_one()


# Residents' steps -----------------------------------------------------------------------


def post_comment(
    session: Session, *, actor: Any, project: Project, text: str,
    parent: Comment | None = None, now: datetime, per_hour: int = DEFAULT_PER_HOUR,
) -> Comment:
    """Post ``text`` on ``project`` (as a reply to ``parent`` if given) and return the
    comment. Verified residents, and the department and the commission in their offices,
    write while the discussion is open, at most ``per_hour`` comments an hour.

    The limit counts the comments already stored; two posted in the same instant from two
    tabs may both pass it, which a limit against flooding can afford.
    """
    speaker = speaker_of(session, actor, project)
    recent = posted_since(session, actor, since(now)) if speaker else 0
    _refuse(posting_problems(speaker, open_=discussion_open(project, now), text=text,
                             recent_count=recent, per_hour=per_hour), per_hour)
    if parent is not None:
        _refuse(reply_problems(parent_is_reply=parent.parent_id is not None,
                               parent_hidden=parent.hidden,
                               same_project=parent.project_id == project.id))
    comment = Comment(project_id=project.id, parent_id=parent.id if parent else None,
                      author_id=actor.id, voice=voice_of(speaker), text=text.strip(),
                      created_at=now)
    session.add(comment)
    session.flush()
    audit.record(session, actor=actor, action="comment.posted", object_type="comment",
                 object_id=comment.id,
                 details={"project": project.id, "parent": comment.parent_id,
                          "voice": comment.voice.value, "sha256": _digest(comment.text)},
                 at=now)
    # The project's followers hear of it (a daily digest unless they chose otherwise).
    notifications.tell_followers(session, kind=NoticeKind.COMMENT, target=FollowTarget.PROJECT,
                                 target_id=project.id, params={"title": project.title},
                                 exclude=[actor.id])
    return comment


def edit_comment(session: Session, *, actor: Any, comment: Comment, text: str,
                 now: datetime) -> Comment:
    """Replace the comment's text, keeping the earlier one on record."""
    project = session.get(Project, comment.project_id)
    _refuse(editing_problems(own=permissions.signed_in(actor) and comment.author_id == actor.id,
                             hidden=comment.hidden, open_=discussion_open(project, now),
                             old_text=comment.text, new_text=text))
    session.add(CommentRevision(comment_id=comment.id, text=comment.text,
                                written_at=comment.edited_at or comment.created_at,
                                replaced_at=now))
    old = comment.text
    comment.text = text.strip()
    comment.edited_at = now
    session.flush()
    audit.record(session, actor=actor, action="comment.edited", object_type="comment",
                 object_id=comment.id,
                 details={"project": comment.project_id, "old_sha256": _digest(old),
                          "sha256": _digest(comment.text)}, at=now)
    return comment


def report_comment(session: Session, *, actor: Any, comment: Comment, note: str,
                   now: datetime) -> CommentReport:
    """Bring a comment to the moderators' queue, with an optional note. Anyone signed in
    may, once per comment (a report the moderators resolved may be made again)."""
    if not permissions.signed_in(actor):
        _refuse([DiscussionProblem.NOT_SIGNED_IN])
    if comment.author_id == actor.id:
        _refuse([DiscussionProblem.OWN_COMMENT])
    if comment.hidden:
        _refuse([DiscussionProblem.ALREADY_HIDDEN])
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH:
        _refuse([DiscussionProblem.NOTE_TOO_LONG])
    report = session.execute(select(CommentReport).where(
        CommentReport.comment_id == comment.id, CommentReport.reporter_id == actor.id)
    ).scalar_one_or_none()
    if report is not None and report.resolved_at is None:
        _refuse([DiscussionProblem.ALREADY_REPORTED])
    if report is None:
        report = CommentReport(comment_id=comment.id, reporter_id=actor.id, note=note, at=now)
        session.add(report)
    else:
        report.note, report.at, report.resolved_at = note, now, None
    session.flush()
    audit.record(session, actor=actor, action="comment.reported", object_type="comment",
                 object_id=comment.id,
                 details={"project": comment.project_id, "note": note}, at=now)
    return report


# Moderators' steps ----------------------------------------------------------------------


def _resolve_reports(comment: Comment, now: datetime) -> int:
    found = comment.open_reports
    for report in found:
        report.resolved_at = now
    return len(found)


def hide_comment(session: Session, *, actor: Any, comment: Comment, reason: HideReason,
                 note: str, now: datetime) -> Comment:
    """Hide a comment for a reason from the list ("other" needs a note); it stays in its
    place as "hidden by moderation", and its open reports are resolved. (The audit log
    keeps the reason's code as ``hide_reason``, a key its page does not show as words.)"""
    note = note.strip()
    _refuse(hiding_problems(moderator=permissions.can_moderate(actor), hidden=comment.hidden,
                            reason=reason, note=note))
    comment.hidden_at, comment.hidden_by_id = now, actor.id
    comment.hidden_reason, comment.hidden_note = reason, note
    resolved = _resolve_reports(comment, now)
    session.flush()
    audit.record(session, actor=actor, action="comment.hidden", object_type="comment",
                 object_id=comment.id,
                 details={"project": comment.project_id, "hide_reason": reason.value,
                          "note": note, "reports": resolved}, at=now)
    return comment


def restore_comment(session: Session, *, actor: Any, comment: Comment,
                    now: datetime) -> Comment:
    """Show a hidden comment again; the hiding stays in the audit log."""
    if not permissions.can_moderate(actor):
        _refuse([DiscussionProblem.NOT_MODERATOR])
    if not comment.hidden:
        _refuse([DiscussionProblem.NOT_HIDDEN])
    reason = comment.hidden_reason
    comment.hidden_at = comment.hidden_by_id = comment.hidden_reason = None
    comment.hidden_note = ""
    session.flush()
    audit.record(session, actor=actor, action="comment.restored", object_type="comment",
                 object_id=comment.id,
                 details={"project": comment.project_id, "hide_reason": reason.value},
                 at=now)
    return comment


def dismiss_reports(session: Session, *, actor: Any, comment: Comment, now: datetime) -> int:
    """The moderators found nothing to hide: the comment's open reports are resolved."""
    if not permissions.can_moderate(actor):
        _refuse([DiscussionProblem.NOT_MODERATOR])
    resolved = _resolve_reports(comment, now)
    if not resolved:
        _refuse([DiscussionProblem.NO_REPORTS])
    session.flush()
    audit.record(session, actor=actor, action="comment.reports_dismissed",
                 object_type="comment", object_id=comment.id,
                 details={"project": comment.project_id, "reports": resolved}, at=now)
    return resolved


# Reads ----------------------------------------------------------------------------------


def project_comments(session: Session, project: Project) -> list[Comment]:
    """The project's comments in the order they were posted, each with its replies."""
    return list(session.execute(
        select(Comment).where(Comment.project_id == project.id, Comment.parent_id.is_(None))
        .order_by(Comment.id)
        .options(selectinload(Comment.author), selectinload(Comment.reports),
                 selectinload(Comment.revisions),
                 selectinload(Comment.replies).selectinload(Comment.author),
                 selectinload(Comment.replies).selectinload(Comment.reports),
                 selectinload(Comment.replies).selectinload(Comment.revisions))
    ).scalars())


def comment_or_none(session: Session, comment_id: int) -> Comment | None:
    return session.get(Comment, comment_id)


@dataclass(frozen=True)
class QueueEntry:
    comment: Comment
    project: Project


def reported(session: Session) -> list[QueueEntry]:
    """Comments with open reports, the longest waiting first."""
    waiting = (select(CommentReport.comment_id, func.min(CommentReport.at).label("first"))
               .where(CommentReport.resolved_at.is_(None))
               .group_by(CommentReport.comment_id).subquery())
    rows = session.execute(
        select(Comment, Project).join(waiting, waiting.c.comment_id == Comment.id)
        .join(Project, Project.id == Comment.project_id)
        .order_by(waiting.c.first, Comment.id)
        .options(selectinload(Comment.author), selectinload(Comment.reports)
                 .selectinload(CommentReport.reporter))
    ).all()
    return [QueueEntry(comment, project) for comment, project in rows]


def recently_hidden(session: Session, limit: int = 50) -> list[QueueEntry]:
    rows = session.execute(
        select(Comment, Project).join(Project, Project.id == Comment.project_id)
        .where(Comment.hidden_at.is_not(None))
        .order_by(Comment.hidden_at.desc(), Comment.id.desc()).limit(limit)
        .options(selectinload(Comment.author), selectinload(Comment.hidden_by))
    ).all()
    return [QueueEntry(comment, project) for comment, project in rows]
