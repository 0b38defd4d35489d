"""The discussion: ``make_comment`` builds a comment (or a reply) directly, hidden by
moderation if a reason is given (the discussion's services are tested on their own)."""

from __future__ import annotations

from datetime import datetime

from portal.clock import utcnow
from portal.discussion.models import Comment
from portal.discussion.rules import HideReason, Voice


def make_comment(db, project, author, text: str = "Гарна ідея, підтримую.", *,
                 parent: Comment | None = None, voice: Voice = Voice.RESIDENT,
                 at: datetime | None = None, hidden_by=None,
                 hidden_reason: HideReason | None = None, hidden_note: str = "") -> Comment:
    at = at or utcnow()
    comment = Comment(project_id=project.id, parent_id=parent.id if parent else None,
                      author_id=author.id, voice=voice, text=text, created_at=at)
    if hidden_reason is not None:
        comment.hidden_at, comment.hidden_by_id = at, hidden_by.id
        comment.hidden_reason, comment.hidden_note = hidden_reason, hidden_note
    db.add(comment)
    db.flush()
    return comment
