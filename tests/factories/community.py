"""Districts: ``make_districts`` adds them in the order given, without boundaries."""

from __future__ import annotations

from portal.community.models import District


def make_districts(db, *names: str) -> list[District]:
    found = [District(name=name, position=position) for position, name in enumerate(names, 1)]
    db.add_all(found)
    db.flush()
    return found
