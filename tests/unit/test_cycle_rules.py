"""Phases derived from the calendar, extensions and suspensions; calendar and cost checks."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.cycles.rules import (
    KYIV,
    Calendar,
    CalendarProblem,
    CostProblem,
    Extension,
    ExtensionProblem,
    Phase,
    calendar_problems,
    cost_problems,
    current_phase,
    effective_windows,
    extension_problems,
    registration_code,
    window_of,
)


def kyiv(day: str, hour: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=KYIV)


CALENDAR = Calendar(
    budget_year=2027,
    submission_start=kyiv("2026-03-01"), submission_end=kyiv("2026-04-01"),
    support_start=kyiv("2026-04-01"), support_end=kyiv("2026-04-15"),
    review_start=kyiv("2026-04-20"), review_end=kyiv("2026-06-01"),
    voting_start=kyiv("2026-09-01"), voting_end=kyiv("2026-09-15"),
    results_date=kyiv("2026-09-30"),
)
NO_SUPPORT = Calendar(**{**CALENDAR.__dict__, "support_start": None, "support_end": None})


@pytest.mark.parametrize(("moment", "phase"), [
    (kyiv("2026-02-28", 23), Phase.UPCOMING),
    (kyiv("2026-03-01"), Phase.SUBMISSION),  # the start is inside
    (kyiv("2026-03-31", 23), Phase.SUBMISSION),
    (kyiv("2026-04-01"), Phase.SUPPORT),  # the end is outside; support starts right then
    (kyiv("2026-04-16"), Phase.BETWEEN),  # a gap before review
    (kyiv("2026-04-20"), Phase.REVIEW),
    (kyiv("2026-07-01"), Phase.BETWEEN),
    (kyiv("2026-09-01"), Phase.VOTING),
    (kyiv("2026-09-15"), Phase.RESULTS),
    (kyiv("2026-12-31", 23), Phase.RESULTS),
    (kyiv("2027-01-01"), Phase.IMPLEMENTATION),  # 1 January of the budget year, Kyiv time
    (kyiv("2029-06-01"), Phase.IMPLEMENTATION),
])
def test_the_phase_follows_the_calendar(moment, phase):
    assert current_phase(CALENDAR, [], None, moment) is phase


def test_the_boundaries_are_instants_compared_in_utc():
    # 1 March 00:00 in Kyiv (winter, UTC+2) is 28 February 22:00 UTC.
    assert current_phase(CALENDAR, [], None, datetime(2026, 2, 28, 21, 59, tzinfo=UTC)) \
        is Phase.UPCOMING
    assert current_phase(CALENDAR, [], None, datetime(2026, 2, 28, 22, 0, tzinfo=UTC)) \
        is Phase.SUBMISSION


def test_without_support_dates_the_submission_is_followed_by_review():
    assert current_phase(NO_SUPPORT, [], None, kyiv("2026-04-05")) is Phase.BETWEEN
    assert [w.phase for w in effective_windows(NO_SUPPORT, [])] == [
        Phase.SUBMISSION, Phase.REVIEW, Phase.VOTING]


def test_implementation_never_starts_before_the_vote_ends():
    late = Calendar(**{**CALENDAR.__dict__, "budget_year": 2026})
    assert current_phase(late, [], None, kyiv("2026-09-10")) is Phase.VOTING
    assert current_phase(late, [], None, kyiv("2026-09-15")) is Phase.IMPLEMENTATION


def test_a_suspension_overrides_every_date():
    suspended = kyiv("2026-03-10")
    assert current_phase(CALENDAR, [], suspended, kyiv("2026-03-20")) is Phase.SUSPENDED
    assert current_phase(CALENDAR, [], suspended, kyiv("2027-05-01")) is Phase.SUSPENDED


def test_a_suspension_recorded_for_later_starts_at_its_moment():
    suspended = kyiv("2026-03-10")
    assert current_phase(CALENDAR, [], suspended, kyiv("2026-03-09")) is Phase.SUBMISSION


def test_an_extension_keeps_the_phase_open_longer():
    extended = [Extension(Phase.SUBMISSION, kyiv("2026-04-03"))]
    assert current_phase(CALENDAR, extended, None, kyiv("2026-04-02")) is Phase.SUBMISSION


def test_an_extension_into_the_next_window_delays_its_start_not_its_end():
    extended = [Extension(Phase.SUBMISSION, kyiv("2026-04-05"))]
    support = window_of(CALENDAR, extended, Phase.SUPPORT)
    assert (support.start, support.end) == (kyiv("2026-04-05"), kyiv("2026-04-15"))
    assert current_phase(CALENDAR, extended, None, kyiv("2026-04-05")) is Phase.SUPPORT


def test_an_extension_past_the_whole_next_window_swallows_it():
    extended = [Extension(Phase.SUBMISSION, kyiv("2026-04-18"))]
    support = window_of(CALENDAR, extended, Phase.SUPPORT)
    assert support.start == support.end == kyiv("2026-04-18")
    assert current_phase(CALENDAR, extended, None, kyiv("2026-04-17")) is Phase.SUBMISSION
    assert current_phase(CALENDAR, extended, None, kyiv("2026-04-18")) is Phase.BETWEEN


def test_the_latest_end_of_several_extensions_counts_and_none_shortens():
    extensions = [Extension(Phase.VOTING, kyiv("2026-09-20")),
                  Extension(Phase.VOTING, kyiv("2026-09-17")),
                  Extension(Phase.REVIEW, kyiv("2026-05-01"))]
    windows = {w.phase: w for w in effective_windows(CALENDAR, extensions)}
    assert windows[Phase.VOTING].end == kyiv("2026-09-20") and windows[Phase.VOTING].extended
    assert windows[Phase.REVIEW].end == kyiv("2026-06-01") and not windows[Phase.REVIEW].extended
    assert current_phase(CALENDAR, extensions, None, kyiv("2026-09-19")) is Phase.VOTING
    assert current_phase(CALENDAR, extensions, None, kyiv("2026-09-20")) is Phase.RESULTS


def test_an_extended_vote_also_delays_the_implementation_start():
    late = Calendar(**{**CALENDAR.__dict__, "budget_year": 2026})
    extended = [Extension(Phase.VOTING, kyiv("2026-09-20"))]
    assert current_phase(late, extended, None, kyiv("2026-09-18")) is Phase.VOTING


def test_a_consistent_calendar_has_no_problems():
    assert calendar_problems(CALENDAR) == []
    assert calendar_problems(NO_SUPPORT) == []


@pytest.mark.parametrize(("change", "problem"), [
    ({"submission_end": kyiv("2026-03-01")}, CalendarProblem.SUBMISSION_ORDER),
    ({"support_end": None}, CalendarProblem.SUPPORT_INCOMPLETE),
    ({"support_end": kyiv("2026-04-01")}, CalendarProblem.SUPPORT_ORDER),
    ({"support_start": kyiv("2026-03-20")}, CalendarProblem.SUPPORT_BEFORE_SUBMISSION_END),
    ({"review_end": kyiv("2026-04-20")}, CalendarProblem.REVIEW_ORDER),
    ({"review_start": kyiv("2026-04-10")}, CalendarProblem.REVIEW_TOO_EARLY),
    ({"voting_end": kyiv("2026-09-01")}, CalendarProblem.VOTING_ORDER),
    ({"voting_start": kyiv("2026-05-20")}, CalendarProblem.VOTING_BEFORE_REVIEW_END),
    ({"results_date": kyiv("2026-09-14")}, CalendarProblem.RESULTS_BEFORE_VOTING_END),
    ({"results_date": datetime(2026, 9, 30)}, CalendarProblem.NAIVE_DATETIME),
])
def test_each_contradiction_in_a_calendar_is_named(change, problem):
    assert problem in calendar_problems(Calendar(**{**CALENDAR.__dict__, **change}))


NOW = kyiv("2026-03-20")


def test_the_running_phase_can_be_extended_with_a_reason():
    assert extension_problems(CALENDAR, [], Phase.SUBMISSION, kyiv("2026-04-03"), "Знеструмлення",
                              NOW) == []


@pytest.mark.parametrize(("phase", "new_end", "reason", "problem"), [
    (Phase.RESULTS, kyiv("2026-10-01"), "x", ExtensionProblem.NOT_A_WINDOW),
    (Phase.SUBMISSION, kyiv("2026-03-31"), "x", ExtensionProblem.NOT_LATER),
    (Phase.SUBMISSION, kyiv("2026-04-01"), "x", ExtensionProblem.NOT_LATER),
    (Phase.SUBMISSION, kyiv("2026-04-03"), "  ", ExtensionProblem.REASON_REQUIRED),
])
def test_a_bad_extension_is_refused_with_its_reason(phase, new_end, reason, problem):
    assert problem in extension_problems(CALENDAR, [], phase, new_end, reason, NOW)


def test_a_phase_that_is_over_cannot_be_extended():
    assert extension_problems(CALENDAR, [], Phase.SUBMISSION, kyiv("2026-04-20"), "x",
                              kyiv("2026-04-02")) == [ExtensionProblem.PHASE_OVER]


def test_a_cycle_without_support_has_no_support_phase_to_extend():
    assert extension_problems(NO_SUPPORT, [], Phase.SUPPORT, kyiv("2026-04-20"), "x", NOW) == [
        ExtensionProblem.NO_SUCH_PHASE]


LIMITS = {"min_cost": 5_000_000, "max_cost": 50_000_000, "budget": 100_000_000}


@pytest.mark.parametrize(("total", "problems"), [
    (5_000_000, []), (50_000_000, []), (20_000_000, []),  # the limits are inclusive
    (4_999_999, [CostProblem.BELOW_MINIMUM]),
    (50_000_001, [CostProblem.ABOVE_MAXIMUM]),
])
def test_a_total_must_fall_within_the_category_limits(total, problems):
    assert cost_problems(total, **LIMITS) == problems


def test_a_total_above_the_category_budget_is_refused_even_within_the_maximum():
    assert cost_problems(60_000_000, min_cost=0, max_cost=90_000_000, budget=50_000_000) == [
        CostProblem.ABOVE_CATEGORY_BUDGET]


def test_a_phase_boundary_a_moment_before_is_still_the_earlier_phase():
    just_before = kyiv("2026-04-01") - timedelta(microseconds=1)
    assert current_phase(CALENDAR, [], None, just_before) is Phase.SUBMISSION


@pytest.mark.parametrize(("year", "number", "code"), [
    (2026, 17, "2026-017"), (2019, 1, "2019-001"), (2027, 1234, "2027-1234"),
])
def test_the_registration_code_is_the_year_and_a_three_digit_number(year, number, code):
    assert registration_code(year, number) == code
