"""What every successful e-ID round trip must have left, whichever provider vouched."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.identity.models import Verification, VerificationMethod
from portal.identity.rules import NumberKind, PersonNumber, person_key


def verified_by_eid(db, user, *, number: str, birth_date: date, secret: str) -> Verification:
    """The account's verification, checked: by e-ID, by nobody at a desk, for the person key
    of ``number`` and the provider's birth date, with its audit event."""
    verification = db.execute(select(Verification).where(Verification.user_id == user.id)
                              ).scalar_one()
    assert verification.active and verification.method is VerificationMethod.EID
    assert verification.birth_date == birth_date and verification.verified_by_id is None
    assert verification.person_key == person_key(PersonNumber(NumberKind.RNOKPP, number), secret)
    event = db.execute(select(AuditEvent).where(AuditEvent.action == "identity.verified",
                                                AuditEvent.object_id == str(user.id))
                       ).scalar_one()
    assert json.loads(event.details)["method"] == "eid"
    return verification
