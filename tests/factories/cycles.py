"""Cycles: ``make_cycle`` places the calendar around the real clock so that the phase asked
for is the current one, and creates the cycle and its categories through the cycles
services (checked and audited like an administrator's)."""

from __future__ import annotations

from datetime import timedelta

from portal.clock import utcnow
from portal.cycles import services as cycles
from portal.cycles.models import Cycle
from portal.cycles.rules import CategoryKind, Phase

DAY = timedelta(days=1)

#: Days from now to the start of submission, so that ``phase`` is current.
OFFSETS = {
    Phase.UPCOMING: 10,
    Phase.SUBMISSION: -5,
    Phase.SUPPORT: -25,
    Phase.REVIEW: -45,
    Phase.VOTING: -90,
    Phase.RESULTS: -120,
}


def category(name: str, budget: int, min_cost: int, max_cost: int, *, position: int,
             district_id: int | None = None) -> cycles.CategoryData:
    """A citywide category, or a district's when ``district_id`` is given."""
    kind = CategoryKind.CITYWIDE if district_id is None else CategoryKind.DISTRICT
    return cycles.CategoryData(name=name, description="", kind=kind, district_id=district_id,
                               budget=budget, min_cost=min_cost, max_cost=max_cost,
                               position=position)


#: Small projects (50 000–300 000 грн, 1 млн) and large ones (300 000–1 500 000 грн, 3 млн).
SMALL_AND_LARGE = (
    category("Малі проєкти", 1_000_000_00, 50_000_00, 300_000_00, position=1),
    category("Великі проєкти", 3_000_000_00, 300_000_00, 1_500_000_00, position=2),
)


def cycle_data(*, phase: Phase = Phase.SUBMISSION, support: bool = False,
               **fields) -> cycles.CycleData:
    """What an administrator would enter for a cycle now in ``phase`` (100 млн грн);
    ``fields`` set any other value of ``CycleData`` (name, a date, a rule)."""
    start = utcnow() + OFFSETS[phase] * DAY
    submission_end = start + 20 * DAY
    support_start, support_end = (submission_end, submission_end + 10 * DAY) if support else \
        (None, None)
    review_start = submission_end + 20 * DAY
    review_end = review_start + 30 * DAY
    voting_start = review_end + 10 * DAY
    voting_end = voting_start + 14 * DAY
    budget_year = (voting_end + 200 * DAY).year
    values = dict(
        name=f"Бюджет участі-{budget_year} ({phase.value}, {start.timestamp()})",
        budget_year=budget_year, total_budget=100_000_000_00, description="",
        submission_start=start, submission_end=submission_end,
        support_start=support_start, support_end=support_end,
        review_start=review_start, review_end=review_end,
        voting_start=voting_start, voting_end=voting_end, results_date=voting_end + 7 * DAY,
    )
    return cycles.CycleData(**{**values, **fields})


def make_cycle(db, admin, *, phase: Phase = Phase.SUBMISSION, support: bool = False,
               categories: tuple[cycles.CategoryData, ...] = SMALL_AND_LARGE,
               **fields) -> Cycle:
    """A cycle created by ``admin``, now in ``phase``, with ``categories`` (small and large
    projects by default); ``fields`` as for ``cycle_data``."""
    data = cycle_data(phase=phase, support=support, **fields)
    cycle = cycles.create_cycle(db, data=data, actor=admin, now=utcnow())
    for pot in categories:
        cycles.add_category(db, cycle=cycle, data=pot, actor=admin, now=utcnow())
    db.flush()
    return cycle
