"""Who may see and change programs: the predicates the views, guards and templates share."""

from __future__ import annotations

from typing import Any

from portal.accounts.models import Role

MANAGERS = (Role.STAFF, Role.ADMIN)


def can_manage_programs(user: Any) -> bool:
    """Staff maintain programs, lines, payments, indicators and implementation; admins too."""
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*MANAGERS))


def can_see_program(user: Any, program: Any) -> bool:
    """Everyone reads a published program and its reports; drafts only their maintainers."""
    return bool(program.published) or can_manage_programs(user)
