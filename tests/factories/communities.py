"""Communities beside the test's own (``tests.conftest.TEST_COMMUNITY``, the default one,
served without a prefix): ``make_community`` adds one in the test's transaction."""

from __future__ import annotations

from itertools import count

from portal.clock import utcnow
from portal.tenancy.models import Community, CommunityDomain

_numbers = count(1)


def make_community(db, *, slug: str | None = None, name: str | None = None,
                   domains: tuple[str, ...] = (), localities: str = "",
                   admits_displaced: bool = False) -> Community:
    number = next(_numbers)
    community = Community(code=f"UA{90000000000000000 + number:017d}",
                          slug=slug or f"hromada-{number}", name=name or f"Громада {number}",
                          name_en=f"Community {number}", localities=localities,
                          admits_displaced=admits_displaced, created_at=utcnow())
    db.add(community)
    db.flush()
    db.add_all(CommunityDomain(community_id=community.id, host=host) for host in domains)
    db.flush()
    forget()
    return community


def forget() -> None:
    """Requests read the communities again (each app keeps what it read for a while)."""
    from portal.tenancy import scope

    scope._defaults.clear()
    for app in _apps:
        app.extensions["portal.communities"].forget()


_apps: list = []


def remember_app(app) -> None:
    _apps.append(app)
