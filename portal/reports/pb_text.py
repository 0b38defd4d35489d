"""The participatory-budget measure's execution text, told in the reader's language.

Bakhmut's report describes measure 3.3 in one sentence: "29 авторів подали 34 громадські
ініціативи, 16,5 тис. осіб віддали голоси за проекти місцевого розвитку, оголошено 14
переможців, реалізовано 12 проектів". :mod:`portal.reports.pb_execution` states those
counts as language-free facts; this module tells them through gettext, each count with its
plural form, for table 1 and for the explanatory note alike (``narrative``), so the two
say the same thing in the same words.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from portal.i18n import _, ngettext
from portal.money import format_number
from portal.reports.pb_execution import PbFact, PbFactKind, pb_execution_facts

VOTERS_IN_THOUSANDS_FROM = 10_000
"""From this many voters on, the text rounds them to thousands: "16,5 тис. осіб"."""

_AFTER_RESULTS = frozenset({PbFactKind.NOT_FINANCED, PbFactKind.COMMISSION_MEETINGS})
"""Facts told after the cycle's results, each in its own semicolon-separated clause."""


def _voters(count: int) -> str:
    if count >= VOTERS_IN_THOUSANDS_FROM:
        thousands = format_number(Decimal(count) / 1000, places=1).removesuffix(",0")
        return _("%(thousands)s thousand people voted for local development projects",
                 thousands=thousands)
    return ngettext("%(count)s person voted for local development projects",
                    "%(count)s people voted for local development projects", count,
                    count=format_number(count))


def fact_clause(fact: PbFact) -> str:
    """One fact as a clause: "оголошено 14 переможців"."""
    count = format_number(fact.count)
    match fact.kind:
        case PbFactKind.SUBMITTED:
            return " ".join((
                ngettext("%(count)s author submitted", "%(count)s authors submitted",
                         fact.authors, count=format_number(fact.authors)),
                ngettext("%(count)s public initiative", "%(count)s public initiatives",
                         fact.count, count=count)))
        case PbFactKind.VOTERS:
            return _voters(fact.count)
        case PbFactKind.WINNERS:
            return ngettext("%(count)s winner was declared", "%(count)s winners were declared",
                            fact.count, count=count)
        case PbFactKind.IMPLEMENTED:
            return ngettext("%(count)s project was implemented",
                            "%(count)s projects were implemented", fact.count, count=count)
        case PbFactKind.NOT_FINANCED:
            return ngettext("%(count)s project was not financed because of %(reason)s",
                            "%(count)s projects were not financed because of %(reason)s",
                            fact.count, count=count, reason=fact.reason)
    return ngettext("the commission held %(count)s meeting",
                    "the commission held %(count)s meetings", fact.count, count=count)


def render_facts(facts: Sequence[PbFact]) -> str:
    """The facts as the report's sentence: the cycle's results separated by commas, as in
    the document; projects not financed and the commission's meetings after semicolons.
    Reasons are inserted as staff typed them (after "з причин": the genitive)."""
    results = [fact_clause(f) for f in facts if f.kind not in _AFTER_RESULTS]
    tail = [fact_clause(f) for f in facts if f.kind in _AFTER_RESULTS]
    return "; ".join([", ".join(results), *tail]) if results else "; ".join(tail)


def compose_pb_execution_text(
    authors: int, projects: int, voters: int, winners: int, implemented: int,
    not_financed_reasons: Sequence[str], meetings: int,
) -> str:
    """The participatory-budget measure's execution text: ``render_facts`` of the facts."""
    return render_facts(pb_execution_facts(authors, projects, voters, winners, implemented,
                                           not_financed_reasons, meetings))
