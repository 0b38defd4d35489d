"""What each dataset is: its name (part of its addresses, never changed), title, description,
keywords and columns, each column with its meaning and kind.

Money columns end in ``_uah``: hryvnias with a decimal point and up to two decimals, exact
(kopecks are never lost). Times are ISO 8601 in UTC; dates are ISO 8601.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l

from portal.opendata import builders


class Kind(StrEnum):
    """How a column's values are written (and described to machines)."""

    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"


KIND_LABELS = {
    Kind.TEXT: _l("text"),
    Kind.INTEGER: _l("whole number"),
    Kind.DECIMAL: _l("number with a decimal point"),
    Kind.BOOLEAN: _l("true or false"),
    Kind.DATE: _l("date (YYYY-MM-DD)"),
    Kind.DATETIME: _l("date and time, UTC (ISO 8601)"),
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    meaning: Any  # a lazy string


@dataclass(frozen=True)
class Dataset:
    name: str
    title: Any
    description: Any
    keywords: Any  # a lazy string of comma-separated words
    columns: tuple[Column, ...]
    rows: Callable[..., list[dict[str, Any]]]
    #: The column whose latest value is when the dataset last changed (None: unknown).
    stamp: str | None = None


def _c(name: str, kind: Kind, meaning: Any) -> Column:
    return Column(name, kind, meaning)


T, N, D, B = Kind.TEXT, Kind.INTEGER, Kind.DECIMAL, Kind.BOOLEAN
_CYCLE = _c("cycle_id", N, _l("Number of the cycle (the cycles dataset)"))
_CODE = _c("registration_code", T, _l("Registration number of the project, as on the site"))
_URL = _c("url", T, _l("Its page on the site"))
_PROJECT = _c("project_id", N, _l("Number of the project in the projects dataset"))
_TITLE = _c("title", T, _l("Title"))

PROJECTS = Dataset(
    "projects", _l("Projects of the participatory budget"),
    _l("Every project submitted to the participatory budget and public on the site, with "
       "its cost estimate, status, district and location. Drafts are not included."),
    _l("participatory budget, projects, cost, status, district, coordinates"),
    (_c("project_id", N, _l("Number of the project on the site (its page address)")),
     _CYCLE, _c("budget_year", N, _l("Budget year of the cycle")), _CODE,
     _TITLE, _c("summary", T, _l("Short description")),
     _c("category", T, _l("Category (pot) of the cycle")),
     _c("status", T, _l("Status code: submitted, collecting_support, under_review, "
                        "returned_for_revision, admitted, rejected, withdrawn, winner, "
                        "not_selected")),
     _c("status_name", T, _l("Status in words")),
     _c("cost_uah", D, _l("Cost estimate, hryvnias")),
     _c("district", T, _l("District")), _c("address", T, _l("Address")),
     _c("latitude", D, _l("Latitude, degrees (WGS 84)")),
     _c("longitude", D, _l("Longitude, degrees (WGS 84)")),
     _c("submitted_at", Kind.DATETIME, _l("When it was first submitted")),
     _c("status_changed_at", Kind.DATETIME, _l("When its status last changed")),
     _URL),
    builders.project_rows, stamp="status_changed_at")

CYCLES = Dataset(
    "cycles", _l("Cycles of the participatory budget"),
    _l("Each edition of the participatory budget: its budget, calendar, rules and the "
       "phase it is in."),
    _l("participatory budget, cycle, calendar, budget, rules"),
    (_c("cycle_id", N, _l("Number of the cycle on the site")),
     _c("name", T, _l("Name")), _c("budget_year", N, _l("Budget year")),
     _c("total_budget_uah", D, _l("Total budget, hryvnias")),
     *(_c(name, Kind.DATETIME, meaning) for name, meaning in (
         ("submission_start", _l("Submission opens")), ("submission_end", _l("Submission closes")),
         ("review_start", _l("Review starts")), ("review_end", _l("Review ends")),
         ("voting_start", _l("Voting opens")), ("voting_end", _l("Voting closes")),
         ("results_date", _l("Results are due")))),
     _c("phase", T, _l("Phase code now: upcoming, submission, support, review, voting, "
                       "between, results, implementation, suspended")),
     _c("phase_name", T, _l("Phase in words")),
     _c("votes_per_voter", N, _l("Votes a voter has in each category (0: no limit)")),
     _c("min_age_vote", N, _l("Minimum age to vote, years")),
     _c("winner_rule", T, _l("Winner rule code: greedy, greedy-no-skip, greedy-threshold, "
                             "equalshares/add1, equalshares/add1-comparison (as in pabulib)")),
     _c("created_at", Kind.DATETIME, _l("When the cycle was created")),
     _URL),
    builders.cycle_rows, stamp="created_at")

CATEGORIES = Dataset(
    "categories", _l("Categories of the cycles"),
    _l("The pots of each cycle: their budgets and the cost limits of their projects."),
    _l("participatory budget, categories, budget, cost limits"),
    (_c("category_id", N, _l("Number of the category")), _CYCLE,
     _c("name", T, _l("Name")),
     _c("kind", T, _l("Kind code: citywide, district, thematic")),
     _c("district", T, _l("District of a district category")),
     _c("budget_uah", D, _l("Budget, hryvnias")),
     _c("min_cost_uah", D, _l("Lowest cost of a project, hryvnias")),
     _c("max_cost_uah", D, _l("Highest cost of a project, hryvnias"))),
    builders.category_rows)

RESULTS = Dataset(
    "results", _l("Results of the votes"),
    _l("Votes for each project of each vote whose results the commission approved, and "
       "whether it won. Nothing of a vote appears here before its results are approved."),
    _l("participatory budget, voting, results, votes, winners"),
    (_CYCLE, _c("category_id", N, _l("Number of the category (the categories dataset)")),
     _c("category", T, _l("Category")), _PROJECT, _CODE, _TITLE,
     _c("cost_uah", D, _l("Cost, hryvnias")),
     _c("votes", N, _l("Votes counted (annulled ballots left out)")),
     _c("selected", B, _l("Whether the project won")),
     _c("approved_at", Kind.DATETIME, _l("When the commission approved the results"))),
    builders.result_rows, stamp="approved_at")

IMPLEMENTATION = Dataset(
    "implementation", _l("Implementation of the winning projects"),
    _l("Each winning project's implementation: status, progress, the Prozorro tender, "
       "and the money planned and paid when its target program is published."),
    _l("participatory budget, implementation, progress, winners, Prozorro"),
    (_PROJECT, _CYCLE, _CODE, _TITLE,
     _c("year", N, _l("Year of implementation")),
     _c("status", T, _l("Status code: planned, procurement, in_progress, implemented, "
                        "not_implemented")),
     _c("status_name", T, _l("Status in words")),
     _c("progress_percent", N, _l("Progress, percent")),
     _c("reason", T, _l("Why it was not implemented")),
     _c("tender_number", T, _l("Prozorro tender number")),
     _c("planned_uah", D, _l("Money planned in the program, hryvnias")),
     _c("financed_uah", D, _l("Money paid, hryvnias")),
     _c("updated_at", Kind.DATETIME, _l("When the status was last recorded")),
     _URL),
    builders.implementation_rows, stamp="updated_at")

FINANCING = Dataset(
    "financing", _l("Funding of the target programs"),
    _l("Every funding line of the published target programs: the measure, the year, the "
       "source, the money planned and the money paid."),
    _l("target program, funding, financing, budget, measures"),
    (_c("line_id", N, _l("Number of the funding line")),
     _c("program_code", T, _l("Code of the program")),
     _c("program_title", T, _l("Title of the program")),
     _c("measure_number", T, _l("Number of the measure, as in the program (3.3)")),
     _c("measure", T, _l("The measure")), _c("year", N, _l("Year")),
     _c("source", T, _l("Source code: city_budget, state_budget, other")),
     _c("source_name", T, _l("Source in words")),
     _c("title", T, _l("What the line pays for, when it is a line of its own")),
     _c("project_id", N, _l("The winning project the line funds (the projects dataset)")),
     _c("department", T, _l("Executor")),
     _c("planned_uah", D, _l("Planned, hryvnias")),
     _c("financed_uah", D, _l("Paid, hryvnias")),
     _c("last_paid_on", Kind.DATE, _l("Date of the last payment"))),
    builders.financing_rows, stamp="last_paid_on")

DATASETS: dict[str, Dataset] = {d.name: d for d in (
    PROJECTS, CYCLES, CATEGORIES, RESULTS, IMPLEMENTATION, FINANCING)}
