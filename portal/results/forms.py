"""Forms of the commission's count: decisions taken at a meeting on a closed vote."""

from __future__ import annotations

from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from portal.fields import IntegerField
from portal.forms import BaseForm
from portal.i18n import _l


class CommissionVoteForm(BaseForm):
    """A decision taken at a meeting: which meeting and how the members voted."""

    meeting = SelectField(_l("Meeting"), [InputRequired()], coerce=str)
    votes_for = IntegerField(_l("For"), [InputRequired(), NumberRange(min=0, max=1000)])
    votes_against = IntegerField(_l("Against"), [InputRequired(), NumberRange(min=0, max=1000)],
                                 default=0)
    abstained = IntegerField(_l("Abstained"), [InputRequired(), NumberRange(min=0, max=1000)],
                             default=0)


class AnnulForm(CommissionVoteForm):
    ballots = TextAreaField(
        _l("Ballots to annul"), [InputRequired(), Length(max=20000)],
        description=_l("One per line: the receipt hash from the bulletin board, or the "
                       "person's tax or document number."))
    reason = TextAreaField(_l("Reason"), [InputRequired(), Length(max=2000)])


class ApproveForm(CommissionVoteForm):
    """Approval of a stored tally."""


class SeedForm(CommissionVoteForm):
    seed = IntegerField(_l("Lottery seed"), [InputRequired(), NumberRange(min=0, max=2**62)],
                        maximum=2**62,
                        description=_l("The number drawn at the meeting; it decides every tie "
                                       "and is published with the results."))
