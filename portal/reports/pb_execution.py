"""The participatory-budget measure's execution text, composed from the cycle's records.

Bakhmut's report describes measure 3.3 in one sentence: "29 авторів подали 34 громадські
ініціативи, 16,5 тис. осіб віддали голоси за проекти місцевого розвитку, оголошено 14
переможців, реалізовано 12 проектів". The portal knows every one of those numbers, so
it states them as facts (:func:`pb_execution_facts`) and renders the facts in a
language (:func:`render_facts_uk`). The facts are language-free so the web layer can
add an English renderer, or translate through gettext, without recounting anything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from portal.money import format_number

VOTERS_IN_THOUSANDS_FROM = 10_000
"""From this many voters on, the text rounds them to thousands: "16,5 тис. осіб"."""


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


def _is_one_uk(count: int) -> bool:
    """Whether ``count`` takes the singular in Ukrainian: 1, 21, 101, but not 11."""
    return count % 10 == 1 and count % 100 != 11


def _plural_uk(count: int, one: str, few: str, many: str) -> str:
    """Pick the Ukrainian form for ``count``: 1 проект, 2 проекти, 5 проектів."""
    if _is_one_uk(count):
        return one
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return few
    return many


def _count_uk(count: int, one: str, few: str, many: str) -> str:
    return f"{format_number(count)} {_plural_uk(count, one, few, many)}"


def _voters_uk(count: int) -> str:
    """Voters as "16,5 тис. осіб" from ten thousand on, as "1 234 особи" below."""
    if count >= VOTERS_IN_THOUSANDS_FROM:
        thousands = format_number(Decimal(count) / 1000, places=1).removesuffix(",0")
        return f"{thousands} тис. осіб віддали голоси"
    verb = "віддала голос" if _is_one_uk(count) else "віддали голоси"
    return f"{_count_uk(count, 'особа', 'особи', 'осіб')} {verb}"


def _render_uk(fact: PbFact) -> str:
    """One fact as a clause in the style of the Bakhmut report."""
    match fact.kind:
        case PbFactKind.SUBMITTED:
            verb = "подав" if _is_one_uk(fact.authors) else "подали"
            authors = _count_uk(fact.authors, "автор", "автори", "авторів")
            projects = _count_uk(
                fact.count,
                "громадську ініціативу",
                "громадські ініціативи",
                "громадських ініціатив",
            )
            return f"{authors} {verb} {projects}"
        case PbFactKind.VOTERS:
            return f"{_voters_uk(fact.count)} за проекти місцевого розвитку"
        case PbFactKind.WINNERS:
            return f"оголошено {_count_uk(fact.count, 'переможця', 'переможці', 'переможців')}"
        case PbFactKind.IMPLEMENTED:
            return f"реалізовано {_count_uk(fact.count, 'проект', 'проекти', 'проектів')}"
        case PbFactKind.NOT_FINANCED:
            projects = _count_uk(fact.count, "проект", "проекти", "проектів")
            return f"{projects} не було профінансовано з причин {fact.reason}"
        case PbFactKind.COMMISSION_MEETINGS:
            meetings = _count_uk(fact.count, "засідання", "засідання", "засідань")
            return f"проведено {meetings} Комісії з питань Бюджету участі"
    raise ValueError(f"no Ukrainian wording for {fact.kind!r}")


_AFTER_RESULTS = frozenset({PbFactKind.NOT_FINANCED, PbFactKind.COMMISSION_MEETINGS})
"""Facts told after the cycle's results, each in its own semicolon-separated clause."""


def render_facts_uk(facts: Sequence[PbFact]) -> str:
    """Render facts as the report's Ukrainian sentence.

    The cycle's results form one comma-separated clause list, as in the document;
    projects not financed and the commission's meetings follow after semicolons.
    Reasons are inserted as staff typed them and should read after "з причин"
    (genitive: "зміни розташування об’єкту").
    """
    results = [_render_uk(f) for f in facts if f.kind not in _AFTER_RESULTS]
    tail = [_render_uk(f) for f in facts if f.kind in _AFTER_RESULTS]
    return "; ".join([", ".join(results), *tail]) if results else "; ".join(tail)


def compose_pb_execution_text(
    authors: int,
    projects: int,
    voters: int,
    winners: int,
    implemented: int,
    not_financed_reasons: Sequence[str],
    meetings: int,
) -> str:
    """The participatory-budget measure's execution text in Ukrainian.

    A shortcut for ``render_facts_uk(pb_execution_facts(...))``; the web layer, which
    translates, should render the facts itself in the reader's language.
    """
    return render_facts_uk(
        pb_execution_facts(
            authors, projects, voters, winners, implemented, not_financed_reasons, meetings
        )
    )
