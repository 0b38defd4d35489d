"""Communities beside the test's own (``tests.conftest.TEST_COMMUNITY``, the default one,
served without a prefix): ``make_community`` adds one in the test's transaction."""

from __future__ import annotations

from itertools import count

from sqlalchemy import Connection, insert

from portal.clock import utcnow
from portal.tenancy.models import Community, CommunityDomain

_numbers = count(1)

#: The community every test works in unless it makes others.
TEST_COMMUNITY = {"code": "UA14020010000053517", "slug": "bakhmut",
                  "name": "Бахмутська міська територіальна громада",
                  "name_en": "Bakhmut City Territorial Community",
                  "localities": "Бахмут\nОпитне"}


def add_community(connection: Connection, **values) -> int:
    """A community row written straight into the database (as the migration does)."""

    row = {"name_en": "", "localities": "", "mail_sender": "", "signatories": "[]",
           "cycle_defaults": "{}", "admits_displaced": False, "eid_settings": "{}",
           "created_at": utcnow(), "active": True, **values}
    return connection.execute(insert(Community).values(**row).returning(Community.id)).scalar_one()


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


def set_localities(db, community_id: int, *names: str) -> None:
    """The community's settlements (an e-ID address in one of them counts as residence)."""
    db.get(Community, community_id).localities = "\n".join(names)
    db.flush()
    forget()


def forget() -> None:
    """Requests read the communities again (each app keeps what it read for a while)."""
    from portal.tenancy import scope

    scope._defaults.clear()
    for app in _apps:
        app.extensions["portal.communities"].forget()


_apps: list = []


def remember_app(app) -> None:
    _apps.append(app)
