"""Accounts and their verification: ``make_user`` and ``verify``."""

from __future__ import annotations

from datetime import date
from functools import cache
from itertools import count
from uuid import uuid4

from argon2 import PasswordHasher

from config import TESTING_SECRETS
from portal.accounts import services
from portal.accounts.models import Role, User, UserRole
from portal.clock import utcnow
from portal.identity import services as identity
from portal.identity.models import VerificationMethod
from portal.identity.rules import NumberKind, PersonNumber, make_rnokpp
from portal.tenancy import scope

#: The password of every account these builders make.
PASSWORD = "correct-horse-battery-staple-77"
#: The person-key secret of the test configuration; a live server passes its own.
SECRET = TESTING_SECRETS["PERSON_KEY_SECRET"]

_numbers = count(1)


@cache
def password_hash() -> str:
    """``PASSWORD`` hashed once per run, with the cheap argon2 parameters of the test
    configuration (``FAST_PASSWORD_HASHES``) whether or not an app is active."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


def make_user(db, *roles: Role, email: str | None = None, name: str = "Тестовий Користувач",
              confirmed: bool = True, verified: bool = False,
              birth_date: date = date(1990, 1, 1), district_id: int | None = None,
              secret: str = SECRET) -> User:
    """A resident's account holding ``roles`` too, verified in person if asked.

    Built directly: the password rules are tested on their own, and scoring the same
    password for every user of every test would only cost time.
    """
    now = utcnow()
    user = User(email=email or f"user{next(_numbers)}-{uuid4().hex[:8]}@example.org",
                display_name=name, password_hash=password_hash(), locale="uk", created_at=now)
    user.role_grants.append(UserRole(role=Role.RESIDENT, granted_at=now))
    db.add(user)
    db.flush()
    if confirmed:
        user.email_confirmed_at = now
    # Roles are the community's the test works in (its own unless it entered another).
    here = scope.entered()
    with scope.inside(here if here is not None and here > 0 else 1):
        for role in roles:
            if role is not Role.RESIDENT:
                services.grant_role(db, user=user, role=role, actor=None, now=now)
    if verified:
        verify(db, user, birth_date=birth_date, district_id=district_id,
               stem=f"{300000000 + user.id:09d}", secret=secret)
    db.flush()
    return user


def verify(db, user: User, *, stem: str, birth_date: date, district_id: int | None = None,
           secret: str = SECRET):
    """Verify ``user`` in person as the resident whose tax number starts with ``stem``."""
    claim = identity.IdentityClaim(
        number=PersonNumber(NumberKind.RNOKPP, make_rnokpp(stem)), birth_date=birth_date,
        community="Громада", resident=True, district_id=district_id,
    )
    return identity.verify_person(db, user=user, claim=claim,
                                  method=VerificationMethod.IN_PERSON, actor=None,
                                  secret=secret, now=utcnow())
