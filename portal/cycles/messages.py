"""The words for cycle phases, rule choices and the problems cycle services refuse with."""

from portal.cycles.rules import (
    BallotType,
    CategoryKind,
    DiscussionPeriod,
    Phase,
    TieRule,
    VotesScope,
    WinnerRule,
)
from portal.i18n import _l
from portal.refusal import Catalogue

PHASES = {
    Phase.UPCOMING: _l("Not started yet"),
    Phase.SUBMISSION: _l("Submission of projects"),
    Phase.SUPPORT: _l("Collection of support"),
    Phase.REVIEW: _l("Review by the commission"),
    Phase.VOTING: _l("Voting"),
    Phase.BETWEEN: _l("Between phases"),
    Phase.RESULTS: _l("Results"),
    Phase.IMPLEMENTATION: _l("Implementation"),
    Phase.SUSPENDED: _l("Suspended"),
}

CATEGORY_KINDS = {
    CategoryKind.CITYWIDE: _l("Citywide"),
    CategoryKind.DISTRICT: _l("District"),
    CategoryKind.THEMATIC: _l("Thematic"),
}

VOTES_SCOPES = {
    VotesScope.PER_CATEGORY: _l("in each category"),
    VotesScope.TOTAL: _l("in total, over all categories"),
}

BALLOT_TYPES = {
    BallotType.APPROVAL: _l("Approval: mark up to the allowed number of projects"),
    BallotType.KNAPSACK: _l("Knapsack: choose projects whose total fits the budget"),
}

WINNER_RULES = {
    WinnerRule.GREEDY: _l("Most votes first; a project that no longer fits the remaining money "
                          "is skipped and the next one is tried"),
    WinnerRule.GREEDY_NO_SKIP: _l("Most votes first; the list stops at the first project that "
                                  "does not fit the remaining money"),
    WinnerRule.GREEDY_THRESHOLD: _l("Most votes first, only projects with at least the minimum "
                                    "number of votes"),
    WinnerRule.EQUAL_SHARES: _l("Method of equal shares: each voter's equal share of the "
                                "budget pays for the projects they chose"),
    WinnerRule.EQUAL_SHARES_COMPARISON: _l(
        "Method of equal shares, then compared with most votes first: the outcome that more "
        "voters prefer (more of their chosen projects funded) is taken"),
}

TIE_RULES = {
    TieRule.REGISTRATION: _l("the project registered earlier wins"),
    TieRule.LOTTERY: _l("a public lottery recorded by the commission decides"),
}

DISCUSSION_PERIODS = {
    DiscussionPeriod.VOTING: _l("From the submission to the end of the voting"),
    DiscussionPeriod.IMPLEMENTATION: _l("From the submission to the end of the budget year "
                                        "(the implementation)"),
    DiscussionPeriod.ALWAYS: _l("Always open"),
}

PROBLEMS = Catalogue({
    "name_required": _l("Enter the name."),
    "name_taken": _l("A cycle with this name already exists."),
    "category_name_taken": _l("This cycle already has a category with this name."),
    "categories_exceed_total": _l("The budgets of the categories add up to more than the total "
                                  "budget of the cycle."),
    "min_above_max": _l("The minimum cost is above the maximum cost."),
    "max_above_budget": _l("The maximum cost of a project is above the budget of the category."),
    "district_for_district_kind": _l("Choose a district for a district category, and only for "
                                     "one."),
    "category_in_use": _l("Projects were already submitted to this category; it cannot be "
                          "removed or change its kind."),
    "category_of_another_cycle": _l("This category belongs to another cycle."),
    "already_suspended": _l("The cycle is already suspended."),
    "not_suspended": _l("The cycle is not suspended."),
    "reason_required": _l("Give the reason."),
    "submission_order": _l("The submission must end after it starts."),
    "support_incomplete": _l("Give both the start and the end of the support collection, or "
                             "neither."),
    "support_order": _l("The support collection must end after it starts."),
    "support_before_submission_end": _l("The support collection cannot start before the "
                                        "submission ends."),
    "review_order": _l("The review must end after it starts."),
    "review_too_early": _l("The review cannot start before the submission (and the support "
                           "collection) end."),
    "voting_order": _l("The voting must end after it starts."),
    "voting_before_review_end": _l("The voting cannot start before the review ends."),
    "results_before_voting_end": _l("The results cannot be due before the voting ends."),
    "naive_datetime": _l("A date lacks its time zone."),
    "not_a_window": _l("Only the submission, support collection, review and voting can be "
                       "extended."),
    "no_such_phase": _l("This cycle has no such phase."),
    "phase_over": _l("This phase is already over; it can no longer be extended."),
    "not_later": _l("The new end must be later than the current end of the phase."),
})


def phase_label(phase: Phase) -> str:
    return str(PHASES[phase])
