"""The words for the problems voting refuses a ballot with: the rules' codes (``Code``), a
person who already has a ballot, and a ballot form that could not be read."""

from __future__ import annotations

from collections.abc import Iterable

from portal.i18n import _l
from portal.refusal import Catalogue, Problem
from portal.voting.rules import BallotProblem, Code

#: The form's field for what is wrong with the chosen projects (the ``choice`` values).
CHOICE = "choice"

PROBLEMS = Catalogue({
    Code.VOTING_NOT_OPEN: _l("Voting has not started yet."),
    Code.VOTING_CLOSED: _l("Voting is over."),
    Code.VOTING_SUSPENDED: _l("The cycle is suspended; voting is not possible now."),
    Code.NOT_VERIFIED: _l("Only residents with a verified identity can vote."),
    Code.UNDER_AGE: _l("The voter is younger than the cycle's minimum voting age on the last "
                       "day of voting."),
    Code.NOT_RESIDENT: _l("Residence in the community is not established: only residents of "
                          "the community can vote. Residence is established at an "
                          "administrative service centre (ЦНАП) with a document showing the "
                          "registered address."),
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
    "already_voted": _l("You have already voted in this cycle. One person has one ballot."),
    "already_voted_desk": _l("This person has already voted in this cycle. One person has one "
                             "ballot, online or on paper."),
    "malformed": _l("The ballot could not be read. Choose the projects again."),
})


def choice_problems(found: Iterable[BallotProblem]) -> list[Problem]:
    """What the rules found wrong with a ballot, as problems of its chosen projects."""
    return [PROBLEMS(problem.code, CHOICE) for problem in found]

