"""The words reports and pages use for sources, indicator groups, figures and terms."""

from __future__ import annotations

from portal.i18n import _, _l
from portal.programs.indicator_figures import FigureNote, PortalFigure
from portal.programs.records import FigureNoteRow
from portal.programs.report_rules import FundingSource, IndicatorGroup

SOURCE_LABELS = {
    FundingSource.CITY_BUDGET: _l("City budget"),
    FundingSource.STATE_BUDGET: _l("State budget"),
    FundingSource.OTHER: _l("Other sources"),
}

GROUP_LABELS = {
    IndicatorGroup.COST: _l("Cost indicators"),
    IndicatorGroup.PRODUCT: _l("Product indicators"),
    IndicatorGroup.EFFICIENCY: _l("Efficiency indicators"),
    IndicatorGroup.QUALITY: _l("Quality indicators"),
}

FIGURE_LABELS = {
    PortalFigure.PROJECTS_SUBMITTED: _l("Projects submitted"),
    PortalFigure.AUTHORS: _l("Authors of projects"),
    PortalFigure.VOTERS: _l("People who voted"),
    PortalFigure.WINNERS: _l("Winning projects"),
    PortalFigure.IMPLEMENTED: _l("Winning projects implemented"),
    PortalFigure.MONEY_FINANCED: _l("Program funding, planned and financed, thousand UAH"),
}

NOTE_LABELS = {
    FigureNote.NO_CYCLE: _l("no participatory-budget cycle is linked to the program for this "
                            "year"),
    FigureNote.NO_VOTING_RECORDS: _l("the portal keeps no voting records, so the number of "
                                     "voters cannot be counted"),
    FigureNote.NOT_AVAILABLE: _l("this installation has nothing that computes it"),
}

ROMAN = ("I", "II", "III", "IV")


def source_label(source: FundingSource) -> str:
    return str(SOURCE_LABELS[source])


def group_heading(group: IndicatorGroup) -> str:
    """A group's heading row numbered the form's way: "ІІ. Показники продукту"."""
    number = ROMAN[list(IndicatorGroup).index(group)]
    return f"{number}. {GROUP_LABELS[group]}"


def figure_label(figure: PortalFigure) -> str:
    return str(FIGURE_LABELS[figure])


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
