"""The words reports use for indicator groups, figure notes and terms."""

from __future__ import annotations

from decimal import Decimal

from portal.i18n import _, _l
from portal.money import format_percent
from portal.programs.messages import GROUP_LABELS, figure_label
from portal.programs.rules import IndicatorGroup
from portal.reports.figures import FigureNote
from portal.reports.records import FigureNoteRow

NOTE_LABELS = {
    FigureNote.NO_CYCLE: _l("no participatory-budget cycle is linked to the program for this "
                            "year"),
    FigureNote.NO_VOTING_RECORDS: _l("the portal keeps no voting records, so the number of "
                                     "voters cannot be counted"),
    FigureNote.NOT_AVAILABLE: _l("this installation has nothing that computes it"),
    FigureNote.VOTING_OPEN: _l("the vote is still open: its voters are counted once it closes"),
}

ROMAN = ("I", "II", "III", "IV")


def group_heading(group: IndicatorGroup) -> str:
    """A group's heading row numbered the form's way: "ІІ. Показники продукту"."""
    number = ROMAN[list(IndicatorGroup).index(group)]
    return f"{number}. {GROUP_LABELS[group]}"


def figure_note_text(note: FigureNoteRow) -> str:
    """Why a computed indicator may read zero: "«Кількість голосів»: 0, because ..."."""
    return _("“%(indicator)s” is computed from “%(figure)s”, but %(reason)s.",
             indicator=note.indicator_name, figure=figure_label(note.figure),
             reason=NOTE_LABELS[note.note])


def term_text(start_year: int, end_year: int) -> str:
    """The program's term as documents write it: "2017-2020 роки", "2014 рік"."""
    if start_year == end_year:
        return _("%(year)d year", year=start_year)
    return _("%(start)d-%(end)d years", start=start_year, end=end_year)


def percent_text(value: Decimal | None) -> str:
    """A percentage as the reports print it: one decimal, a whole one without it ("110",
    "92,8"), as the documents do (seeds/000); a dash when there is none."""
    return format_percent(value).removesuffix(",0")
