"""The geometry of the results' charts, drawn by the server as SVG (no script needed).

Pure: numbers in, positions out; ``templates/results/page.html`` draws them. The charts
are as wide as the page and lengths are shares of that width (per mille), while text keeps
its own size: on a 390 px phone a project's name and votes read as on a desktop, because
the drawing is never shrunk to fit. Each project takes a row: its name on one line, its
bar under it with the votes written inside the end of a long bar, or just after a short one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

ROW = 50  # one project: its name, then its bar (px)
LABEL_BASELINE = 15
BAR_TOP = 22
BAR_HEIGHT = 21
COUNT_BASELINE = 16  # the votes' baseline below the bar's top
LABEL_CHARS = 38  # what fits a 390 px screen; the table has the full name
COUNT_INSIDE = 250  # a bar this long (per mille) holds its votes; a shorter one is followed
MONEY_HEIGHT = 18
FULL = 1000  # lengths are per mille of the chart's width
SMALLEST = 5  # a project with votes shows at least this much bar, to be seen


@dataclass(frozen=True)
class Row:
    """What the chart shows of one project."""

    label: str
    votes: int
    winner: bool | None  # None: the winners are not counted yet


@dataclass(frozen=True)
class Bar:
    name: str  # the whole name, for the chart's description
    label: str  # the name as drawn, shortened to fit
    votes: int
    winner: bool | None
    top: int  # the row's top edge (px)
    label_y: int  # baseline of the name and the votes
    bar_y: int
    length: int  # per mille of the width; 0 for no votes

    @property
    def count_y(self) -> int:
        return self.bar_y + COUNT_BASELINE

    @property
    def count_inside(self) -> bool:
        """The votes are written inside the bar's end (else just after it)."""
        return self.length >= COUNT_INSIDE

    @property
    def percent(self) -> str:
        """The length as an SVG percentage: ``62.5%``."""
        return f"{self.length / 10:g}%"


@dataclass(frozen=True)
class BarChart:
    height: int
    bar_height: int
    bars: tuple[Bar, ...]


def short_label(text: str, limit: int = LABEL_CHARS) -> str:
    """``text`` cut at a word to fit ``limit`` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else head
    return cut.rstrip(" ,.;:—-") + "…"


def vote_chart(rows: Sequence[Row]) -> BarChart:
    """Horizontal bars of votes, the most voted one the full width.

    Lengths are proportional to the votes (rounded to whole per mille), so equal votes
    draw equal bars.
    """
    most = max((row.votes for row in rows), default=0)
    bars = []
    for position, row in enumerate(rows):
        top = position * ROW
        length = (0 if most == 0 or row.votes <= 0
                  else max(SMALLEST, round(row.votes * FULL / most)))
        bars.append(Bar(row.label, short_label(row.label), row.votes, row.winner, top,
                        top + LABEL_BASELINE, top + BAR_TOP, length))
    return BarChart(max(len(bars), 1) * ROW, BAR_HEIGHT, tuple(bars))


@dataclass(frozen=True)
class MoneyBar:
    """The money a category had as one bar, the part spent filled."""

    height: int
    spent: int  # per mille of the width

    @property
    def percent(self) -> str:
        return f"{self.spent / 10:g}%"


def money_bar(spent: int, available: int) -> MoneyBar:
    """``spent`` of ``available`` as a filled length, never past the bar's end."""
    if available <= 0:
        filled = FULL if spent > 0 else 0
    else:
        filled = min(FULL, round(spent * FULL / available))
    return MoneyBar(MONEY_HEIGHT, filled)
