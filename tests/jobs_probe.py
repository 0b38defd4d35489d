"""A job that writes down where it ran: imported by the tests' conftest before the app is
made, so that the app's queue knows it."""

from __future__ import annotations

from portal.db import db_session
from portal.jobs import job
from portal.tenancy import scope

ran: list[tuple[str, int]] = []


@job(label="test probe")
def where_it_ran(name: str) -> None:
    ran.append((name, scope.current_community_id(db_session())))
