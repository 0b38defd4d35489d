"""Who may do what in the review; the views enforce and the templates ask the same predicates."""

from __future__ import annotations

from typing import Any

from portal.accounts.models import Role
from portal.review.models import Meeting


def can_record_expertise(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.STAFF,
                                                                            Role.ADMIN)


def can_hold_meetings(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.COMMISSION,
                                                                            Role.ADMIN)


def can_manage_roster(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.ADMIN)


def can_see_meeting(user: Any, meeting: Meeting) -> bool:
    """Everyone sees opened and closed meetings; a draft only the commission."""
    return meeting.is_public or can_hold_meetings(user)


def is_author(user: Any, project: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and project.author_id == user.id
