"""Use cases of verified identities.

Every method (in person, register of residents, e-ID) ends in ``verify_person``: one code
path computes the person key, refuses a person already verified on another account, and
records the verification and its audit event. Refusals are ``Refused`` with the problems of
``portal.identity.messages``; a problem of the person's number or of the account belongs on
the form's ``number`` field.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from portal import audit
from portal.accounts.models import Role, User
from portal.accounts.services import register_without_password
from portal.community.models import District
from portal.i18n import _l
from portal.identity import eid_clients
from portal.identity.census import CensusRow
from portal.identity.messages import PROBLEMS
from portal.identity.models import (
    CensusBatch,
    CensusEntry,
    CensusLock,
    Verification,
    VerificationMethod,
)
from portal.identity.rules import (
    DISPLACED_CERTIFICATE,
    NumberKind,
    NumberProblem,
    PersonNumber,
    parse_person_number,
    person_key,
    resides_in,
    takes_part_here,
)
from portal.refusal import Refused
from portal.tenancy.routing import place_of
from portal.tenancy.scope import EVERYWHERE, current_community_id, writing_community_id


@dataclass(frozen=True)
class IdentityClaim:
    """What a method established about a person, before it is stored."""

    number: PersonNumber
    birth_date: date
    community: str
    resident: bool
    district_id: int | None
    #: The number of an internally displaced person's certificate (ВПО), recorded by the
    #: verifier where the community admits them.
    displaced_certificate: str | None = None


def takes_part(verification: Verification | None, community_id: int | None = None) -> bool:
    """Whether the person verified by ``verification`` takes part in the community
    (the current one unless named): ``rules.takes_part_here``."""
    if verification is None:
        return False
    session = object_session(verification)
    if community_id is None:
        community_id = current_community_id(session) if session is not None else -1
    place = place_of(community_id, session)
    return takes_part_here(
        resident=verification.resident,
        displaced=verification.displaced_certificate is not None,
        of_this_community=verification.community_id == community_id,
        admits_displaced=place is not None and place.admits_displaced)


def active_verification(session: Session, user: User) -> Verification | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return session.execute(
        select(Verification).where(Verification.user_id == user.id,
                                   Verification.revoked_at.is_(None))
    ).scalar_one_or_none()


def verify_person(
    session: Session, *, user: User, claim: IdentityClaim, method: VerificationMethod,
    actor: User | None, secret: str, now: datetime,
) -> Verification:
    if claim.birth_date > now.date():
        raise Refused(PROBLEMS("birth_date_future", "birth_date"))
    if active_verification(session, user) is not None:
        raise Refused(PROBLEMS("account_already_verified", "number"))
    certificate = (claim.displaced_certificate or "").strip() or None
    if certificate is not None and not claim.resident:
        if not re.fullmatch(DISPLACED_CERTIFICATE, certificate):
            raise Refused(PROBLEMS("displaced_format", "displaced_certificate"))
        place = place_of(current_community_id(session), session)
        if place is None or not place.admits_displaced:
            raise Refused(PROBLEMS("displaced_not_admitted", "displaced_certificate"))
    elif claim.resident:
        certificate = None  # residence established: the certificate adds nothing
    key = person_key(claim.number, secret)
    verification = Verification(
        community_id=writing_community_id(session, "Verification"),
        user_id=user.id, person_key=key, method=method, birth_date=claim.birth_date,
        community=claim.community, resident=claim.resident, district_id=claim.district_id,
        displaced_certificate=certificate,
        verified_by_id=actor.id if actor else None, verified_at=now,
    )
    try:
        # The partial unique index on active person keys is the guard: a look-up first
        # could not stop two desks verifying the same person at the same moment. The
        # message never says which account holds the person.
        with session.begin_nested():
            session.add(verification)
            session.flush()
    except IntegrityError:
        raise Refused(PROBLEMS("person_already_verified", "number")) from None
    audit.record(session, actor=actor or user, action="identity.verified",
                 object_type="user", object_id=user.id,
                 details={"method": method.value, "verification": verification.id}, at=now)
    return verification


def _eid_claim(*, number: str, birth_date: date | None, address: str, locality: str,
               localities: tuple[str, ...], community: str) -> IdentityClaim:
    """What an e-ID provider vouched for, as a claim: the tax number taken as it comes (a
    person without one is identified by a document number); residence decided from the
    declared address and the community's localities. The address itself is not kept."""
    parsed = parse_person_number(number, NumberKind.RNOKPP)
    if isinstance(parsed, NumberProblem):
        parsed = parse_person_number(number, NumberKind.DOCUMENT)
    if isinstance(parsed, NumberProblem) or birth_date is None:
        raise Refused(PROBLEMS("eid_missing_claims"))
    return IdentityClaim(number=parsed, birth_date=birth_date, community=community,
                         resident=resides_in(address, localities, locality=locality),
                         district_id=None)


def verify_by_eid(
    session: Session, *, user: User, number: str, birth_date: date | None, address: str,
    locality: str, localities: tuple[str, ...], community: str, secret: str, now: datetime,
) -> Verification:
    """Verify ``user`` with what an e-ID provider vouched for."""
    claim = _eid_claim(number=number, birth_date=birth_date, address=address,
                       locality=locality, localities=localities, community=community)
    return verify_person(session, user=user, claim=claim, method=VerificationMethod.EID,
                         actor=None, secret=secret, now=now)


@dataclass(frozen=True)
class EidSignIn:
    user: User
    #: The account was made by this sign-in (its owner is asked for an e-mail next).
    created: bool


def sign_in_by_eid(
    session: Session, *, name: str, number: str, birth_date: date | None, address: str,
    locality: str, localities: tuple[str, ...], community: str, secret: str, locale: str | None,
    now: datetime,
) -> EidSignIn:
    """The account of the person an e-ID provider vouched for, made and verified on first use.

    The person is found by their verification (the keyed hash of their number), however it
    was made: at the desk, from the census register or by e-ID. An account holding an
    office (verifier, commission, staff, administrator) signs in with its password only,
    so that e-ID never becomes a second way into the back office.
    """
    claim = _eid_claim(number=number, birth_date=birth_date, address=address,
                       locality=locality, localities=localities, community=community)
    key = person_key(claim.number, secret)
    known = session.execute(
        select(Verification).where(Verification.person_key == key,
                                   Verification.revoked_at.is_(None))
    ).scalar_one_or_none()
    if known is not None:
        user = session.get(User, known.user_id)
        if not user.active:
            raise Refused(PROBLEMS("eid_account_blocked"))
        if user.roles - {Role.RESIDENT}:
            raise Refused(PROBLEMS("eid_office_account"))
        user.last_login_at = now
        audit.record(session, actor=user, action="account.signed_in_by_eid",
                     object_type="user", object_id=user.id, at=now)
        return EidSignIn(user=user, created=False)
    user = register_without_password(session, display_name=name or str(_l("Resident")),
                                     locale=locale, now=now)
    user.last_login_at = now
    verify_person(session, user=user, claim=claim, method=VerificationMethod.EID,
                  actor=None, secret=secret, now=now)
    return EidSignIn(user=user, created=True)


def revoke_verification(
    session: Session, *, verification: Verification, reason: str, actor: User, now: datetime,
) -> None:
    if verification.revoked_at is not None:
        raise Refused(PROBLEMS("already_revoked"))
    if not reason.strip():
        raise Refused(PROBLEMS("reason_required", "reason"))
    verification.revoked_at = now
    verification.revoked_by_id = actor.id
    verification.revoke_reason = reason.strip()
    session.flush()
    audit.record(session, actor=actor, action="identity.revoked", object_type="user",
                 object_id=verification.user_id,
                 details={"verification": verification.id, "reason": reason.strip()}, at=now)


def verifications_by(session: Session, verifier: User, *, limit: int = 200) -> list[Verification]:
    """The verifications ``verifier`` made in the current community, newest first (one who
    serves at several communities' desks sees each desk's own)."""
    query = select(Verification).where(Verification.verified_by_id == verifier.id)
    community = current_community_id(session)
    if community != EVERYWHERE:
        query = query.where(Verification.community_id == community)
    return list(session.execute(
        query.order_by(Verification.verified_at.desc()).limit(limit)).scalars())


def replace_census(
    session: Session, *, rows: list[CensusRow], filename: str, actor: User, secret: str,
    now: datetime,
) -> CensusBatch:
    """Replace the whole register with ``rows`` (already validated)."""
    districts = {d.name: d.id for d in session.execute(select(District)).scalars()}
    session.execute(delete(CensusEntry))
    batch = CensusBatch(filename=filename[:255], uploaded_by_id=actor.id, uploaded_at=now,
                        rows=len(rows))
    session.add(batch)
    session.flush()
    session.add_all(
        CensusEntry(batch_id=batch.id, person_key=person_key(row.number, secret),
                    birth_date=row.birth_date,
                    district_id=districts.get(row.district) if row.district else None)
        for row in rows
    )
    session.flush()
    audit.record(session, actor=actor, action="census.replaced", object_type="census_batch",
                 object_id=batch.id, details={"rows": len(rows), "filename": filename}, at=now)
    return batch


def latest_census(session: Session) -> CensusBatch | None:
    return session.execute(
        select(CensusBatch).order_by(CensusBatch.id.desc()).limit(1)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int
    lockout: object  # timedelta


def census_lock_state(session: Session, user: User, now: datetime) -> CensusLock | None:
    lock = session.get(CensusLock, user.id)
    if lock and lock.locked_until and lock.locked_until > now:
        return lock
    return None


def verify_by_census(
    session: Session, *, user: User, number: PersonNumber, birth_date: date, community: str,
    policy: LockoutPolicy, secret: str, now: datetime,
) -> Verification:
    """Verify ``user`` if number and birth date match a row of the register.

    Every miss counts; after ``max_failures`` misses the account is locked out of this
    method for a while, so the register cannot be searched by trying numbers. The counter
    is stored, so it survives restarts and is shared by every worker.
    """
    lock = session.get(CensusLock, user.id)
    if lock is None:
        lock = CensusLock(user_id=user.id, failures=0)
        session.add(lock)
    if lock.locked_until and lock.locked_until > now:
        raise Refused(PROBLEMS("census_locked", "number"))
    entry = session.execute(
        select(CensusEntry).where(CensusEntry.person_key == person_key(number, secret))
    ).scalar_one_or_none()
    if entry is None or entry.birth_date != birth_date:
        lock.failures = (0 if lock.locked_until else lock.failures) + 1
        lock.locked_until = None
        lock.last_failure_at = now
        if lock.failures >= policy.max_failures:
            lock.locked_until = now + policy.lockout  # type: ignore[operator]
            lock.failures = 0
            audit.record(session, actor=user, action="identity.census_locked",
                         object_type="user", object_id=user.id, at=now)
        session.flush()
        # A miss is a record in its own right: the refusal keeps it (and the lock), or
        # trying numbers again and again would never lead to the lockout.
        raise Refused(PROBLEMS("census_no_match", "number"), keep=True)
    claim = IdentityClaim(number=number, birth_date=birth_date, community=community,
                          resident=True, district_id=entry.district_id)
    verification = verify_person(session, user=user, claim=claim,
                                 method=VerificationMethod.CENSUS, actor=None, secret=secret,
                                 now=now)
    lock.failures = 0
    lock.locked_until = None
    return verification


def set_eid_settings(session: Session, *, community: Any, settings: dict[str, Any],
                     actor: User | None, now: datetime) -> None:
    """Give ``community`` an e-ID client of its own (``settings``: the ``OIDC_*`` keys a
    community may hold), or take it away (empty ``settings``); refused
    (``eid_settings_issuer``, ``eid_settings_client``, ``eid_settings_auth``) with nothing
    changed when the settings cannot work. The audit log names the issuer, the client and
    the method, never the secret or the key."""
    own = eid_clients.own_settings(json.dumps(settings))
    if own:
        problems = []
        if not re.fullmatch(r"https?://[^\s/]+.*", own.get("OIDC_ISSUER", "")):
            problems.append(PROBLEMS("eid_settings_issuer", "issuer"))
        if not own.get("OIDC_CLIENT_ID"):
            problems.append(PROBLEMS("eid_settings_client", "client_id"))
        try:
            eid_clients.client_auth(own)
        except RuntimeError as error:
            problems.append(PROBLEMS("eid_settings_auth", None,
                                     reason=str(error).removeprefix("Refusing to start: ")))
        if problems:
            raise Refused(*problems)
    community.eid_settings = json.dumps(own, sort_keys=True)
    session.flush()
    audit.record(session, actor=actor, action="community.eid", object_type="community",
                 object_id=community.id,
                 details={"issuer": own.get("OIDC_ISSUER", ""),
                          "client_id": own.get("OIDC_CLIENT_ID", ""),
                          "method": (own.get("OIDC_CLIENT_AUTH_METHOD") or "client_secret_basic")
                          if own else ""},
                 at=now)
