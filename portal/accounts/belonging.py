"""Which accounts a community's offices see.

An account is the platform's (one per person), but a community's administrators and
verifiers list, open and act on only the accounts that are the community's:

* those holding a role granted in it;
* those a part above ties to it (``tie``: ``identity`` ties a verified person to the
  community of their residence);
* those that are no community's yet (no role granted in any community, nothing tying them
  anywhere): a newcomer, whom any community's desk may verify and any administrator
  appoint.

An account of another community is not found here (404), so the accounts of one community
are neither listed nor named to another. The list of accounts shows those tied to the
community; one that is no community's yet is found by its whole e-mail address (it stays
off every community's list: a newcomer registered on one community's pages is not shown
to all the others). The platform's own staff (a role held on the
whole platform, ``community_id`` NULL) see every account: they appoint a person of one
community to another's office.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, and_, exists, or_, true
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User, UserRole
from portal.tenancy import scope

#: For a community's id, two conditions on ``User.id``: the account is tied to that
#: community; the account is tied to another.
Tie = Callable[[int], tuple[ColumnElement[bool], ColumnElement[bool]]]

_ties: list[Tie] = []


def tie(found: Tie) -> Tie:
    """Count ``found`` among what ties an account to a community (used as a decorator by
    the part that knows, when its module is imported)."""
    _ties.append(found)
    return found


def _by_role(community_id: int) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    here = exists().where(UserRole.user_id == User.id, UserRole.community_id == community_id)
    elsewhere = exists().where(UserRole.user_id == User.id, UserRole.community_id.is_not(None),
                               UserRole.community_id != community_id)
    return here, elsewhere


def _found(community_id: int) -> list[tuple[ColumnElement[bool], ColumnElement[bool]]]:
    return [_by_role(community_id), *(each(community_id) for each in _ties)]


def tied_to(community_id: int) -> ColumnElement[bool]:
    """The condition on ``User`` that the account is tied to ``community_id``."""
    return or_(*(here for here, _elsewhere in _found(community_id)))


def of_community(community_id: int) -> ColumnElement[bool]:
    """The condition on ``User`` that the account is ``community_id``'s: tied to it, or
    tied to none."""
    found = _found(community_id)
    return or_(*(here for here, _elsewhere in found),
               ~or_(*(elsewhere for _here, elsewhere in found)))


def holds_platform_wide(user: User, *roles: Role) -> bool:
    """Whether ``user`` holds one of ``roles`` on the whole platform."""
    return any(grant.role in roles and grant.community_id is None
               for grant in user.role_grants)


def _every_account(session: Session, viewer: User, roles: tuple[Role, ...]) -> int | None:
    """None when ``viewer`` sees every account (one of ``roles`` held platform-wide, or no
    community current: a command for the whole platform), else the current community."""
    community = scope.current_community_id(session)
    if community == scope.EVERYWHERE or holds_platform_wide(viewer, *roles):
        return None
    return community


def seen_by(session: Session, viewer: User, *roles: Role) -> ColumnElement[bool]:
    """The condition on ``User`` of the accounts ``viewer`` may open in the current
    community: the community's (every account for the platform's own staff)."""
    community = _every_account(session, viewer, roles)
    return true() if community is None else of_community(community)


def listed_for(session: Session, viewer: User, *roles: Role,
               email: str | None = None) -> ColumnElement[bool]:
    """The condition on ``User`` of the accounts listed to ``viewer``: those tied to the
    community, and the one whose whole address is ``email`` if it is the community's to
    see (every account for the platform's own staff)."""
    community = _every_account(session, viewer, roles)
    if community is None:
        return true()
    if email:
        return or_(tied_to(community), and_(User.email == email, of_community(community)))
    return tied_to(community)
