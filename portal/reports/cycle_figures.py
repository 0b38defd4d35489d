"""What the participatory-budget cycles give a program's report: figures and the measure's text.

The figures an indicator can be bound to (projects submitted, authors, winners, winners
implemented, voters) are counted here over the cycles linked to the program's measures
for the report's budget year, and registered in ``indicator_figures``.

Voters are counted from a ``ballots`` table when one is in the metadata (the voting part
defines it; one ballot per person per cycle, so ballots are voters). Without it the figure
is 0 with the note "no voting records". The voting part may register a more exact
function with ``register_figure(PortalFigure.VOTERS, ...)``.

:func:`cycle_facts` composes the participatory-budget measure's execution text ("29 авторів
подали 34 громадські ініціативи, ...") with ``pb_execution`` and ``pb_text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import distinct, func, select, union
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.db import Base
from portal.i18n import _
from portal.implementation.models import Implementation
from portal.implementation.rules import ImplementationStatus
from portal.programs.models import FundingLine, Measure, Program, Task
from portal.programs.rules import PortalFigure
from portal.projects.models import CoAuthor, Project
from portal.projects.rules import ProjectStatus
from portal.reports.figures import (
    FigureNote,
    FigureScope,
    FigureValue,
    compute_figure,
    register_figure,
)
from portal.reports.pb_execution import (
    PbFact,
    PbFactKind,
    pb_execution_facts,
    unaccounted_winners,
)
from portal.reports.pb_text import render_facts

#: ``review.models.MeetingStatus.DRAFT``'s stored value: a meeting being prepared.
DRAFT_MEETING = "draft"


@dataclass(frozen=True)
class CycleFacts:
    """What a participatory-budget cycle linked to a measure contributes to the report.

    ``text`` is the measure's composed execution text; ``cycle_ids`` scope the computed
    indicators; ``unaccounted`` counts winners neither implemented nor explained.
    ``facts`` are the counts the text tells, which the explanatory note tells again
    (``narrative``): one count, so the two cannot differ; ``names`` the cycles' names and
    ``suspended`` the suspended ones' (name, reason).
    """

    measure_id: int
    cycle_ids: tuple[int, ...]
    text: str
    unaccounted: int = 0
    facts: tuple[PbFact, ...] = ()
    names: tuple[str, ...] = ()
    suspended: tuple[tuple[str, str], ...] = ()
    measure_number: str = ""


def linked_cycles(session: Session, program: Program, year: int) -> list[Cycle]:
    """The cycles whose winners are funded under a measure of ``program`` in ``year``."""
    return list(session.scalars(
        select(Cycle).join(Measure, Cycle.measure_id == Measure.id).join(Task)
        .where(Task.program_id == program.id, Cycle.budget_year == year)
        .order_by(Cycle.id)
    ))


def _submitted(cycle_ids: tuple[int, ...]):
    return select(Project.id).where(Project.cycle_id.in_(cycle_ids),
                                    Project.submitted_at.is_not(None))


def count_submitted(session: Session, scope: FigureScope) -> FigureValue:
    """Projects submitted to the cycles (withdrawn and rejected ones included)."""
    count = session.scalar(select(func.count()).select_from(_submitted(scope.cycle_ids)
                                                            .subquery()))
    return FigureValue(Decimal(count or 0))


def count_authors(session: Session, scope: FigureScope) -> FigureValue:
    """Different people among the authors and confirmed co-authors of submitted projects."""
    submitted = _submitted(scope.cycle_ids)
    people = union(
        select(Project.author_id.label("person")).where(Project.id.in_(submitted)),
        select(CoAuthor.user_id.label("person")).where(
            CoAuthor.project_id.in_(submitted), CoAuthor.user_id.is_not(None),
            CoAuthor.confirmed_at.is_not(None)),
    ).subquery()
    return FigureValue(Decimal(session.scalar(select(func.count(distinct(people.c.person))))
                               or 0))


def count_winners(session: Session, scope: FigureScope) -> FigureValue:
    count = session.scalar(select(func.count(Project.id)).where(
        Project.cycle_id.in_(scope.cycle_ids), Project.status == ProjectStatus.WINNER))
    return FigureValue(Decimal(count or 0))


def count_implemented(session: Session, scope: FigureScope) -> FigureValue:
    """Winners whose funding line's implementation is marked implemented."""
    count = session.scalar(
        select(func.count(Project.id))
        .join(FundingLine, FundingLine.project_id == Project.id)
        .join(Implementation, Implementation.line_id == FundingLine.id)
        .where(Project.cycle_id.in_(scope.cycle_ids), Project.status == ProjectStatus.WINNER,
               Implementation.status == ImplementationStatus.IMPLEMENTED))
    return FigureValue(Decimal(count or 0))


def count_voters(session: Session, scope: FigureScope) -> FigureValue:
    """People who voted in the cycles: their ballots, online and paper, not annulled.

    One ballot per person per cycle is a database guarantee, so ballots are voters. A ballot
    the commission annulled is not a vote.
    A vote still open is not counted (DESIGN rule 8: nothing of a vote before it closes),
    and the figure says so: what the report gives is the closed votes' voters.
    """
    from portal.voting.models import Ballot
    from portal.voting.permissions import vote_over

    now = utcnow()
    cycles = session.scalars(select(Cycle).where(Cycle.id.in_(scope.cycle_ids))).all()
    closed = [c.id for c in cycles if vote_over(c, now)]
    count = session.scalar(
        select(func.count()).select_from(Ballot)
        .where(Ballot.cycle_id.in_(closed), Ballot.annulled_at.is_(None))
    ) if closed else 0
    note = FigureNote.VOTING_OPEN if len(closed) < len(cycles) else None
    return FigureValue(Decimal(count or 0), note)


register_figure(PortalFigure.PROJECTS_SUBMITTED, count_submitted)
register_figure(PortalFigure.AUTHORS, count_authors)
register_figure(PortalFigure.WINNERS, count_winners)
register_figure(PortalFigure.IMPLEMENTED, count_implemented)
register_figure(PortalFigure.VOTERS, count_voters)


def _not_financed_reasons(session: Session, cycle_ids: tuple[int, ...]) -> list[str]:
    """One reason per winner marked not implemented, as staff wrote it."""
    return list(session.scalars(
        select(Implementation.reason)
        .join(FundingLine, Implementation.line_id == FundingLine.id)
        .join(Project, FundingLine.project_id == Project.id)
        .where(Project.cycle_id.in_(cycle_ids), Project.status == ProjectStatus.WINNER,
               Implementation.status == ImplementationStatus.NOT_IMPLEMENTED)
        .order_by(Project.number)
    ))


def count_meetings(session: Session, cycle_ids: tuple[int, ...]) -> int:
    """Meetings the cycles' commission held (opened with a quorum; a draft is not held).

    Read from the ``meetings`` table of the metadata: the commission's part (``review``)
    stands on this one (its protocol's PDF is drawn here), so it is not imported.
    """
    meetings = Base.metadata.tables.get("meetings")
    if meetings is None:
        return 0
    return int(session.scalar(select(func.count()).select_from(meetings).where(
        meetings.c.cycle_id.in_(cycle_ids), meetings.c.status != DRAFT_MEETING)) or 0)


def cycle_facts(session: Session, program: Program, year: int) -> list[CycleFacts]:
    """Per linked measure, the cycles' composed execution text and what it leaves unexplained."""
    by_measure: dict[int, list[Cycle]] = {}
    for cycle in linked_cycles(session, program, year):
        by_measure.setdefault(cycle.measure_id, []).append(cycle)
    found = []
    for measure_id, cycles in by_measure.items():
        ids = tuple(c.id for c in cycles)
        scope = FigureScope(program.id, year, ids)

        def figure(which: PortalFigure, scope: FigureScope = scope) -> int:
            return int(compute_figure(session, which, scope).value)

        voters = compute_figure(session, PortalFigure.VOTERS, scope)
        facts = pb_execution_facts(
            authors=figure(PortalFigure.AUTHORS), projects=figure(PortalFigure.PROJECTS_SUBMITTED),
            voters=int(voters.value), winners=figure(PortalFigure.WINNERS),
            implemented=figure(PortalFigure.IMPLEMENTED),
            not_financed_reasons=_not_financed_reasons(session, ids),
            meetings=count_meetings(session, ids),
        )
        if voters.note is not None:
            # "0 осіб віддали голоси" would be false: without ballots the count is unknown.
            facts = tuple(f for f in facts if f.kind is not PbFactKind.VOTERS)
        # A cycle suspended before anything was submitted has no results to tell, only why.
        told = any(f.count for f in facts if f.kind is not PbFactKind.COMMISSION_MEETINGS)
        texts = [render_facts(facts)] if told or not any(c.suspended_at for c in cycles) \
            else []
        texts += [_("The cycle “%(name)s” is suspended: %(reason)s", name=c.name,
                    reason=c.suspension_reason or "") for c in cycles if c.suspended_at]
        found.append(CycleFacts(
            measure_id=measure_id, cycle_ids=ids, text="\n".join(texts),
            unaccounted=max(unaccounted_winners(facts), 0), facts=facts,
            names=tuple(c.name for c in cycles),
            suspended=tuple((c.name, c.suspension_reason or "") for c in cycles
                            if c.suspended_at)))
    return found
