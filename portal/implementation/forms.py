"""Forms of implementation tracking."""

from __future__ import annotations

from wtforms import (
    DateField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from portal.fields import IntegerField
from portal.forms import BaseForm
from portal.i18n import _l


class StatusForm(BaseForm):
    status = SelectField(_l("Status"))
    progress = IntegerField(_l("Progress, %"), [InputRequired()])
    reason = TextAreaField(_l("Reason, when not implemented"), [Optional(), Length(max=2000)],
                           description=_l("As the report will say it after “з причин”: "
                                          "зміни розташування об’єкта"))
    tender_number = StringField(_l("Prozorro tender number (optional)"),
                                [Optional(), Length(max=32)],
                                description=_l("e.g. UA-2018-05-14-000123-a"))


class UpdateForm(BaseForm):
    posted_on = DateField(_l("Date"), [InputRequired()])
    text = TextAreaField(_l("What happened"), [InputRequired(), Length(max=5000)])
    photos = MultipleFileField(_l("Photos (JPEG, PNG or WebP)"), [Optional()])
