"""Form fields the domain forms share: sums of money in hryvnias, moments in Kyiv time, and
numbers read by the portal's one rule.

``MoneyField`` reads what people type (``"1 234,56"``) into integer kopecks with
``portal.money.parse_hryvnias`` and shows kopecks back the same way. ``KyivDateTimeField``
is a ``datetime-local`` input read and shown in Europe/Kyiv, holding an aware UTC datetime.
``IntegerField`` and ``DecimalField`` replace WTForms' own, which read whatever ``int()`` and
``Decimal()`` read: Arabic-Indic digits, ``"1_000"``, ``"NaN"``, ``"1e999999"``, numbers no
database column holds (``portal.parsing``).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import wtforms
from wtforms import DateTimeLocalField, StringField
from wtforms.validators import ValidationError

from portal.clock import KYIV
from portal.i18n import _l
from portal.money import AmountError, format_number, parse_hryvnias
from portal.parsing import DB_INT_MAX, OutOfRange, whole_number

AMOUNT_MESSAGES = {
    "empty": _l("Enter the amount."),
    "not_a_number": _l("Enter an amount in hryvnias, e.g. 125 000 or 1 250,50."),
    "negative": _l("The amount cannot be negative."),
    "too_precise": _l("Give the amount to the kopeck: at most two decimals."),
    "too_large": _l("The amount is too large."),
}


class MoneyField(StringField):
    """An amount in hryvnias; ``data`` is kopecks (int) or None when left empty."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.amount_error: str | None = None

    def process_formdata(self, valuelist):
        self.amount_error = None
        raw = valuelist[0] if valuelist else ""
        self.raw_data = [raw]
        if not raw.strip():
            self.data = None
            return
        try:
            self.data = parse_hryvnias(raw)
        except AmountError as error:
            self.data = None
            self.amount_error = str(AMOUNT_MESSAGES[error.problem.value])

    def pre_validate(self, form):
        if self.amount_error:
            raise ValidationError(self.amount_error)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_number(Decimal(self.data) / 100, places=2).replace("\u00a0", " ")


class KyivDateTimeField(DateTimeLocalField):
    """A ``datetime-local`` input in Kyiv time; ``data`` is an aware datetime in UTC."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"])
        super().__init__(label, validators, **kwargs)

    def process_data(self, value):
        self.data = value.astimezone(UTC) if isinstance(value, datetime) else value

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if isinstance(self.data, datetime):
            self.data = self.data.replace(tzinfo=KYIV).astimezone(UTC)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        if isinstance(self.data, datetime):
            return self.data.astimezone(KYIV).strftime("%Y-%m-%dT%H:%M")
        return ""


class IntegerField(wtforms.IntegerField):
    """A whole number in ASCII digits (spaces around it ignored), between ``-maximum`` and
    ``maximum``: by default the range of the database's ``INTEGER`` columns."""

    def __init__(self, label=None, validators=None, *, maximum: int = DB_INT_MAX, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.maximum = maximum

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        try:
            self.data = whole_number(str(valuelist[0]).strip(), minimum=-self.maximum,
                                     maximum=self.maximum)
        except OutOfRange as error:
            raise ValueError(self.gettext("Number must be at most %(max)s.")
                             % {"max": self.maximum}) from error
        except ValueError as error:
            raise ValueError(self.gettext("Not a valid integer value.")) from error


#: A decimal number as people type it: ASCII digits, a point or a comma, an optional sign.
_DECIMAL = re.compile(r"[-+]?[0-9]{1,15}(?:[.,][0-9]{1,15})?", re.ASCII)


class DecimalField(wtforms.DecimalField):
    """A decimal number in ASCII digits with a point or a comma: no exponent, no ``NaN`` or
    ``Infinity`` (a comparison with ``NaN`` raises), at most fifteen digits each side."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = str(valuelist[0]).strip()
        self.data = None
        if not _DECIMAL.fullmatch(text):
            raise ValueError(self.gettext("Not a valid decimal value."))
        self.data = Decimal(text.replace(",", "."))
