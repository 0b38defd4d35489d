"""Who may do what in a project's discussion; the views enforce and the templates ask the
same predicates (the services check them again through ``portal.discussion.rules``)."""

from __future__ import annotations

from typing import Any

from portal.accounts.models import Role
from portal.discussion.models import Comment

#: The offices that moderate the discussion.
MODERATORS = (Role.COMMISSION, Role.STAFF, Role.ADMIN)


def signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_moderate(user: Any) -> bool:
    return signed_in(user) and user.has_role(*MODERATORS)


def can_edit(user: Any, comment: Comment) -> bool:
    """The page offers editing to the comment's writer while it is shown (the service also
    asks whether the discussion is open)."""
    return signed_in(user) and comment.author_id == user.id and not comment.hidden


def can_report(user: Any, comment: Comment) -> bool:
    return signed_in(user) and comment.author_id != user.id and not comment.hidden


def can_read_hidden(user: Any) -> bool:
    """Moderators still read a hidden comment's text; everyone else sees the placeholder."""
    return can_moderate(user)
