"""The demo resident follows two of the 2019 winners: the worker then tells them of their
funding and of each step of their works, which the demo records next, so the resident's
notices (the header's count, the list, the mail in the outbox) show what following gives."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.cycles.models import Cycle
from portal.demo.cycles import DATA
from portal.notifications import services as notifications
from portal.notifications.rules import FollowTarget
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus

FOLLOWED = 2


def load_follows(session: Session, *, now: datetime) -> int:
    resident = session.scalar(select(User).where(User.email == "resident@demo.bakhmut.ua"))
    winners = session.scalars(
        select(Project.id).join(Cycle, Cycle.id == Project.cycle_id)
        .where(Cycle.name == DATA["finished"]["name"], Project.status == ProjectStatus.WINNER)
        .order_by(Project.number).limit(FOLLOWED)).all()
    for project_id in winners:
        notifications.follow(session, user=resident, target=FollowTarget.PROJECT,
                             target_id=project_id, now=now)
    return len(winners)
