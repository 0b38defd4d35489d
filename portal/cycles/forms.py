"""Forms of the cycle administration."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.cycles import messages
from portal.cycles.rules import (
    WINDOW_PHASES,
    BallotType,
    CategoryKind,
    DiscussionPeriod,
    TieRule,
    VotesScope,
    WinnerRule,
)
from portal.fields import IntegerField, KyivDateTimeField, MoneyField
from portal.forms import BaseForm
from portal.i18n import _l


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(member.value, label) for member, label in labels.items()]


def _count(label, minimum=0, maximum=100_000, **kwargs):
    return IntegerField(label, [InputRequired(), NumberRange(min=minimum, max=maximum)], **kwargs)


class CycleForm(BaseForm):
    name = StringField(_l("Name of the cycle"), [InputRequired(), Length(max=200)],
                       description=_l("For example: Бюджет участі-2027"))
    budget_year = IntegerField(_l("Budget year"), [InputRequired(), NumberRange(2000, 2200)],
                               description=_l("The year in which the winners are implemented."))
    total_budget = MoneyField(_l("Total budget, UAH"), [InputRequired()])
    description = TextAreaField(_l("Description"), [Optional(), Length(max=5000)])

    submission_start = KyivDateTimeField(_l("Submission starts"), [InputRequired()],
                                         description=_l("Kyiv time. Each phase runs from its "
                                                        "start up to (not including) its end."))
    submission_end = KyivDateTimeField(_l("Submission ends"), [InputRequired()])
    support_start = KyivDateTimeField(_l("Support collection starts"), [Optional()],
                                      description=_l("Leave both empty when signatures are "
                                                     "collected during the submission or not "
                                                     "at all."))
    support_end = KyivDateTimeField(_l("Support collection ends"), [Optional()])
    review_start = KyivDateTimeField(_l("Review starts"), [InputRequired()])
    review_end = KyivDateTimeField(_l("Review ends"), [InputRequired()])
    voting_start = KyivDateTimeField(_l("Voting starts"), [InputRequired()])
    voting_end = KyivDateTimeField(_l("Voting ends"), [InputRequired()])
    results_date = KyivDateTimeField(_l("Results published by"), [InputRequired()])

    min_age_submit = _count(_l("Minimum age to submit a project"), maximum=120, default=16)
    min_age_vote = _count(_l("Minimum age to vote"), maximum=120, default=16)
    support_needed = _count(_l("Supporters a project needs"), default=0,
                            description=_l("0: no signatures are collected."))
    projects_per_author = _count(_l("Projects per author"), minimum=1, default=3)
    votes_per_voter = _count(_l("Votes per voter"), default=3,
                             description=_l("0: no limit (for knapsack ballots)."))
    votes_scope = SelectField(_l("The votes count"), choices=_choices(messages.VOTES_SCOPES),
                              default=VotesScope.PER_CATEGORY.value)
    ballot_type = SelectField(_l("Ballot"), choices=_choices(messages.BALLOT_TYPES),
                              default=BallotType.APPROVAL.value)
    winner_rule = SelectField(_l("Winner rule"), choices=_choices(messages.WINNER_RULES),
                              default=WinnerRule.GREEDY.value)
    tie_rule = SelectField(_l("In a tie"), choices=_choices(messages.TIE_RULES),
                           default=TieRule.REGISTRATION.value)
    min_votes = IntegerField(_l("Minimum votes to win"), [Optional(), NumberRange(min=0)],
                             description=_l("Leave empty for no minimum."))
    complaint_days = _count(_l("Days to contest a rejection"), maximum=365, default=5)
    live_counts_during_voting = BooleanField(_l("Show vote counts while the voting runs"))
    discussion_period = SelectField(_l("Comments on projects are open"),
                                    choices=_choices(messages.DISCUSSION_PERIODS),
                                    default=DiscussionPeriod.VOTING.value,
                                    description=_l("When the comments close, they stay on "
                                                   "the project pages to read."))
    keep_as_defaults = BooleanField(
        _l("Start the community's new cycles with these rules"),
        description=_l("The ages, signatures, votes, ballot, winner and tie rules, minimum "
                       "votes, days to contest, live counts and comments above."))


#: The rules a community keeps for its new cycles (``Community.cycle_defaults``).
RULE_FIELDS = ("min_age_submit", "min_age_vote", "support_needed", "projects_per_author",
               "votes_per_voter", "votes_scope", "ballot_type", "winner_rule", "tie_rule",
               "min_votes", "complaint_days", "live_counts_during_voting", "discussion_period")


class CategoryForm(BaseForm):
    name = StringField(_l("Name of the category"), [InputRequired(), Length(max=200)],
                       description=_l("For example: Малі проєкти"))
    description = TextAreaField(_l("Description"), [Optional(), Length(max=2000)])
    kind = SelectField(_l("Kind"), choices=_choices(messages.CATEGORY_KINDS),
                       default=CategoryKind.CITYWIDE.value)
    district_id = SelectField(_l("District"), [Optional()], coerce=str,
                              description=_l("Only for a district category."))
    budget = MoneyField(_l("Budget of the category, UAH"), [InputRequired()])
    min_cost = MoneyField(_l("Minimum cost of a project, UAH"), [InputRequired()])
    max_cost = MoneyField(_l("Maximum cost of a project, UAH"), [InputRequired()])
    position = IntegerField(_l("Order on the page"), [Optional(), NumberRange(0, 1000)],
                            default=0)


class SuspendForm(BaseForm):
    reason = TextAreaField(_l("Reason of the suspension"), [InputRequired(), Length(max=2000)],
                           description=_l("Shown on the public page of the cycle."),
                           id="suspend-reason")


class ResumeForm(BaseForm):
    note = TextAreaField(_l("Note on the resumption"), [Optional(), Length(max=2000)])


class ExtendForm(BaseForm):
    # Ids of their own: the page also holds the suspension's form and its reason.
    phase = SelectField(_l("Phase"), choices=[SelectChoice(p.value, messages.PHASES[p])
                                              for p in WINDOW_PHASES], id="extend-phase")
    new_end = KyivDateTimeField(_l("New end"), [InputRequired()], id="extend-new_end")
    reason = TextAreaField(_l("Reason"), [InputRequired(), Length(max=2000)],
                           description=_l("Shown on the public page of the cycle."),
                           id="extend-reason")


class LeftoverForm(BaseForm):
    category = SelectField(_l("Money left unspent in the categories goes to"), [Optional()],
                           coerce=str)
