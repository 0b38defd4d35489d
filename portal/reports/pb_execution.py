"""The participatory-budget measure's execution text, composed from the cycle's records.

Bakhmut's report describes measure 3.3 in one sentence: "29 авторів подали 34 громадські
ініціативи, 16,5 тис. осіб віддали голоси за проекти місцевого розвитку, оголошено 14
переможців, реалізовано 12 проектів". The portal knows every one of those numbers, so
it states them as facts (:func:`pb_execution_facts`); ``pb_text`` tells them in the
reader's language. The facts are language-free, so nothing is counted twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class PbFactKind(StrEnum):
    """What a fact about a participatory-budget cycle counts."""

    SUBMITTED = "submitted"  # projects submitted, with the number of their authors
    VOTERS = "voters"  # people who voted
    WINNERS = "winners"  # winners declared
    IMPLEMENTED = "implemented"  # projects implemented
    NOT_FINANCED = "not_financed"  # winners not financed, for one reason
    COMMISSION_MEETINGS = "commission_meetings"  # meetings of the cycle's commission


@dataclass(frozen=True)
class PbFact:
    """One counted fact; ``authors`` is set only for SUBMITTED, ``reason`` for NOT_FINANCED."""

    kind: PbFactKind
    count: int
    authors: int = 0
    reason: str = ""


def pb_execution_facts(
    authors: int,
    projects: int,
    voters: int,
    winners: int,
    implemented: int,
    not_financed_reasons: Sequence[str],
    meetings: int,
) -> tuple[PbFact, ...]:
    """State a cycle's results as facts, in the order the report tells them.

    ``not_financed_reasons`` holds one reason per winner that was not financed; equal
    reasons are counted together. Zero meetings are left out rather than reported.
    """
    facts = [
        PbFact(PbFactKind.SUBMITTED, projects, authors=authors),
        PbFact(PbFactKind.VOTERS, voters),
        PbFact(PbFactKind.WINNERS, winners),
        PbFact(PbFactKind.IMPLEMENTED, implemented),
    ]
    facts += [
        PbFact(PbFactKind.NOT_FINANCED, count, reason=reason)
        for reason, count in Counter(not_financed_reasons).items()
    ]
    if meetings:
        facts.append(PbFact(PbFactKind.COMMISSION_MEETINGS, meetings))
    return tuple(facts)


def unaccounted_winners(facts: Sequence[PbFact]) -> int:
    """Winners neither implemented nor reported as not financed.

    Bakhmut's 2018 table says 14 winners, 12 implemented and 1 not financed, which
    leaves one winner unexplained; its explanatory note says 13 were implemented,
    which leaves none. A report should show this count when it is not zero.
    """
    total = dict.fromkeys(PbFactKind, 0)
    for fact in facts:
        total[fact.kind] += fact.count
    return (
        total[PbFactKind.WINNERS] - total[PbFactKind.IMPLEMENTED] - total[PbFactKind.NOT_FINANCED]
    )
