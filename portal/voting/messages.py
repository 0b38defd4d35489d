"""The words for the codes that voting rules and services refuse with."""

from __future__ import annotations

from portal.i18n import _l
from portal.voting.rules import BallotProblem, Code

PROBLEMS = {
    Code.VOTING_NOT_OPEN: _l("Voting has not started yet."),
    Code.VOTING_CLOSED: _l("Voting is over."),
    Code.VOTING_SUSPENDED: _l("The cycle is suspended; voting is not possible now."),
    Code.NOT_VERIFIED: _l("Only residents with a verified identity can vote."),
    Code.UNDER_AGE: _l("The voter is younger than the cycle's minimum voting age on the last "
                       "day of voting."),
    Code.NOT_RESIDENT: _l("Only residents of the community can vote."),
    Code.EMPTY: _l("Choose at least one project."),
    Code.UNKNOWN_CATEGORY: _l("The ballot names a category that is not in this cycle."),
    Code.UNKNOWN_PROJECT: _l("The ballot names a project that is not in this cycle."),
    Code.WRONG_CATEGORY: _l("A project was chosen in a category it does not belong to."),
    Code.NOT_ADMITTED: _l("A project that was not admitted to the vote cannot be chosen."),
    Code.DUPLICATE: _l("The same project was chosen twice."),
    Code.TOO_MANY: _l("Too many projects are chosen in one category."),
    Code.TOO_MANY_TOTAL: _l("Too many projects are chosen on the ballot."),
    Code.OVER_BUDGET: _l("The chosen projects of a category cost more than its budget."),
    Code.WRONG_DISTRICT: _l("Projects of a district category can be chosen only by residents "
                            "of that district."),
}

MESSAGES = {
    "already_voted": _l("You have already voted in this cycle. One person has one ballot."),
    "already_voted_desk": _l("This person has already voted in this cycle. One person has one "
                             "ballot, online or on paper."),
    "malformed": _l("The ballot could not be read. Choose the projects again."),
    "reason_required": _l("Give the reason."),
    "nothing_to_annul": _l("List at least one ballot (receipt hash or the person's number)."),
    "unknown_ballot": _l("Line %(line)s names no ballot of this cycle."),
    "already_annulled": _l("Line %(line)s names a ballot that is already annulled."),
    "bad_line": _l("Line %(line)s is neither a receipt hash nor a valid tax or document "
                   "number."),
    "voting_not_over": _l("The ballots can be counted only after voting has closed."),
    "no_seed": _l("The tie rule is a lottery: record the lottery seed at a meeting first."),
    "already_approved": _l("The results of this cycle are already approved."),
    "stale_tally": _l("Ballots changed after this count; count again before approving."),
    "decision_not_taken": _l("The decision was not taken, so nothing changed."),
}


def problem_text(problem: BallotProblem) -> str:
    return str(PROBLEMS[problem.code])


def message(code: str, **values: object) -> str:
    return str(MESSAGES[code]) % values if values else str(MESSAGES[code])
