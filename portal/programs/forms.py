"""Forms of program maintenance. Amounts and figures are read by the pure parsers, not here."""

from __future__ import annotations

from wtforms import (
    DateField,
    FileField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.fields import IntegerField
from portal.forms import BaseForm
from portal.i18n import _l
from portal.parsing import coerce_id

TEXT = 5000
LONG_TEXT = 20000


class ProgramForm(BaseForm):
    code = StringField(_l("Short code"), [InputRequired(), Length(max=60)],
                       description=_l("Latin letters, digits and hyphens, e.g. "
                                      "civil-society-2017; it names the files of the "
                                      "program's reports you download (and the program in "
                                      "the IT administrator's report commands)."))
    title = TextAreaField(_l("Title of the program"), [InputRequired(), Length(max=TEXT)])
    start_year = IntegerField(_l("First year"), [InputRequired()])
    end_year = IntegerField(_l("Last year"), [InputRequired()])
    approved_by = StringField(_l("Approved by (body, as cited after “рішення”)"),
                              [Optional(), Length(max=300)],
                              description=_l("e.g. Бахмутської міської ради"))
    approved_on = DateField(_l("Date of the approving decision"), [Optional()])
    approval_number = StringField(_l("Number of the approving decision"),
                                  [Optional(), Length(max=60)])
    responsible_executor = TextAreaField(_l("Responsible executor"),
                                         [InputRequired(), Length(max=TEXT)])
    initiator = TextAreaField(_l("Initiator of the program"), [Optional(), Length(max=TEXT)])
    basis = TextAreaField(_l("Act on which the program is based"),
                          [Optional(), Length(max=TEXT)])
    developer = TextAreaField(_l("Developer of the program"), [Optional(), Length(max=TEXT)])
    participants = TextAreaField(_l("Participants of the program"),
                                 [Optional(), Length(max=TEXT)])
    budgets = TextAreaField(_l("Budgets taking part in the program"),
                            [Optional(), Length(max=TEXT)])
    goal = TextAreaField(_l("Goal of the program"), [Optional(), Length(max=LONG_TEXT)])
    signature_lines = TextAreaField(
        _l("Signatures under the program's reports"), [Optional(), Length(max=2_000)],
        description=_l("One per line, the position and the name apart by a vertical bar, "
                       "e.g. Начальник відділу внутрішньої політики | С.А. Кудрявих: the "
                       "responsible executor, who signs the report and its explanatory note. "
                       "The community's signatures follow under the report."))


class AmendmentForm(BaseForm):
    decided_by = StringField(_l("Decision of (body, as cited after “рішення”)"),
                             [InputRequired(), Length(max=300)])
    decided_on = DateField(_l("Date of the decision"), [InputRequired()])
    # Ids of their own: the program's page holds this form, the task's and the measure's.
    number = StringField(_l("Number of the decision"), [InputRequired(), Length(max=60)],
                         id="amendment-number")
    summary = TextAreaField(_l("What it changed"), [Optional(), Length(max=TEXT)])


class TaskForm(BaseForm):
    number = IntegerField(_l("Number"), [InputRequired(), NumberRange(min=1, max=999)],
                          id="task-number")
    title = TextAreaField(_l("Priority task"), [InputRequired(), Length(max=TEXT)])


class MeasureForm(BaseForm):
    number = StringField(_l("Number"), [InputRequired(), Length(max=10)],
                         description=_l("The task's number, a dot and the measure's place: 3.3"),
                         id="measure-number")
    content = TextAreaField(_l("Content of the measure"), [InputRequired(), Length(max=TEXT)])
    term = StringField(_l("Term"), [Optional(), Length(max=200)],
                       description=_l("Years or words: 2017-2020 роки, постійно, IV квартал"))
    executors = TextAreaField(_l("Executors as the document names them"),
                              [Optional(), Length(max=TEXT)])
    departments = SelectMultipleField(_l("Executing departments"), [Optional()], coerce=coerce_id)
    expected_results = TextAreaField(_l("Expected results"), [Optional(), Length(max=TEXT)])


class LineForm(BaseForm):
    year = SelectField(_l("Year"), coerce=coerce_id)
    source = SelectField(_l("Source of funding"))
    planned = StringField(_l("Planned, thousand UAH"), [InputRequired(), Length(max=30)],
                          description=_l("As in the program: 500,0 or 25,401"))
    department = SelectField(_l("Executor"), [Optional()])
    title = StringField(_l("What the line pays for (optional)"), [Optional(), Length(max=300)])


class LineChangeForm(BaseForm):
    planned = StringField(_l("Planned, thousand UAH"), [InputRequired(), Length(max=30)])
    department = SelectField(_l("Executor"), [Optional()])
    title = StringField(_l("What the line pays for (optional)"), [Optional(), Length(max=300)])


class PaymentForm(BaseForm):
    paid_on = DateField(_l("Date of payment"), [InputRequired()])
    amount = StringField(_l("Amount, UAH"), [InputRequired(), Length(max=30)],
                         description=_l("In hryvnias with kopecks: 46 420,00"))
    document = StringField(_l("Payment document"), [InputRequired(), Length(max=300)],
                           description=_l("e.g. платіжне доручення № 125 від 14.05.2018"))


class IndicatorForm(BaseForm):
    group = SelectField(_l("Group"))
    name = TextAreaField(_l("Indicator"), [InputRequired(), Length(max=TEXT)])
    unit = StringField(_l("Unit"), [Optional(), Length(max=60)])
    planned = StringField(_l("Planned value"), [InputRequired(), Length(max=30)])
    figure = SelectField(_l("Computed from the portal's records"), [Optional()])
    actual = StringField(_l("Actual value"), [Optional(), Length(max=30)],
                         description=_l("Leave empty when the value is computed or not yet "
                                        "known."))
    reasons = TextAreaField(_l("Reasons for non-execution"), [Optional(), Length(max=TEXT)])
    remedies = TextAreaField(_l("What was done to remedy it"), [Optional(), Length(max=TEXT)])


class ExecutionTextForm(BaseForm):
    text = TextAreaField(_l("Information on execution"), [Optional(), Length(max=LONG_TEXT)],
                         description=_l("Leave empty to remove the text."))


class DepartmentForm(BaseForm):
    name = StringField(_l("Name of the department"), [InputRequired(), Length(max=300)])


class ImportForm(BaseForm):
    file = FileField(_l("Spreadsheet (XLSX or CSV)"), [InputRequired()])
