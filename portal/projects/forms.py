"""Forms of projects: the text and cost estimate, files, co-authors, and the public filters."""

from __future__ import annotations

from wtforms import (
    FieldList,
    FileField,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.fields import DecimalField, MoneyField
from portal.forms import BaseForm
from portal.i18n import _l
from portal.projects.messages import STATUSES
from portal.projects.rules import PUBLIC, LineProblem, ProjectStatus, line_total, parse_quantity

#: Blank rows offered under the existing lines; "Add a line" gives more, with or without
#: JavaScript (``drafting.rearrange_lines``, ``static/js/estimate.js``).
BLANK_LINES = 1
MAX_LINES = 60


class CostLineForm(BaseForm):
    class Meta:
        csrf = False  # a part of ProjectForm, which carries the token

    name = StringField(_l("Item"), [Optional(), Length(max=300)])
    quantity = StringField(_l("Quantity"), [Optional(), Length(max=20)])
    unit = StringField(_l("Unit"), [Optional(), Length(max=40)])
    unit_price = MoneyField(_l("Unit price, UAH"), [Optional()])

    @property
    def blank(self) -> bool:
        """Nothing typed on this row: it is skipped, not refused."""
        price = self.unit_price.raw_data[0] if self.unit_price.raw_data else ""
        texts = (self.name.data, self.quantity.data, self.unit.data, price)
        return not any((text or "").strip() for text in texts)

    @property
    def total(self) -> int | None:
        """Kopecks of this row as typed so far (quantity times unit price), or None while
        either is missing or not a number: the running total of the form, not a check."""
        quantity = parse_quantity(self.quantity.data or "")
        price = self.unit_price.data
        if isinstance(quantity, LineProblem) or not isinstance(price, int):
            return None
        return line_total(quantity, price)


class ProjectForm(BaseForm):
    category = SelectField(_l("Category"), [InputRequired()], coerce=str)
    title = StringField(_l("Title"), [InputRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), [Optional(), Length(max=1000)],
                            description=_l("Two or three sentences: what will be done and "
                                           "where."))
    problem = TextAreaField(_l("Problem"), [Optional(), Length(max=5000)],
                            description=_l("What is wrong now, and for whom."))
    solution = TextAreaField(_l("Proposed solution"), [Optional(), Length(max=5000)])
    beneficiaries = TextAreaField(_l("Who will benefit"), [Optional(), Length(max=2000)])
    address = StringField(_l("Address or place"), [Optional(), Length(max=300)])
    latitude = DecimalField(_l("Latitude"), [Optional(), NumberRange(-90, 90)], places=6,
                            description=_l("Optional. Click the map to fill in both, or type "
                                           "them, e.g. 48.5956."))
    longitude = DecimalField(_l("Longitude"), [Optional(), NumberRange(-180, 180)], places=6)
    district = SelectField(_l("District"), [Optional()], coerce=str)
    lines = FieldList(FormField(CostLineForm), min_entries=BLANK_LINES, max_entries=MAX_LINES)

    @property
    def lines_total(self) -> int:
        """The running total of the rows that have a quantity and a price."""
        return sum(entry.form.total or 0 for entry in self.lines.entries)


class UploadForm(BaseForm):
    file = FileField(_l("Photo or document"),
                     description=_l("JPEG, PNG or WebP photos and PDF documents."))


class InviteForm(BaseForm):
    email = StringField(_l("E-mail of the co-author"), [InputRequired(), Length(max=254)])


class WithdrawForm(BaseForm):
    reason = TextAreaField(_l("Why do you withdraw the project? (shown publicly)"),
                           [Optional(), Length(max=2000)])


SORTS = [
    SelectChoice("number", _l("Registration number")),
    SelectChoice("newest", _l("Newest first")),
    SelectChoice("cost_desc", _l("Most expensive first")),
    SelectChoice("cost_asc", _l("Cheapest first")),
    SelectChoice("title", _l("Title")),
]


class FilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("Search"), [Optional(), Length(max=200)])
    cycle = SelectField(_l("Cycle"), [Optional()], coerce=str)
    category = SelectField(_l("Category"), [Optional()], coerce=str)
    district = SelectField(_l("District"), [Optional()], coerce=str)
    status = SelectField(_l("Status"), [Optional()], coerce=str, choices=[
        SelectChoice("", _l("Any status"))] + [
        SelectChoice(s.value, STATUSES[s]) for s in ProjectStatus if s in PUBLIC])
    sort = SelectField(_l("Sort by"), [Optional()], choices=SORTS, default="number")
