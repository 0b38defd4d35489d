"""Pure rules of a participatory-budget cycle: its phases and the choices a city makes.

The calendar is a list of instants (aware datetimes, stored in UTC). Every phase is a
half-open window ``[start, end)``: it is open from its start up to, not including, its
end, so "submission until 1 April 00:00 Kyiv time" means the whole of 31 March is
included. The phases follow each other in this order, with gaps allowed between them:

    upcoming -> submission -> [support] -> review -> voting -> results -> implementation

* before ``submission_start`` the cycle is *upcoming*;
* inside a window the phase is that window's (submission, support, review, voting);
* in a gap between two windows the cycle is *between* phases (nothing is open);
* *results* runs from the end of voting until the implementation starts; ``results_date``
  is the date by which the results are to be published, shown in the calendar;
* *implementation* starts on 1 January of the budget year (Kyiv time), and never before
  the end of voting;
* a suspended cycle (martial law, say) is *suspended*, whatever the dates say.

An extension moves the end of one phase later; it never shortens one. When an extended
phase runs into the next window, the next phase starts when the extended one ends (its
own end is unchanged), so an extension never makes two phases open at once.

Nothing here reads the clock: every function takes ``now``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

KYIV = ZoneInfo("Europe/Kyiv")


class Phase(StrEnum):
    UPCOMING = "upcoming"
    SUBMISSION = "submission"
    SUPPORT = "support"
    REVIEW = "review"
    VOTING = "voting"
    BETWEEN = "between"
    RESULTS = "results"
    IMPLEMENTATION = "implementation"
    SUSPENDED = "suspended"


#: The phases with a window of their own in the calendar, in order; only these extend.
WINDOW_PHASES = (Phase.SUBMISSION, Phase.SUPPORT, Phase.REVIEW, Phase.VOTING)


class CategoryKind(StrEnum):
    CITYWIDE = "citywide"
    DISTRICT = "district"
    THEMATIC = "thematic"


class VotesScope(StrEnum):
    """Whether ``votes_per_voter`` counts per category or over the whole ballot."""

    PER_CATEGORY = "per_category"
    TOTAL = "total"


class BallotType(StrEnum):
    """Approval: choose up to N projects. Knapsack: choose projects within the budget."""

    APPROVAL = "approval"
    KNAPSACK = "knapsack"


class WinnerRule(StrEnum):
    """How winners are computed from the votes (names as in pabutools and pabulib)."""

    GREEDY = "greedy"
    GREEDY_NO_SKIP = "greedy-no-skip"
    GREEDY_THRESHOLD = "greedy-threshold"
    EQUAL_SHARES = "equalshares/add1"
    # Equal Shares, then compared with the greedy outcome (Wieliczka's Green Budget 2023):
    # ``portal.results.equal_shares.comparison`` says how.
    EQUAL_SHARES_COMPARISON = "equalshares/add1-comparison"


#: The rules that count by Equal Shares (the results page tells their rounds).
EQUAL_SHARES_RULES = frozenset({WinnerRule.EQUAL_SHARES, WinnerRule.EQUAL_SHARES_COMPARISON})


class TieRule(StrEnum):
    """Who wins a tie in votes: the earlier registration number, or a recorded lottery."""

    REGISTRATION = "registration"
    LOTTERY = "lottery"


class DiscussionPeriod(StrEnum):
    """How long residents may comment on the cycle's projects (``portal.discussion``): from
    a project's submission to the end of the voting, to the end of the budget year (when
    the winners are to be implemented), or for as long as the portal stands."""

    VOTING = "voting"
    IMPLEMENTATION = "implementation"
    ALWAYS = "always"


def registration_code(budget_year: int, number: int, series: int = 1) -> str:
    """The registration number shown everywhere: ``2026-017``.

    Numbers run per cycle; two cycles of the same budget year are told apart by the cycle's
    series within its year: the first cycle of 2027 gives ``2027-017``, the second
    ``2027-2-017``. A number is only digits, so no code of one series reads as another's.
    """
    if series == 1:
        return f"{budget_year}-{number:03d}"
    return f"{budget_year}-{series}-{number:03d}"


@dataclass(frozen=True)
class Calendar:
    """The planned dates of a cycle; ``support_*`` are both None when support is not collected."""

    budget_year: int
    submission_start: datetime
    submission_end: datetime
    support_start: datetime | None
    support_end: datetime | None
    review_start: datetime
    review_end: datetime
    voting_start: datetime
    voting_end: datetime
    results_date: datetime

    def window(self, phase: Phase) -> tuple[datetime, datetime] | None:
        """The planned ``[start, end)`` of a window phase, or None when the cycle has none."""
        start = getattr(self, f"{phase.value}_start")
        end = getattr(self, f"{phase.value}_end")
        return None if start is None else (start, end)


@dataclass(frozen=True)
class Extension:
    phase: Phase
    new_end: datetime


class CalendarProblem(StrEnum):
    """Why a calendar is refused; ``portal.cycles.messages`` words each one."""

    SUBMISSION_ORDER = "submission_order"
    SUPPORT_INCOMPLETE = "support_incomplete"
    SUPPORT_ORDER = "support_order"
    SUPPORT_BEFORE_SUBMISSION_END = "support_before_submission_end"
    REVIEW_ORDER = "review_order"
    REVIEW_TOO_EARLY = "review_too_early"
    VOTING_ORDER = "voting_order"
    VOTING_BEFORE_REVIEW_END = "voting_before_review_end"
    RESULTS_BEFORE_VOTING_END = "results_before_voting_end"
    NAIVE_DATETIME = "naive_datetime"


def calendar_problems(calendar: Calendar) -> list[CalendarProblem]:
    """Every way the planned dates contradict the order of phases (empty when they do not)."""
    dates = [
        calendar.submission_start, calendar.submission_end, calendar.support_start,
        calendar.support_end, calendar.review_start, calendar.review_end,
        calendar.voting_start, calendar.voting_end, calendar.results_date,
    ]
    if any(d is not None and d.tzinfo is None for d in dates):
        return [CalendarProblem.NAIVE_DATETIME]
    found = []
    if calendar.submission_start >= calendar.submission_end:
        found.append(CalendarProblem.SUBMISSION_ORDER)
    before_review = calendar.submission_end
    if (calendar.support_start is None) != (calendar.support_end is None):
        found.append(CalendarProblem.SUPPORT_INCOMPLETE)
    elif calendar.support_start is not None:
        if calendar.support_start >= calendar.support_end:
            found.append(CalendarProblem.SUPPORT_ORDER)
        if calendar.support_start < calendar.submission_end:
            found.append(CalendarProblem.SUPPORT_BEFORE_SUBMISSION_END)
        before_review = calendar.support_end
    if calendar.review_start >= calendar.review_end:
        found.append(CalendarProblem.REVIEW_ORDER)
    if calendar.review_start < before_review:
        found.append(CalendarProblem.REVIEW_TOO_EARLY)
    if calendar.voting_start >= calendar.voting_end:
        found.append(CalendarProblem.VOTING_ORDER)
    if calendar.voting_start < calendar.review_end:
        found.append(CalendarProblem.VOTING_BEFORE_REVIEW_END)
    if calendar.results_date < calendar.voting_end:
        found.append(CalendarProblem.RESULTS_BEFORE_VOTING_END)
    return found


@dataclass(frozen=True)
class Window:
    phase: Phase
    start: datetime
    end: datetime
    extended: bool = False


def effective_windows(calendar: Calendar, extensions: Iterable[Extension]) -> list[Window]:
    """The windows as they actually run: planned, extended, and pushed back by extensions.

    The latest ``new_end`` of a phase wins (extensions only ever move an end later). A
    window whose start falls before the end of the previous one starts when that one ends.
    """
    latest: dict[Phase, datetime] = {}
    for extension in extensions:
        if extension.phase in latest:
            latest[extension.phase] = max(latest[extension.phase], extension.new_end)
        else:
            latest[extension.phase] = extension.new_end
    windows: list[Window] = []
    for phase in WINDOW_PHASES:
        planned = calendar.window(phase)
        if planned is None:
            continue
        start, end = planned
        window = Window(phase, start, end)
        if phase in latest and latest[phase] > end:
            window = replace(window, end=latest[phase], extended=True)
        if windows and window.start < windows[-1].end:
            window = replace(window, start=windows[-1].end)
            window = replace(window, end=max(window.end, window.start))
        windows.append(window)
    return windows


def current_phase(
    calendar: Calendar,
    extensions: Iterable[Extension],
    suspended_at: datetime | None,
    now: datetime,
) -> Phase:
    """The phase of the cycle at ``now``, derived from the calendar, extensions and suspension.

    ``suspended_at`` is the moment the current suspension began, or None when the cycle runs.
    """
    if suspended_at is not None and suspended_at <= now:
        return Phase.SUSPENDED
    windows = effective_windows(calendar, extensions)
    if now < windows[0].start:
        return Phase.UPCOMING
    for window in windows:
        if window.start <= now < window.end:
            return window.phase
    voting_end = windows[-1].end
    if now < voting_end:
        return Phase.BETWEEN
    implementation = max(datetime(calendar.budget_year, 1, 1, tzinfo=KYIV), voting_end)
    return Phase.IMPLEMENTATION if now >= implementation else Phase.RESULTS


def window_of(
    calendar: Calendar, extensions: Iterable[Extension], phase: Phase,
) -> Window | None:
    """The effective window of ``phase``, or None when the cycle has no such window."""
    for window in effective_windows(calendar, extensions):
        if window.phase is phase:
            return window
    return None


class ExtensionProblem(StrEnum):
    NOT_A_WINDOW = "not_a_window"
    NO_SUCH_PHASE = "no_such_phase"
    PHASE_OVER = "phase_over"
    NOT_LATER = "not_later"
    REASON_REQUIRED = "reason_required"


def extension_problems(
    calendar: Calendar, extensions: Iterable[Extension], phase: Phase, new_end: datetime,
    reason: str, now: datetime,
) -> list[ExtensionProblem]:
    """Why extending ``phase`` to ``new_end`` is refused.

    Only a phase that has not ended yet can be extended (an outage during submission, say),
    and only to a later end than it has now.
    """
    if phase not in WINDOW_PHASES:
        return [ExtensionProblem.NOT_A_WINDOW]
    window = window_of(calendar, extensions, phase)
    if window is None:
        return [ExtensionProblem.NO_SUCH_PHASE]
    found = []
    if window.end <= now:
        found.append(ExtensionProblem.PHASE_OVER)
    if new_end <= window.end:
        found.append(ExtensionProblem.NOT_LATER)
    if not reason.strip():
        found.append(ExtensionProblem.REASON_REQUIRED)
    return found


class CostProblem(StrEnum):
    BELOW_MINIMUM = "below_minimum"
    ABOVE_MAXIMUM = "above_maximum"
    ABOVE_CATEGORY_BUDGET = "above_category_budget"


def cost_problems(total: int, *, min_cost: int, max_cost: int, budget: int) -> list[CostProblem]:
    """Why a project total (kopecks) does not fit its category's limits (inclusive)."""
    found = []
    if total < min_cost:
        found.append(CostProblem.BELOW_MINIMUM)
    if total > max_cost:
        found.append(CostProblem.ABOVE_MAXIMUM)
    if total > budget:
        found.append(CostProblem.ABOVE_CATEGORY_BUDGET)
    return found
