"""The words of the results: why a project was not selected, the rule of the count in a
sentence, and the problems the commission's count, approval and annulment refuse with."""

from __future__ import annotations

from flask_babel import LazyString

from portal.cycles.messages import TIE_RULES, WINNER_RULES
from portal.cycles.rules import TieRule, WinnerRule
from portal.i18n import _, _l
from portal.refusal import Catalogue, Problem, Refused
from portal.results.rules import Reason

REASONS = {
    Reason.DOES_NOT_FIT: _l("not enough money left for it"),
    Reason.BELOW_THRESHOLD: _l("fewer votes than the minimum"),
    Reason.STOPPED: _l("the list stopped at a project that did not fit"),
    Reason.SHARES_EXHAUSTED: _l("its supporters' shares ran out"),
}


def reason_label(reason: str | None) -> str:
    """Why a project was not selected, in words; empty when the count gave no reason."""
    return str(REASONS[Reason(reason)]) if reason else ""


def rule_sentence(rule: WinnerRule, tie_rule: TieRule) -> str:
    """The rule of a count as a resident reads it: how winners are chosen, and ties."""
    said = str(WINNER_RULES[rule]).rstrip(".")  # a label on its own, so it starts capital
    return _("How the winners are chosen: %(rule)s. When two projects have the same number "
             "of votes, %(tie)s.", rule=said[:1].lower() + said[1:], tie=str(TIE_RULES[tie_rule]))

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
