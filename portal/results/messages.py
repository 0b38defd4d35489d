"""The words for the problems the commission's count, approval and annulment refuse with."""

from __future__ import annotations

from flask_babel import LazyString

from portal.i18n import _l
from portal.refusal import Catalogue, Problem, Refused

PROBLEMS = Catalogue({
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
    # A decision the review part refused: its words, not ours (``review_problem``).
    "review": "%(review)s",
})


def review_problem(refused: Refused) -> Problem:
    """The review part's refusal of a decision as one problem above the commission's form:
    its problems' own words, one after the other, in the reader's language when shown."""
    words = LazyString(lambda: " ".join(str(problem) for problem in refused.problems))
    return PROBLEMS("review", codes=refused.codes, review=words)
