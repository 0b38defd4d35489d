"""WTForms' own validator messages, listed so that extraction puts them in our catalogue.

WTForms asks our translations (see ``portal.forms``) for these exact English strings; the
Ukrainian texts live in ``translations/uk`` with the rest.
"""


def N_(message: str) -> str:  # noqa: N802  (the conventional name of a no-op gettext marker)
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    return singular, plural


MESSAGES = (
    N_("This field is required."),
    N_("Invalid email address."),
    N_("Field must be equal to %(other_name)s."),
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Not a valid date value."),
    N_("Not a valid datetime value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
    N_("Not a valid integer value."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Invalid URL."),
    N_("Invalid input."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Date must be at least %(min)s."),
    N_("Date must be at most %(max)s."),
    N_("Date must be between %(min)s and %(max)s."),
)

PLURAL_MESSAGES = (
    N_plural("Field must be at least %(min)d character long.",
             "Field must be at least %(min)d characters long."),
    N_plural("Field cannot be longer than %(max)d character.",
             "Field cannot be longer than %(max)d characters."),
    N_plural("Field must be exactly %(max)d character long.",
             "Field must be exactly %(max)d characters long."),
)
