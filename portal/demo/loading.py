"""The whole demo in one call, once: its parts in order, then the mark that it is loaded.

Each part leaves alone what it finds already there, so a load interrupted halfway is
finished by the next one. Once the mark of this version of the demo is in the database, a
load is one query: ``make run`` the second time serves in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.cycles.models import Cycle
from portal.demo.accounts import load_accounts
from portal.demo.cycles import DATA, load_cycles, open_cycle_name
from portal.demo.discussion import load_discussion
from portal.demo.follows import load_follows
from portal.demo.models import DemoLoad
from portal.demo.photos import load_photos
from portal.demo.programs import load_programs
from portal.demo.review import load_review
from portal.demo.voting import SCHOOL, load_voting
from portal.tenancy import scope
from portal.tenancy.models import Community
from portal.uploads import UploadStore

#: Raised when the demo gains a part that an already loaded database should get too.
DEMO_VERSION = 2


@dataclass(frozen=True)
class Loaded:
    accounts: list[tuple[User, tuple[Role, ...]]]
    #: When this version of the demo was loaded: now, or by an earlier load.
    at: datetime
    fresh: bool


def loaded_mark(session: Session) -> DemoLoad | None:
    return session.get(DemoLoad, DEMO_VERSION)


def load_demo(session: Session, *, secret: str, audit_key: Ed25519PrivateKey,
              store: UploadStore, now: datetime) -> Loaded:
    """Load whatever of the demo is missing and mark it loaded; nothing when it is."""
    mark = loaded_mark(session)
    if mark is not None:
        return Loaded(accounts=[], at=mark.loaded_at, fresh=False)
    community = demo_community(session, now=now)
    with scope.inside(community):
        return _load(session, secret=secret, audit_key=audit_key, store=store, now=now)


def demo_community(session: Session, *, now: datetime) -> int:
    """The community the demo goes to: the installation's default one, or, on a platform
    that has none yet, one made from the COMMUNITY_* settings (Bakhmut's by default)."""
    found = scope.default_community_id(session)
    if found > 0:
        return found
    config = current_app.config
    community = Community(
        code=config["COMMUNITY_CODE"], slug=config["COMMUNITY_SLUG"],
        name=config["COMMUNITY_NAME"], name_en=config["COMMUNITY_NAME_EN"],
        localities="\n".join(config["COMMUNITY_LOCALITIES"]), created_at=now)
    session.add(community)
    session.flush()
    scope.forget_default(session)
    return community.id


def _load(session: Session, *, secret: str, audit_key: Ed25519PrivateKey,
          store: UploadStore, now: datetime) -> Loaded:
    accounts = load_accounts(session, secret=secret, now=now)
    load_cycles(session, secret=secret, now=now)
    load_review(session)
    load_voting(session, secret=secret, audit_key=audit_key, now=now)
    load_follows(session, now=now)  # before the funding and the works it is told of
    load_programs(session, now=now)
    load_discussion(session, now=now)
    names = (DATA["finished"]["name"], open_cycle_name(now), SCHOOL)
    cycles = session.execute(select(Cycle.id).where(Cycle.name.in_(names))).scalars().all()
    load_photos(session, store=store, cycle_ids=list(cycles))
    session.add(DemoLoad(version=DEMO_VERSION, loaded_at=now))
    session.flush()
    return Loaded(accounts=accounts, at=now, fresh=True)
