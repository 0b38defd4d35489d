"""The words for the problems that account services and rules refuse with."""

from portal.i18n import _l
from portal.refusal import Catalogue

PROBLEMS = Catalogue({
    "too_short": _l("The password must be at least 10 characters long."),
    "too_long": _l("The password is too long."),
    "too_common": _l(
        "This password is too common or too easy to guess. Try a longer phrase of several words."
    ),
    "contains_email": _l("The password must not contain your e-mail address."),
    "email_taken": _l("An account with this e-mail already exists. Log in or reset the password."),
    "bad_credentials": _l("Wrong e-mail or password."),
    "too_many_attempts": _l(
        "Too many failed attempts to log in from your address. Wait a quarter of an hour and "
        "try again, or set a new password through “Forgot your password?”."
    ),
    "inactive": _l("This account is blocked. Contact the portal administrator."),
    "confirm_expired": _l("The confirmation link has expired. Ask for a new one below."),
    "confirm_invalid": _l("The confirmation link is not valid."),
    "reset_expired": _l("The password reset link has expired. Ask for a new one."),
    "reset_invalid": _l("The password reset link is not valid or has already been used."),
    "wrong_current_password": _l("The current password is wrong."),
    "last_admin": _l("The last administrator cannot lose the role."),
})
