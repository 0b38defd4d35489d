"""Forms of the review: expertise, meetings, decisions, complaints and the roster."""

from __future__ import annotations

from decimal import Decimal

from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.fields import IntegerField
from portal.forms import BaseForm
from portal.i18n import _l
from portal.money import AmountError, parse_hryvnias
from portal.parsing import coerce_id
from portal.projects.rules import LineProblem, parse_quantity
from portal.review.messages import REASON_LABELS
from portal.review.models import SEAT_ROLE_LABELS, SeatRole
from portal.review.rules import RejectionReason
from portal.review.services import CostLine

#: Blank lines offered under the estimate the department starts from.
SPARE_COST_LINES = 3


class CostLineForm(Form):
    """One line of the adjusted estimate; a line left wholly blank is ignored."""

    name = StringField(_l("Item"), [Optional(), Length(max=300)])
    quantity = StringField(_l("Quantity"), [Optional(), Length(max=20)],
                           render_kw={"inputmode": "decimal"})
    unit = StringField(_l("Unit"), [Optional(), Length(max=40)])
    unit_price = StringField(_l("Unit price, UAH"), [Optional(), Length(max=24)],
                             render_kw={"inputmode": "decimal"})

    @property
    def blank(self) -> bool:
        return not any((f.data or "").strip() for f in
                       (self.name, self.quantity, self.unit, self.unit_price))


LINE_MESSAGES = {
    "line_incomplete": _l("Fill in every column of the line, or leave it all blank."),
    LineProblem.QUANTITY_INVALID.value: _l("The quantity is not a number."),
    LineProblem.QUANTITY_NOT_POSITIVE.value: _l("The quantity must be more than zero."),
    LineProblem.QUANTITY_TOO_PRECISE.value: _l("The quantity has more than three decimals."),
    LineProblem.PRICE_INVALID.value: _l("The price is not an amount in hryvnias "
                                        "(e.g. 1250,50)."),
}


def read_cost_lines(entries) -> tuple[list[CostLine], list[tuple[int, str]]]:
    """The filled lines as CostLine, and (line number, message code) for each bad one."""
    lines: list[CostLine] = []
    problems: list[tuple[int, str]] = []
    for number, entry in enumerate(entries, start=1):
        line = entry.form
        if line.blank:
            continue
        if not all((f.data or "").strip() for f in (line.name, line.quantity, line.unit,
                                                   line.unit_price)):
            problems.append((number, "line_incomplete"))
            continue
        quantity = parse_quantity(line.quantity.data)
        if isinstance(quantity, LineProblem):
            problems.append((number, quantity.value))
            continue
        try:
            price = parse_hryvnias(line.unit_price.data)
        except AmountError:
            problems.append((number, LineProblem.PRICE_INVALID.value))
            continue
        lines.append(CostLine(line.name.data.strip(), Decimal(quantity), line.unit.data.strip(),
                              price))
    return lines, problems


class ExpertiseForm(BaseForm):
    department = StringField(_l("Department that made the expertise"),
                             [InputRequired(), Length(max=200)])
    feasible = RadioField(_l("Can the project be implemented?"), [InputRequired()], choices=[
        SelectChoice("yes", _l("Yes, the project can be implemented")),
        SelectChoice("no", _l("No, the project cannot be implemented")),
    ])
    conclusion = TextAreaField(_l("Conclusion"), [InputRequired(), Length(max=10_000)],
                               description=_l("The author and the public read it."))
    items = FieldList(FormField(CostLineForm), min_entries=1, max_entries=60)


class NewMeetingForm(BaseForm):
    number = IntegerField(_l("Number of the meeting"), [InputRequired(), NumberRange(min=1)])
    held_on = DateField(_l("Date"), [InputRequired()])
    place = StringField(_l("Place"), [InputRequired(), Length(max=300)])
    agenda = TextAreaField(_l("Agenda (introduction)"), [Optional(), Length(max=5_000)])


class MeetingDetailsForm(BaseForm):
    held_on = DateField(_l("Date"), [InputRequired()])
    place = StringField(_l("Place"), [InputRequired(), Length(max=300)])
    agenda = TextAreaField(_l("Agenda (introduction)"), [Optional(), Length(max=5_000)])
    minutes = TextAreaField(_l("Course of the meeting (minutes)"),
                            [Optional(), Length(max=50_000)],
                            description=_l("Who spoke and what was said; printed in the "
                                           "protocol."))


class AttendanceForm(BaseForm):
    present = SelectMultipleField(_l("Members present"), coerce=coerce_id,
                                  widget=ListWidget(prefix_label=False),
                                  option_widget=CheckboxInput())


class AgendaForm(BaseForm):
    project = SelectField(_l("Project"), [InputRequired()], coerce=coerce_id)


#: Decision choices as the form offers them; an upheld complaint comes in two outcomes.
DECISION_CHOICES = {
    "admit": _l("Admit to the vote"),
    "return_for_revision": _l("Return to the author for revision"),
    "reject": _l("Reject"),
    "complaint_upheld": _l("Uphold the complaint and admit to the vote"),
    "complaint_upheld_review": _l("Uphold the complaint and consider the project again"),
    "complaint_dismissed": _l("Dismiss the complaint"),
}


class DecisionForm(BaseForm):
    choice = RadioField(_l("Decision"), [InputRequired()], choices=[])
    reason = SelectField(
        _l("Ground for a rejection"), [Optional()],
        choices=[SelectChoice("", _l("— not a rejection —"))] + [
            SelectChoice(r.value, REASON_LABELS[r]) for r in RejectionReason])
    reason_text = TextAreaField(
        _l("Reasons in words"), [Optional(), Length(max=10_000)],
        description=_l("Required for a rejection, a return for revision and a dismissed "
                       "complaint. Public on the project's page."))
    revision_deadline = DateField(_l("Deadline for the revision"), [Optional()])
    votes_for = IntegerField(_l("Voted for"), [InputRequired(), NumberRange(min=0, max=999)])
    votes_against = IntegerField(_l("Voted against"),
                                 [InputRequired(), NumberRange(min=0, max=999)], default=0)
    abstained = IntegerField(_l("Abstained"), [InputRequired(), NumberRange(min=0, max=999)],
                             default=0)
    supersedes = SelectField(_l("Corrects an earlier decision"), [Optional()], coerce=str,
                             choices=[])


class ComplaintForm(BaseForm):
    text = TextAreaField(_l("Your complaint"), [InputRequired(), Length(max=10_000)],
                         description=_l("Say why the rejection is wrong. The commission "
                                        "rules on it at a meeting."))


class SeatForm(BaseForm):
    name = StringField(_l("Full name"), [InputRequired(), Length(max=200)])
    position = StringField(_l("Post"), [Optional(), Length(max=300)],
                           description=_l("E.g. deputy of the city council, or a "
                                          "representative of a civic organisation."))
    role = SelectField(_l("Role in the commission"), [InputRequired()], choices=[
        SelectChoice(r.value, SEAT_ROLE_LABELS[r]) for r in SeatRole], default="member")
    email = StringField(_l("E-mail of the member's account (optional)"),
                        [Optional(), Length(max=254)])
