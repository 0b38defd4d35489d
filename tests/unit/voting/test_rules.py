"""The pure ballot checks: every tampered or ineligible ballot gets its own reason."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from portal.cycles.rules import BallotType, VotesScope
from portal.voting.rules import (
    CategoryFacts,
    Choice,
    Code,
    CycleRules,
    ProjectFacts,
    VoterFacts,
    age_band,
    check_ballot,
    totals,
)

OPENS = datetime(2026, 11, 1, 7, 0, tzinfo=UTC)
CLOSES = datetime(2026, 11, 30, 22, 0, tzinfo=UTC)  # 1 December 00:00 Kyiv
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)

CATEGORIES = [CategoryFacts(1, 1_000_00), CategoryFacts(2, 500_00, district_id=7)]
PROJECTS = [
    ProjectFacts(10, 1, 400_00), ProjectFacts(11, 1, 300_00), ProjectFacts(12, 1, 400_00),
    ProjectFacts(13, 1, 100_00), ProjectFacts(14, 1, 50_00, admitted=False),
    ProjectFacts(20, 2, 200_00), ProjectFacts(21, 2, 350_00),
]
VOTER = VoterFacts(verified=True, resident=True, birth_date=date(1990, 5, 1), district_id=7)


def rules(**changes) -> CycleRules:
    values = dict(opens=OPENS, closes=CLOSES, suspended=False, min_age=16, votes_per_voter=3,
                  votes_scope=VotesScope.PER_CATEGORY, ballot_type=BallotType.APPROVAL)
    return CycleRules(**(values | changes))


def codes(choices, *, voter=VOTER, now=NOW, **rule_changes) -> list[Code]:
    found = check_ballot(rules(**rule_changes), CATEGORIES, PROJECTS,
                         [Choice(c, p) for c, p in choices], voter, now)
    return [p.code for p in found]


def test_a_valid_approval_ballot_has_no_problems():
    assert codes([(1, 10), (1, 11), (1, 12), (2, 20)]) == []


def test_more_projects_than_allowed_in_a_category_is_refused():
    assert codes([(1, 10), (1, 11), (1, 12), (1, 13)]) == [Code.TOO_MANY]


def test_the_total_scope_counts_the_whole_ballot():
    assert codes([(1, 10), (1, 11), (2, 20)], votes_scope=VotesScope.TOTAL,
                 votes_per_voter=2) == [Code.TOO_MANY_TOTAL]


def test_a_project_from_another_category_is_refused():
    assert codes([(1, 20)]) == [Code.WRONG_CATEGORY]


def test_a_project_from_another_cycle_or_unknown_is_refused():
    assert codes([(1, 999)]) == [Code.UNKNOWN_PROJECT]
    assert codes([(9, 10)]) == [Code.UNKNOWN_CATEGORY]


def test_a_duplicate_choice_is_refused():
    assert codes([(1, 10), (1, 10)]) == [Code.DUPLICATE]


def test_a_project_not_admitted_is_refused():
    assert codes([(1, 14)]) == [Code.NOT_ADMITTED]


def test_a_knapsack_ballot_over_the_category_money_is_refused():
    assert codes([(1, 10), (1, 11), (1, 12)], ballot_type=BallotType.KNAPSACK,
                 votes_per_voter=0) == [Code.OVER_BUDGET]
    assert codes([(1, 10), (1, 11), (1, 13)], ballot_type=BallotType.KNAPSACK,
                 votes_per_voter=0) == []


def test_outside_the_window_is_refused():
    assert codes([(1, 10)], now=OPENS.replace(day=1, hour=6)) == [Code.VOTING_NOT_OPEN]
    assert codes([(1, 10)], now=CLOSES) == [Code.VOTING_CLOSED]
    assert codes([(1, 10)], suspended=True) == [Code.VOTING_SUSPENDED]


def test_an_unverified_voter_is_refused():
    voter = VoterFacts(verified=False, resident=False, birth_date=None, district_id=None)
    assert codes([(1, 10)], voter=voter) == [Code.NOT_VERIFIED]


def test_age_is_taken_on_the_last_day_of_voting():
    # Turns 16 on 30 November, the last Kyiv day of the window: may vote from the first day.
    turns_16 = VoterFacts(True, True, date(2010, 11, 30), 7)
    assert codes([(1, 10)], voter=turns_16) == []
    too_young = VoterFacts(True, True, date(2010, 12, 1), 7)
    assert codes([(1, 10)], voter=too_young) == [Code.UNDER_AGE]


def test_a_non_resident_is_refused():
    assert codes([(1, 10)], voter=VoterFacts(True, False, date(1990, 1, 1), 7)) == [
        Code.NOT_RESIDENT]


def test_a_district_category_is_only_for_its_residents():
    elsewhere = VoterFacts(True, True, date(1990, 1, 1), district_id=3)
    assert codes([(2, 20)], voter=elsewhere) == [Code.WRONG_DISTRICT]
    assert codes([(1, 10)], voter=elsewhere) == []


def test_an_empty_ballot_is_refused():
    assert codes([]) == [Code.EMPTY]


def test_totals_show_what_is_chosen_and_left():
    per = totals(rules(ballot_type=BallotType.KNAPSACK), CATEGORIES, PROJECTS,
                 [Choice(1, 10), Choice(1, 13)])
    assert (per[0].chosen, per[0].votes_left, per[0].spent, per[0].money_left) == (
        2, 1, 500_00, 500_00)
    assert per[1].money_left == 500_00


@pytest.mark.parametrize(("birth", "band"), [
    (date(2010, 11, 30), "16-17"), (date(1990, 1, 1), "30-44"), (date(1940, 1, 1), "75+"),
    (date(2015, 1, 1), "<16"),
])
def test_age_bands(birth, band):
    assert age_band(birth, date(2026, 11, 30)) == band
