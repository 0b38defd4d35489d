"""The ways a notice leaves the portal besides its own list, behind one interface.

E-mail is the one built; an SMS gateway or a messenger bot is another class with the same
two methods, added to ``CHANNELS`` (with the person's address for it, and their consent).
The in-portal list is the notices themselves (``models.Notice``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from portal.mail.delivery import queue_batches
from portal.notifications.models import Notice
from portal.notifications.rules import Delivery, FollowTarget, NoticeKind


@dataclass(frozen=True)
class Person:
    id: int
    email: str | None
    name: str
    locale: str | None
    active: bool


class Channel(Protocol):
    name: str

    def send_now(self, session: Session, *, kind: NoticeKind, target: FollowTarget,
                 target_id: int, params: dict[str, Any], people: list[Person]) -> int:
        """The same notice to each of ``people``, at once (in batches); how many left."""

    def send_digest(self, session: Session, person: Person, notices: list[Notice], *,
                    delivery: Delivery, now: datetime) -> bool:
        """A daily or weekly gathering of ``notices`` to one person; whether it left."""


class EmailChannel:
    name = "email"

    def send_now(self, session: Session, *, kind: NoticeKind, target: FollowTarget,
                 target_id: int, params: dict[str, Any], people: list[Person]) -> int:
        from portal.notifications.services import mail_each

        ids = mail_each(session, kind=kind, target=target, target_id=target_id, params=params,
                        people=[(p.id, p.email, p.name, p.locale) for p in people
                                if p.email and p.active])
        queue_batches(session, ids)
        return len(ids)

    def send_digest(self, session: Session, person: Person, notices: list[Notice], *,
                    delivery: Delivery, now: datetime) -> bool:
        from portal.notifications.services import mail_digest

        mail_id = mail_digest(session, person, notices, now=now, delivery=delivery)
        if mail_id is not None:
            queue_batches(session, [mail_id])
        return mail_id is not None


CHANNELS: list[Channel] = [EmailChannel()]
