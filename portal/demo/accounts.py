"""Demo accounts, one per role, and the community's districts."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts import services as accounts
from portal.accounts.models import Role, User
from portal.community import rules as boundaries
from portal.community.models import District
from portal.identity import services as identity
from portal.identity.models import VerificationMethod
from portal.identity.rules import NumberKind, PersonNumber, make_rnokpp

DEMO_PASSWORD = "bakhmut-budget-demo-2026"  # noqa: S105 - published on purpose: make run prints it

DISTRICTS = ("Центральний", "Забахмутка", "Ступки", "Молодіжний", "Хромове")
#: Their boundaries (made up around Bakhmut's centre, of different sizes), for the maps.
BOUNDARIES = Path(__file__).with_name("districts.geojson")

#: (e-mail, name, roles, verified with this tax-number stem)
DEMO_ACCOUNTS = (
    ("admin@demo.bakhmut.ua", "Олена Адміністраторка", (Role.ADMIN,), None),
    ("verifier@demo.bakhmut.ua", "Ігор ЦНАП", (Role.VERIFIER,), None),
    ("commission@demo.bakhmut.ua", "Марія Комісійна", (Role.COMMISSION,), "310000001"),
    ("staff@demo.bakhmut.ua", "Петро Програмний", (Role.STAFF,), None),
    ("resident@demo.bakhmut.ua", "Андрій Мешканець", (Role.RESIDENT,), "320000001"),
    ("newcomer@demo.bakhmut.ua", "Ніна Новенька", (Role.RESIDENT,), None),
)


def load_districts(session: Session) -> dict[str, District]:
    """The districts, each with its boundary from ``districts.geojson`` unless it has one."""
    existing = {d.name: d for d in session.execute(select(District)).scalars()}
    shapes, findings = boundaries.named_boundaries(
        json.loads(BOUNDARIES.read_text(encoding="utf-8")), set(DISTRICTS))
    if findings:  # the file ships with the code (tests/unit/test_demo_districts.py)
        raise RuntimeError(f"{BOUNDARIES.name}: {findings}")
    for position, name in enumerate(DISTRICTS):
        if name not in existing:
            existing[name] = District(name=name, position=position)
            session.add(existing[name])
        if existing[name].boundary is None and name in shapes:
            existing[name].boundary = boundaries.canonical(shapes[name])
    session.flush()
    return existing


def load_accounts(session: Session, *, secret: str, now: datetime) -> list[tuple[User, tuple]]:
    districts = load_districts(session)
    verifier = None
    loaded = []
    for email, name, roles, stem in DEMO_ACCOUNTS:
        user = accounts.find_user_by_email(session, email)
        if user is None:
            user = accounts.register(session, email=email, password=DEMO_PASSWORD,
                                     display_name=name, locale="uk", now=now)
            user.email_confirmed_at = now
        for role in roles:
            accounts.grant_role(session, user=user, role=role, actor=None, now=now)
        if Role.VERIFIER in roles:
            verifier = user
        loaded.append((user, roles, stem))
    for user, _roles, stem in loaded:
        if stem and identity.active_verification(session, user) is None:
            claim = identity.IdentityClaim(
                number=PersonNumber(NumberKind.RNOKPP, make_rnokpp(stem)),
                birth_date=date(1985, 5, 17), community="Бахмутська міська територіальна громада",
                resident=True, district_id=districts[DISTRICTS[0]].id,
            )
            identity.verify_person(session, user=user, claim=claim,
                                   method=VerificationMethod.IN_PERSON, actor=verifier,
                                   secret=secret, now=now)
    return [(user, roles) for user, roles, _stem in loaded]
