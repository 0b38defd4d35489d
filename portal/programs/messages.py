"""The words for funding sources, indicator groups and portal figures, and for the problems
that program rules, services and sheets refuse with."""

from __future__ import annotations

from portal.i18n import _l
from portal.money import AmountProblem
from portal.programs.program_sheet import SheetProblem
from portal.programs.rules import FundingSource, IndicatorGroup, PortalFigure, ProgramProblem
from portal.refusal import Catalogue

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


def source_label(source: FundingSource) -> str:
    return str(SOURCE_LABELS[source])


def figure_label(figure: PortalFigure) -> str:
    return str(FIGURE_LABELS[figure])


PROBLEMS = Catalogue({
    ProgramProblem.CODE_FORMAT: _l("Use 2-60 lowercase Latin letters, digits and hyphens."),
    ProgramProblem.CODE_TAKEN: _l("Another program already has this code."),
    ProgramProblem.SIGNATORY_FORMAT: _l("Write each signature on its own line as the "
                                        "position, a vertical bar and the name."),
    ProgramProblem.TERM_ORDER: _l("The last year cannot come before the first."),
    ProgramProblem.TERM_LENGTH: _l("A program cannot run for more than 20 years."),
    ProgramProblem.YEAR_RANGE: _l("Give years between 1991 and 2100."),
    ProgramProblem.YEAR_OUTSIDE_TERM: _l("This year is outside the program's term."),
    ProgramProblem.AMENDMENT_TAKEN: _l("This decision is already recorded."),
    ProgramProblem.TASK_NUMBER_TAKEN: _l("The program already has a task with this number."),
    ProgramProblem.MEASURE_NUMBER_FORMAT: _l("Write the number as the task's number, a dot "
                                             "and the measure's place, e.g. 3.3."),
    ProgramProblem.MEASURE_NUMBER_TAKEN: _l("The program already has a measure with this "
                                            "number."),
    ProgramProblem.UNKNOWN_TASK: _l("The program has no task with this number; add the task "
                                    "first."),
    ProgramProblem.UNKNOWN_MEASURE: _l("The program has no such measure."),
    ProgramProblem.UNKNOWN_DEPARTMENT: _l("Choose departments from the list."),
    ProgramProblem.DEPARTMENT_TAKEN: _l("A department with this name already exists."),
    ProgramProblem.DEPARTMENT_IN_USE: _l("This department executes measures or lines; it "
                                         "cannot be removed."),
    ProgramProblem.LINE_EXISTS: _l("This measure already has a line for this year and source; "
                                   "change that line instead."),
    ProgramProblem.HAS_PAYMENTS: _l("Payments are recorded here; remove them first."),
    ProgramProblem.WINNER_LINE: _l("This line funds a winning project; it stays with the "
                                   "project."),
    ProgramProblem.CYCLE_NOT_LINKED: _l("The cycle is not linked to a program measure; link it "
                                        "on the measure's page first."),
    ProgramProblem.PAYMENT_OUTSIDE_YEAR: _l("The payment date must fall in the line's budget "
                                            "year."),
    ProgramProblem.AMOUNT_NOT_POSITIVE: _l("The amount must be more than zero."),
    ProgramProblem.FIGURE_FORMAT: _l("Enter a number, e.g. 3500 or 166,7."),
    ProgramProblem.FIGURE_TOO_PRECISE: _l("Use at most three decimal places."),
    ProgramProblem.FIGURE_TOO_LARGE: _l("This number is too large."),
    ProgramProblem.FIGURE_NEEDS_NO_ACTUAL: _l("The actual value is computed from the portal's "
                                              "records; leave it empty."),
    ProgramProblem.TERMS_CHANGED_UNDER_LINES: _l("Funding lines are planned for years outside "
                                                 "the new term; change them first."),
    ProgramProblem.TEXT_REQUIRED: _l("This field is required."),
})

AMOUNTS = Catalogue({
    AmountProblem.EMPTY: _l("Enter the amount."),
    AmountProblem.NOT_A_NUMBER: _l("Enter the amount as digits, e.g. 1 234,56."),
    AmountProblem.NEGATIVE: _l("The amount cannot be negative."),
    AmountProblem.TOO_PRECISE: _l("The amount is more precise than a kopeck."),
    AmountProblem.TOO_LARGE: _l("The amount is too large."),
})

SHEET = Catalogue({
    SheetProblem.UNREADABLE: _l("The file cannot be read as XLSX or CSV."),
    SheetProblem.EMPTY: _l("The file has no rows."),
    SheetProblem.TOO_MANY_ROWS: _l("The file has more than 5000 rows."),
    SheetProblem.MISSING_COLUMN: _l("A required column is missing."),
    SheetProblem.YEAR_OUTSIDE_TERM: _l("This year is outside the program's term."),
    SheetProblem.TASK_NUMBER: _l("The task number must be a whole number from 1."),
    SheetProblem.TASK_TITLE_MISSING: _l("The task's first row must give its title."),
    SheetProblem.TASK_TITLE_CONFLICT: _l("The same task has another title on an earlier row."),
    SheetProblem.MEASURE_NUMBER: _l("The measure number must look like 3.3."),
    SheetProblem.MEASURE_TASK_MISMATCH: _l("The measure number does not start with the task's "
                                           "number."),
    SheetProblem.CONTENT_MISSING: _l("The measure's first row must give its content."),
    SheetProblem.MEASURE_CONFLICT: _l("The same measure has other content on an earlier row."),
    SheetProblem.SOURCE_UNKNOWN: _l("Unknown source: use city_budget, state_budget or other "
                                    "(or міський бюджет, державний бюджет, інші джерела)."),
    SheetProblem.SOURCE_MISSING: _l("Amounts are given without a source of funding."),
    SheetProblem.DUPLICATE_SOURCE: _l("The measure already has a row for this source."),
    SheetProblem.AMOUNT: _l("The amount is not a number of thousands of hryvnias, e.g. 34,0."),
})
