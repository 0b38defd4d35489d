"""Portal figures an indicator can be bound to, and the registry that computes them.

An indicator such as "Кількість поданих проектів" need not be typed: the portal holds the
projects. Binding an indicator to a :class:`PortalFigure` makes the report compute its
actual value. Each figure is computed by one function registered here, so the part of
the portal that owns the records plugs its function in (the voting part registers
``VOTERS``) without this module knowing its tables.

``MONEY_FINANCED`` is not in the registry: it is the report's own total of table 1
(planned and financed, in thousands of hryvnias), computed by the report arithmetic
(``IndicatorBasis.TOTAL_FUNDING``), so the cost indicator always agrees with table 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from portal.programs.rules import PortalFigure

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class FigureNote(StrEnum):
    """Why a computed figure may not be the whole truth; the report prints the note."""

    NO_CYCLE = "no_cycle"  # no participatory-budget cycle is linked to the program's year
    NO_VOTING_RECORDS = "no_voting_records"  # the portal keeps no ballots (voting not installed)
    NOT_AVAILABLE = "not_available"  # no function computes this figure in this installation
    VOTING_OPEN = "voting_open"  # a linked cycle's vote is still open: its ballots are secret


@dataclass(frozen=True)
class FigureScope:
    """What a figure is computed over: a program's year and the cycles linked to it."""

    program_id: int
    year: int
    cycle_ids: tuple[int, ...]


@dataclass(frozen=True)
class FigureValue:
    """A computed figure and, when it is incomplete, the note that says why."""

    value: Decimal
    note: FigureNote | None = None


FigureFunction = Callable[["Session", FigureScope], FigureValue]

_REGISTRY: dict[PortalFigure, FigureFunction] = {}


def register_figure(figure: PortalFigure, function: FigureFunction) -> None:
    """Install (or replace) the function that computes ``figure``."""
    if figure is PortalFigure.MONEY_FINANCED:
        raise ValueError("money financed is computed from the report's own totals")
    _REGISTRY[figure] = function


def compute_figure(session: Session, figure: PortalFigure, scope: FigureScope) -> FigureValue:
    """The figure's value for ``scope``; zero with a note when nothing can compute it."""
    function = _REGISTRY.get(figure)
    if function is None:
        return FigureValue(Decimal(0), FigureNote.NOT_AVAILABLE)
    if not scope.cycle_ids:
        return FigureValue(Decimal(0), FigureNote.NO_CYCLE)
    return function(session, scope)
