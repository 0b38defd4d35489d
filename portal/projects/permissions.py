"""Named predicates about who may do what with a project; views and templates share them."""

from __future__ import annotations

from typing import Any

from portal.accounts.models import Role
from portal.projects.models import Project
from portal.projects.rules import PUBLIC, Event, ProjectStatus, allowed_events

#: Roles that see every project, drafts included.
OVERSEERS = (Role.STAFF, Role.COMMISSION, Role.ADMIN)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_author(user: Any, project: Project) -> bool:
    return _signed_in(user) and project.author_id == user.id


def is_team(user: Any, project: Project) -> bool:
    """The author or a co-author who has accepted the invitation."""
    if not _signed_in(user):
        return False
    return project.author_id == user.id or any(
        c.user_id == user.id and c.confirmed_at is not None for c in project.coauthors)


def can_view(user: Any, project: Project) -> bool:
    """Everyone sees a submitted project; a draft only its team and the overseers."""
    if project.status in PUBLIC:
        return True
    return is_team(user, project) or (_signed_in(user) and user.has_role(*OVERSEERS))


def can_edit(user: Any, project: Project) -> bool:
    return is_team(user, project) and project.editable


def can_submit(user: Any, project: Project) -> bool:
    return is_author(user, project) and project.status is ProjectStatus.DRAFT


def can_resubmit(user: Any, project: Project) -> bool:
    return is_author(user, project) and project.status is ProjectStatus.RETURNED_FOR_REVISION


def can_withdraw(user: Any, project: Project) -> bool:
    return is_author(user, project) and Event.WITHDRAW in allowed_events(project.status)


def can_manage_team(user: Any, project: Project) -> bool:
    return is_author(user, project) and project.editable
