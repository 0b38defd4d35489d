"""The whole demo in one call, once: three communities, each loaded in its own scope, then
the mark that the demo is loaded.

* Bakhmut (the installation's own community, served without a prefix by ``make run``):
  its accounts, the 2019 cycle reviewed, voted on, counted and implemented, the next
  year's cycle accepting projects, the school budget voting today, the program, comments
  and follows;
* Zvenyhorodka (``portal.demo.zvenyhorodka``): a youth budget with knapsack ballots counted
  by Equal Shares, and the next one accepting projects;
* Talne (``portal.demo.talne``): school budgets, one counted and one voting today.

``portal.demo.communities`` says which hromadas they are. Each part leaves alone what it
finds already there, so a load interrupted halfway is finished by the next one. Once the
mark of this version of the demo is in the database, a load is one query: ``make run`` the
second time serves in seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User
from portal.cycles.models import Cycle
from portal.demo import talne, zvenyhorodka
from portal.demo.accounts import GUIDE as BAKHMUT_GUIDE
from portal.demo.accounts import load_accounts
from portal.demo.communities import TALNE, ZVENYHORODKA, Hromada, bakhmut_id, hromada_id
from portal.demo.cycles import DATA, load_cycles, open_cycle_name
from portal.demo.discussion import load_discussion
from portal.demo.follows import load_follows
from portal.demo.models import DemoLoad
from portal.demo.photos import load_photos
from portal.demo.programs import load_programs
from portal.demo.review import load_review
from portal.demo.voting import SCHOOL, load_voting
from portal.tenancy import scope
from portal.uploads import UploadStore

#: Raised when the demo gains a part that an already loaded database should get too.
DEMO_VERSION = 4

Accounts = list[tuple[User, tuple[Role, ...]]]


@dataclass(frozen=True)
class DemoCommunity:
    """One community of the demo: which hromada (None: the installation's own, from the
    settings), how its data is loaded (inside its scope; returns its accounts and their
    roles there), and what the guide says of its accounts."""

    key: str
    hromada: Hromada | None
    load: Callable[..., Accounts]
    guide: tuple[tuple[str, Any], ...]

    def place(self, session: Session, now: datetime, *, create: bool = True) -> int | None:
        """Its community's id; made first if the platform lacks it (unless not to
        ``create``: None then)."""
        if self.hromada is None:
            return bakhmut_id(session, now=now, create=create)
        return hromada_id(session, self.hromada, now=now, create=create)


@dataclass(frozen=True)
class Loaded:
    #: Each community's id and its accounts with their roles there, in the demo's order.
    communities: list[tuple[int, Accounts]]
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
        return Loaded(communities=[], at=mark.loaded_at, fresh=False)
    loaded = [load_community(session, demo, secret=secret, audit_key=audit_key, store=store,
                             now=now) for demo in COMMUNITIES]
    session.add(DemoLoad(version=DEMO_VERSION, loaded_at=now))
    session.flush()
    return Loaded(communities=loaded, at=now, fresh=True)


def load_community(session: Session, demo: DemoCommunity, *, secret: str,
                   audit_key: Ed25519PrivateKey, store: UploadStore,
                   now: datetime) -> tuple[int, Accounts]:
    """One community of the demo, in its scope, with a photo for each of its projects."""
    community = demo.place(session, now)
    assert community is not None
    with scope.inside(community):
        accounts = demo.load(session, secret=secret, audit_key=audit_key, now=now)
        names = _photographed(demo, now)
        query = select(Cycle.id) if names is None else select(Cycle.id).where(
            Cycle.name.in_(names))
        load_photos(session, store=store, cycle_ids=list(session.execute(query).scalars()))
    return community, accounts


def _photographed(demo: DemoCommunity, now: datetime) -> tuple[str, ...] | None:
    """Bakhmut's three demo cycles (an installation's own may hold others); every cycle of
    the other communities."""
    if demo.key == "bakhmut":
        return (DATA["finished"]["name"], open_cycle_name(now), SCHOOL)
    return None


def _load_bakhmut(session: Session, *, secret: str, audit_key: Ed25519PrivateKey,
                  now: datetime) -> Accounts:
    accounts = load_accounts(session, secret=secret, now=now)
    load_cycles(session, secret=secret, now=now)
    load_review(session)
    load_voting(session, secret=secret, audit_key=audit_key, now=now)
    load_follows(session, now=now)  # before the funding and the works it is told of
    load_programs(session, now=now)
    load_discussion(session, now=now)
    return accounts


COMMUNITIES = (
    DemoCommunity("bakhmut", None, _load_bakhmut, BAKHMUT_GUIDE),
    DemoCommunity("zvenyhorodka", ZVENYHORODKA, zvenyhorodka.load_zvenyhorodka,
                  zvenyhorodka.GUIDE),
    DemoCommunity("talne", TALNE, talne.load_talne, talne.GUIDE),
)
