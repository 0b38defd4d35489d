"""The verification methods, one entry per value of ``VerificationMethod``.

A city switches methods on or off in its configuration; pages list what a resident can use
from this registry, so adding a method means adding one entry here and its view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from portal.i18n import _l
from portal.identity import eid
from portal.identity.models import VerificationMethod


@dataclass(frozen=True)
class MethodEntry:
    method: VerificationMethod
    description: object
    start_endpoint: str | None  # where a resident starts it online; None if only in person
    available: Callable[[], bool]


REGISTRY: dict[VerificationMethod, MethodEntry] = {
    VerificationMethod.IN_PERSON: MethodEntry(
        VerificationMethod.IN_PERSON,
        _l("Come to an administrative service centre (ЦНАП) with your passport or ID card and "
           "tax number; a verifier will confirm your account."),
        None,
        lambda: True,
    ),
    VerificationMethod.CENSUS: MethodEntry(
        VerificationMethod.CENSUS,
        _l("Enter your tax number and birth date; they are checked against the register of "
           "residents the city uploaded."),
        "identity.census_verify",
        lambda: "census" in current_app.config.get("VERIFICATION_METHODS", ("census",)),
    ),
    VerificationMethod.EID: MethodEntry(
        VerificationMethod.EID,
        _l("Log in with BankID or Diia; the portal receives your tax number, birth date and "
           "address from the provider."),
        "identity.eid_start",
        eid.is_configured,
    ),
}


def available_methods() -> list[MethodEntry]:
    return [entry for entry in REGISTRY.values() if entry.available()]
