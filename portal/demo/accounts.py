"""Demo accounts, one per role, and a community's districts.

Accounts are the platform's; roles are granted in the community being loaded (the scope
the loader runs in), and a verified person lives in that community.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts import passwords
from portal.accounts import services as accounts
from portal.accounts.models import Role, User, UserRole
from portal.community import rules as boundaries
from portal.community.models import District
from portal.i18n import _l
from portal.identity import services as identity
from portal.identity.models import VerificationMethod
from portal.identity.rules import NumberKind, PersonNumber, make_rnokpp

DEMO_PASSWORD = "bakhmut-budget-demo-2026"  # noqa: S105 - published on purpose: make run prints it

DISTRICTS = ("Центральний", "Забахмутка", "Ступки", "Молодіжний", "Хромове")
#: Their boundaries (made up around Bakhmut's centre, of different sizes), for the maps.
BOUNDARIES = Path(__file__).with_name("districts.geojson")

@dataclass(frozen=True)
class Person:
    """A demo account: its roles in the community, and, with a tax-number ``stem``, a
    person verified in person at the desk, born on ``born``, living in ``district`` (the
    community's first district when None)."""

    email: str
    name: str
    roles: tuple[Role, ...]
    stem: str | None = None
    born: date = date(1985, 5, 17)
    district: str | None = None


#: (e-mail, name, roles, verified with this tax-number stem)
DEMO_ACCOUNTS = (
    ("admin@demo.bakhmut.ua", "Олена Адміністраторка", (Role.ADMIN,), None),
    ("verifier@demo.bakhmut.ua", "Ігор ЦНАП", (Role.VERIFIER,), None),
    ("commission@demo.bakhmut.ua", "Марія Комісійна", (Role.COMMISSION,), "310000001"),
    ("staff@demo.bakhmut.ua", "Петро Програмний", (Role.STAFF,), None),
    ("resident@demo.bakhmut.ua", "Андрій Мешканець", (Role.RESIDENT,), "320000001"),
    ("newcomer@demo.bakhmut.ua", "Ніна Новенька", (Role.RESIDENT,), None),
)

def office_guide(domain: str) -> tuple[tuple[str, Any], ...]:
    """What the guide says of a community's office accounts (``verifier@domain``...)."""
    return ((f"verifier@{domain}", _l("the administrative service centre's desk: verifies "
                                      "residents, enters paper ballots")),
            (f"commission@{domain}", _l("the commission's secretary")),
            (f"staff@{domain}", _l("program staff: funding and implementation")),
            (f"admin@{domain}", _l("the community's administrator")))


#: What the guide says of each account, in the order it names them.
GUIDE = (
    ("resident@demo.bakhmut.ua", _l("a verified resident (district Центральний): can vote "
                                    "and submit; follows two 2019 winners (their news is "
                                    "under Notices)")),
    ("newcomer@demo.bakhmut.ua", _l("registered, not verified yet: the desk verifies her "
                                    "first")),
    *office_guide("demo.bakhmut.ua"),
)

def near(centre: tuple[Decimal, Decimal], n: int) -> tuple[Decimal, Decimal]:
    """A point some 170 to 900 metres from ``centre``, the same for the same ``n``: the
    projects of a settlement whose file gives no places lie around its middle on a
    golden-angle spiral, never two on one point."""
    angle = n * 2.399963  # the golden angle, in radians
    radius = 0.0015 + 0.0006 * (n % 12)  # in degrees of latitude
    step = Decimal("0.000001")
    latitude = centre[0] + Decimal(repr(radius * math.sin(angle))).quantize(step)
    # A degree of longitude is shorter by the cosine of the latitude.
    longitude = centre[1] + Decimal(repr(radius * math.cos(angle) / math.cos(
        math.radians(float(centre[0]))))).quantize(step)
    return latitude, longitude


def load_districts(session: Session, names: Sequence[str] = DISTRICTS,
                   boundaries_file: Path | None = BOUNDARIES) -> dict[str, District]:
    """The districts, each with its boundary from ``boundaries_file`` unless it has one
    (Bakhmut's ``districts.geojson`` by default); without a file, no boundaries."""
    existing = {d.name: d for d in session.execute(select(District)).scalars()}
    shapes = {}
    if boundaries_file is not None:
        shapes, findings = boundaries.named_boundaries(
            json.loads(boundaries_file.read_text(encoding="utf-8")), set(names))
        if findings:  # the file ships with the code (tests/unit/test_demo_districts.py)
            raise RuntimeError(f"{boundaries_file.name}: {findings}")
    for position, name in enumerate(names):
        if name not in existing:
            existing[name] = District(name=name, position=position)
            session.add(existing[name])
        if existing[name].boundary is None and name in shapes:
            existing[name].boundary = boundaries.canonical(shapes[name])
    session.flush()
    return existing


def load_accounts(session: Session, *, secret: str, now: datetime) -> list[tuple[User, tuple]]:
    """Bakhmut's accounts, one per role, and its districts."""
    districts = load_districts(session)
    people = [Person(email, name, roles, stem) for email, name, roles, stem in DEMO_ACCOUNTS]
    return load_people(session, people, districts=districts,
                       community="Бахмутська міська територіальна громада", secret=secret,
                       now=now)


def load_people(session: Session, people: Sequence[Person], *, districts: dict[str, District],
                community: str, secret: str, now: datetime) -> list[tuple[User, tuple]]:
    """Each account (registered and confirmed unless it exists) with its roles here; those
    with a tax-number stem verified at the desk by the verifier among them (``community``:
    the name the verification records)."""
    verifier = None
    loaded = []
    for person in people:
        user = accounts.find_user_by_email(session, person.email)
        if user is None:
            user = accounts.register(session, email=person.email, password=DEMO_PASSWORD,
                                     display_name=person.name, locale="uk", now=now)
            user.email_confirmed_at = now
        for role in person.roles:
            accounts.grant_role(session, user=user, role=role, actor=None, now=now)
        if Role.VERIFIER in person.roles:
            verifier = user
        loaded.append((user, person))
    first = min(districts.values(), key=lambda district: district.position)
    for user, person in loaded:
        if person.stem and identity.active_verification(session, user) is None:
            claim = identity.IdentityClaim(
                number=PersonNumber(NumberKind.RNOKPP, make_rnokpp(person.stem)),
                birth_date=person.born, community=community, resident=True,
                district_id=districts[person.district].id if person.district else first.id,
            )
            identity.verify_person(session, user=user, claim=claim,
                                   method=VerificationMethod.IN_PERSON, actor=verifier,
                                   secret=secret, now=now)
    return [(user, person.roles) for user, person in loaded]


def verified_residents(session: Session, people: Sequence[Person], *, community: str,
                       districts: dict[str, District], verifier: User, verified_on: datetime,
                       secret: str) -> list[User]:
    """Residents who registered and were verified at the desk on ``verified_on`` (one
    password hash for all: they are many), in the order given; those found are kept."""
    password_hash = None
    found = []
    for person in people:
        user = accounts.find_user_by_email(session, person.email)
        if user is None:
            password_hash = password_hash or passwords.hash_password(DEMO_PASSWORD)
            user = User(email=person.email, display_name=person.name,
                        password_hash=password_hash, locale="uk", created_at=verified_on,
                        email_confirmed_at=verified_on)
            user.role_grants.append(UserRole(role=Role.RESIDENT, granted_at=verified_on))
            session.add(user)
            session.flush()
        if person.stem and identity.active_verification(session, user) is None:
            identity.verify_person(session, user=user, claim=identity.IdentityClaim(
                number=PersonNumber(NumberKind.RNOKPP, make_rnokpp(person.stem)),
                birth_date=person.born, community=community, resident=True,
                district_id=districts[person.district].id if person.district else None),
                method=VerificationMethod.IN_PERSON, actor=verifier, secret=secret,
                now=verified_on)
        found.append(user)
    return found
