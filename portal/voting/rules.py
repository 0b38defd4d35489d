"""Whether a ballot may be cast, as a pure function returning reasons (STYLE pattern 4).

``check_ballot`` takes plain facts about the cycle, its categories, its projects, the
choices and the voter, and returns every problem it finds; an empty list means the
ballot may be stored. It never decides "already voted": the database's unique constraint
on (cycle, person key) does that, under any concurrency (see ``services.cast_ballot``).

Eligibility follows the usual regulations: the voter's age is taken on the *last day* of
voting (Kyiv date), so someone who turns 16 during the vote may vote from its first day;
a district category may be chosen only by residents of that district.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from portal.cycles.rules import BallotType, VotesScope
from portal.identity.rules import age_on

KYIV = ZoneInfo("Europe/Kyiv")

#: Age bands kept on a ballot for participation statistics (the birth date is not kept).
AGE_BANDS = ((16, 17), (18, 29), (30, 44), (45, 59), (60, 74), (75, 200))


class Code(StrEnum):
    """Why a ballot is refused; ``portal.voting.messages`` words each one."""

    VOTING_NOT_OPEN = "voting_not_open"
    VOTING_CLOSED = "voting_closed"
    VOTING_SUSPENDED = "voting_suspended"
    NOT_VERIFIED = "not_verified"
    UNDER_AGE = "under_age"
    NOT_RESIDENT = "not_resident"
    EMPTY = "empty"
    UNKNOWN_CATEGORY = "unknown_category"
    UNKNOWN_PROJECT = "unknown_project"
    WRONG_CATEGORY = "wrong_category"
    NOT_ADMITTED = "not_admitted"
    DUPLICATE = "duplicate"
    TOO_MANY = "too_many"
    TOO_MANY_TOTAL = "too_many_total"
    OVER_BUDGET = "over_budget"
    WRONG_DISTRICT = "wrong_district"


@dataclass(frozen=True)
class BallotProblem:
    code: Code
    category_id: int | None = None
    project_id: int | None = None


@dataclass(frozen=True)
class CycleRules:
    """The cycle's voting rules and its effective voting window ``[opens, closes)``."""

    opens: datetime
    closes: datetime
    suspended: bool
    min_age: int
    votes_per_voter: int  # 0: no limit on the number (knapsack ballots)
    votes_scope: VotesScope
    ballot_type: BallotType

    @property
    def last_day(self) -> date:
        """The last Kyiv date on which votes are taken (the window's end is exclusive)."""
        return (self.closes - timedelta(microseconds=1)).astimezone(KYIV).date()


@dataclass(frozen=True)
class CategoryFacts:
    id: int
    budget: int
    district_id: int | None = None


@dataclass(frozen=True)
class ProjectFacts:
    id: int
    category_id: int
    cost: int
    admitted: bool = True


@dataclass(frozen=True)
class VoterFacts:
    verified: bool
    resident: bool
    birth_date: date | None
    district_id: int | None


@dataclass(frozen=True)
class Choice:
    category_id: int
    project_id: int


def window_problems(rules: CycleRules, now: datetime) -> list[BallotProblem]:
    if rules.suspended:
        return [BallotProblem(Code.VOTING_SUSPENDED)]
    if now < rules.opens:
        return [BallotProblem(Code.VOTING_NOT_OPEN)]
    if now >= rules.closes:
        return [BallotProblem(Code.VOTING_CLOSED)]
    return []


def voter_problems(rules: CycleRules, voter: VoterFacts) -> list[BallotProblem]:
    if not voter.verified or voter.birth_date is None:
        return [BallotProblem(Code.NOT_VERIFIED)]
    found = []
    if age_on(voter.birth_date, rules.last_day) < rules.min_age:
        found.append(BallotProblem(Code.UNDER_AGE))
    if not voter.resident:
        found.append(BallotProblem(Code.NOT_RESIDENT))
    return found


def may_choose_in(category: CategoryFacts, voter: VoterFacts) -> bool:
    """A district category is open only to residents of its district."""
    return category.district_id is None or category.district_id == voter.district_id


def check_ballot(
    rules: CycleRules,
    categories: Iterable[CategoryFacts],
    projects: Iterable[ProjectFacts],
    choices: Sequence[Choice],
    voter: VoterFacts,
    now: datetime,
) -> list[BallotProblem]:
    """Every reason the ballot cannot be stored; empty when it can."""
    found = window_problems(rules, now) + voter_problems(rules, voter)
    if found:
        return found
    if not choices:
        return [BallotProblem(Code.EMPTY)]
    by_category = {c.id: c for c in categories}
    by_project = {p.id: p for p in projects}
    seen: Counter[int] = Counter(choice.project_id for choice in choices)
    valid: list[Choice] = []
    for choice in choices:
        category = by_category.get(choice.category_id)
        project = by_project.get(choice.project_id)
        if category is None:
            found.append(BallotProblem(Code.UNKNOWN_CATEGORY, choice.category_id))
        elif project is None:
            found.append(BallotProblem(Code.UNKNOWN_PROJECT, category.id, choice.project_id))
        elif project.category_id != category.id:
            found.append(BallotProblem(Code.WRONG_CATEGORY, category.id, project.id))
        elif not project.admitted:
            found.append(BallotProblem(Code.NOT_ADMITTED, category.id, project.id))
        elif not may_choose_in(category, voter):
            found.append(BallotProblem(Code.WRONG_DISTRICT, category.id, project.id))
        else:
            valid.append(choice)
    for project_id, times in sorted(seen.items()):
        if times > 1:
            found.append(BallotProblem(Code.DUPLICATE, project_id=project_id))
    return found + _limit_problems(rules, by_category, by_project, valid)


def _limit_problems(
    rules: CycleRules, by_category: dict[int, CategoryFacts],
    by_project: dict[int, ProjectFacts], choices: list[Choice],
) -> list[BallotProblem]:
    found = []
    chosen: dict[int, set[int]] = {}
    for choice in choices:
        chosen.setdefault(choice.category_id, set()).add(choice.project_id)
    limit = rules.votes_per_voter
    total = sum(len(ids) for ids in chosen.values())
    if limit and rules.votes_scope is VotesScope.TOTAL and total > limit:
        found.append(BallotProblem(Code.TOO_MANY_TOTAL))
    for category_id in sorted(chosen):
        ids = chosen[category_id]
        if limit and rules.votes_scope is VotesScope.PER_CATEGORY and len(ids) > limit:
            found.append(BallotProblem(Code.TOO_MANY, category_id))
        if rules.ballot_type is BallotType.KNAPSACK:
            spent = sum(by_project[i].cost for i in ids)
            if spent > by_category[category_id].budget:
                found.append(BallotProblem(Code.OVER_BUDGET, category_id))
    return found


@dataclass(frozen=True)
class CategoryTotals:
    """What the ballot page shows per category: chosen, and what is left to choose."""

    category_id: int
    chosen: int
    votes_left: int | None  # None: no limit on the number
    spent: int
    money_left: int | None  # None: approval ballots have no money limit


def totals(
    rules: CycleRules, categories: Iterable[CategoryFacts],
    projects: Iterable[ProjectFacts], choices: Sequence[Choice],
) -> list[CategoryTotals]:
    by_project = {p.id: p for p in projects}
    total_chosen = len({c.project_id for c in choices if c.project_id in by_project})
    result = []
    for category in categories:
        ids = {c.project_id for c in choices
               if c.category_id == category.id and c.project_id in by_project}
        spent = sum(by_project[i].cost for i in ids)
        limit = rules.votes_per_voter
        if not limit:
            left = None
        elif rules.votes_scope is VotesScope.TOTAL:
            left = max(limit - total_chosen, 0)
        else:
            left = max(limit - len(ids), 0)
        money = category.budget - spent if rules.ballot_type is BallotType.KNAPSACK else None
        result.append(CategoryTotals(category.id, len(ids), left, spent, money))
    return result


def band_of_age(age: int) -> str:
    """The band ("18-29", "75+") of an age; younger than the first band is "<16"."""
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}+" if high >= 200 else f"{low}-{high}"
    return f"<{AGE_BANDS[0][0]}"


def age_band(birth_date: date, day: date) -> str:
    """The band of the age on ``day``."""
    return band_of_age(age_on(birth_date, day))
