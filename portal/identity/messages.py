"""The words for the problems that identity rules and services refuse with, and for the
lines of a register file that cannot be read."""

from portal.i18n import _l
from portal.refusal import Catalogue

PROBLEMS = Catalogue({
    "empty": _l("Enter the number."),
    "rnokpp_length": _l("A tax number (РНОКПП) has exactly 10 digits."),
    "rnokpp_check_digit": _l("This tax number is not valid: its check digit does not match. "
                             "Check the digits."),
    "document_format": _l("A document number is 9 digits (ID card) or 2 letters and 6 digits "
                          "(passport book)."),
    "birth_date_future": _l("The birth date cannot be in the future."),
    "account_already_verified": _l("This account is already verified."),
    "displaced_not_admitted": _l("This community's rules do not admit internally displaced "
                                 "persons: establish residence, or leave the certificate out."),
    "displaced_format": _l("Enter the certificate's number as printed on it (4 to 40 letters, "
                           "digits, hyphens or slashes)."),
    "person_already_verified": _l("This person is already verified on another account. One "
                                  "person can have only one verified account; the person can "
                                  "ask the administrator to revoke the other verification."),
    "already_revoked": _l("This verification is already revoked."),
    "reason_required": _l("Give the reason."),
    "census_locked": _l("Too many unsuccessful attempts. Verification by the register is "
                        "locked for an hour; you can also verify in person at an "
                        "administrative service centre."),
    "census_no_match": _l("No resident with this number and birth date is in the register. "
                          "Check what you entered."),
    "census_empty": _l("The register of residents has not been uploaded yet."),
    "eid_unavailable": _l("Verification by electronic ID is not available now."),
    "eid_settings_issuer": _l("The e-ID issuer must be the provider's https:// address."),
    "eid_settings_client": _l("The e-ID client identifier is missing."),
    "eid_settings_auth": _l("These e-ID settings cannot work: %(reason)s"),
    "eid_failed": _l("The electronic ID provider did not confirm your identity. Try again."),
    "eid_missing_claims": _l("The electronic ID provider did not give your tax number and "
                             "birth date."),
    "unknown_district": _l("Choose a district from the list."),
    "eid_account_blocked": _l("Your account is blocked. Contact the portal administrator."),
    "eid_office_account": _l("Your account holds an office in the portal: log in with its "
                             "e-mail and password."),
})

CENSUS_PROBLEMS = {
    "header": _l("The first row must name the columns number, birth_date and district."),
    "empty": _l("The file has no rows."),
    "birth_date": _l("The birth date is not a date (YYYY-MM-DD or DD.MM.YYYY)."),
    "duplicate": _l("The same person is already on another line."),
    "district": _l("Unknown district."),
}


def census_problem(code: str) -> str:
    """The words for a problem of a register file (``portal.identity.census``)."""
    if code.startswith("number:"):
        return PROBLEMS.text(code.split(":", 1)[1])
    return str(CENSUS_PROBLEMS[code])


def message(code: str) -> str:
    """The words for ``code``: what ``portal.voting.desk`` says of a mistyped person number."""
    return PROBLEMS.text(code)
