"""The demo's three communities, real hromadas known by their КАТОТТГ codes, and making them.

* Bakhmut, the installation's own community (``COMMUNITY_*`` settings; by default
  Бахмутська міська територіальна громада, UA14020010000053517): its participatory budget
  of 2019 and today's cycles. ``make run`` serves it without a prefix (it sets
  ``DEFAULT_COMMUNITY`` to this code).
* Zvenyhorodka (``/zvenyhorodka/``), Звенигородська міська територіальна громада,
  UA71020130000086047: a youth budget with knapsack ballots counted by Equal Shares.
* Talne (``/talne/``), Тальнівська міська територіальна громада, UA71020290000032540:
  school budgets.

Both codes are the КАТОТТГ's (Minregion's order of 26.11.2020 No. 290, the edition of
16.12.2021), Звенигородський район of Черкаська область, as listed at
https://www.dovidnyk.in.ua/directories/katotth?level=2&node=UA71020000000057292 .
Their settlements are only those a source names, not each community's whole list:
Тальне, Гордашівка, Соколівочка and Здобуток formed the Talne community in 2015
(https://decentralization.gov.ua/news/4055; it has grown since); the village of Моринці,
where the Zvenyhorodka city council ran a shelter for displaced people, is its
(the community's channel, 17.01.2024: https://tglist.com/en/channel/IBgbhw/posts). That is
why Zvenyhorodka admits displaced persons (ВПО) here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.communities.services import create_community
from portal.cycles.forms import RULE_FIELDS
from portal.cycles.models import Cycle
from portal.cycles.services import keep_as_defaults
from portal.tenancy import scope
from portal.tenancy.models import Community
from portal.tenancy.routing import reserved_words


@dataclass(frozen=True)
class Hromada:
    code: str
    slug: str
    name: str
    name_en: str
    localities: tuple[str, ...]
    admits_displaced: bool = False


ZVENYHORODKA = Hromada(
    code="UA71020130000086047", slug="zvenyhorodka",
    name="Звенигородська міська територіальна громада",
    name_en="Zvenyhorodka City Territorial Community",
    localities=("Звенигородка", "Моринці"), admits_displaced=True)

TALNE = Hromada(
    code="UA71020290000032540", slug="talne",
    name="Тальнівська міська територіальна громада",
    name_en="Talne City Territorial Community",
    localities=("Тальне", "Гордашівка", "Соколівочка", "Здобуток"))


def bakhmut(config: Mapping[str, Any]) -> Hromada:
    """The installation's own community, as its settings name it."""
    return Hromada(code=config["COMMUNITY_CODE"], slug=config["COMMUNITY_SLUG"],
                   name=config["COMMUNITY_NAME"], name_en=config["COMMUNITY_NAME_EN"],
                   localities=tuple(config["COMMUNITY_LOCALITIES"]))


def bakhmut_id(session: Session, *, now: datetime, create: bool = True) -> int | None:
    """The community Bakhmut's demo goes to: the one with ``COMMUNITY_CODE``, else the
    installation's default one (the only community of a platform that has one), else one
    made from the COMMUNITY_* settings (None instead, unless ``create``)."""
    own = bakhmut(current_app.config)
    found = _by_code(session, own.code)
    if found is None:
        default = scope.default_community_id(session)
        others = {_by_code(session, other.code) for other in (ZVENYHORODKA, TALNE)}
        found = default if default > 0 and default not in others else None
    if found is not None or not create:
        return found
    community = Community(code=own.code, slug=own.slug, name=own.name, name_en=own.name_en,
                          localities="\n".join(own.localities), created_at=now)
    session.add(community)
    session.flush()
    scope.forget_default(session)
    return community.id


def hromada_id(session: Session, hromada: Hromada, *, now: datetime,
               create: bool = True) -> int | None:
    """The community with ``hromada``'s code, created (as ``flask communities create``
    does) when the platform has none, unless not to ``create`` (None then)."""
    found = _by_code(session, hromada.code)
    if found is not None or not create:
        return found
    community = create_community(
        session, code=hromada.code, slug=hromada.slug, name=hromada.name,
        name_en=hromada.name_en, localities=hromada.localities,
        admits_displaced=hromada.admits_displaced, actor=None,
        reserved=reserved_words(current_app), now=now)
    return community.id


def _by_code(session: Session, code: str) -> int | None:
    return session.scalar(select(Community.id).where(Community.code == code))


def keep_rules(session: Session, cycle: Cycle, *, actor: User, now: datetime) -> None:
    """The current community starts its new cycles with ``cycle``'s rules (as its
    administrator keeps them from the cycle form), unless it keeps some already."""
    community = session.get(Community, cycle.community_id)
    if community.settings("cycle_defaults"):
        return
    values = {name: getattr(cycle, name) for name in RULE_FIELDS}
    keep_as_defaults(session, actor=actor, now=now, rules={
        name: value.value if isinstance(value, Enum) else value
        for name, value in values.items()})
