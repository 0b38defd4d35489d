"""Forms of identity verification."""

from wtforms import (
    BooleanField,
    DateField,
    FileField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, Length, Optional

from portal.forms import BaseForm
from portal.i18n import _l
from portal.identity.rules import NumberKind

NUMBER_KINDS = [
    SelectChoice(NumberKind.RNOKPP.value, _l("Tax number (РНОКПП)")),
    SelectChoice(NumberKind.DOCUMENT.value,
                 _l("ID document number (for people without a tax number)")),
]


class PersonNumberForm(BaseForm):
    kind = RadioField(_l("Which number"), choices=NUMBER_KINDS, default=NumberKind.RNOKPP.value)
    number = StringField(_l("Number"), [InputRequired(), Length(max=32)],
                         render_kw={"autocomplete": "off", "inputmode": "text"})
    birth_date = DateField(_l("Birth date"), [InputRequired()], format="%Y-%m-%d")


class DeskVerifyForm(PersonNumberForm):
    district = SelectField(_l("District"), [Optional()], coerce=str)
    resident = BooleanField(_l("Registered (declared) residence in the community"), default=True)
    displaced_certificate = StringField(
        _l("Internally displaced person: certificate number"), [Optional(), Length(max=40)],
        description=_l("Only for a person registered here as internally displaced (ВПО), "
                       "where the community's rules admit them: untick the residence above "
                       "and enter the number from the original certificate."),
        render_kw={"autocomplete": "off"})
    document_checked = BooleanField(_l("I have checked the original document"),
                                    [InputRequired()])


class FindAccountForm(BaseForm):
    email = StringField(_l("Account e-mail"), [InputRequired(), Length(max=254)])


class RevokeForm(BaseForm):
    reason = StringField(_l("Reason"), [InputRequired(), Length(max=500)])


class CensusUploadForm(BaseForm):
    file = FileField(_l("CSV file of the register"), [InputRequired()])
