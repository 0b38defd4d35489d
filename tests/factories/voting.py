"""The vote: ``make_voting_cycle`` is ``make_cycle`` with voting open now (or closed an hour
ago) and the voting tests' pots; ``close_voting`` moves a calendar past the vote;
``make_vote`` is a closed vote with ballots and a commission ready to count."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from portal.accounts.models import Role
from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.projects.rules import ProjectStatus
from tests.factories.accounts import SECRET, make_user
from tests.factories.cycles import category, make_cycle
from tests.factories.projects import make_project
from tests.factories.review import held_meeting, seat_commission

_names = count(1)


def make_voting_cycle(db, admin, *, open_now: bool = True, votes_per_voter: int = 2,
                      district_id: int | None = None, min_age: int = 16, **fields) -> Cycle:
    """A cycle with a citywide pot (1 000 000 грн) and, given a district, a district one
    (500 000 грн), of budget year 2027.

    Voting opened a day ago and closes in a week (``open_now``), or closed an hour ago.
    """
    now = utcnow()
    voting_end = now + timedelta(days=7) if open_now else now - timedelta(hours=1)
    voting_start = voting_end - timedelta(days=8)
    pots = [category("Загальноміські", 100_000_000, 0, 100_000_000, position=1)]
    if district_id is not None:
        pots.append(category("Районні", 50_000_000, 0, 50_000_000, position=2,
                             district_id=district_id))
    return make_cycle(db, admin, categories=tuple(pots), **{
        "name": f"Бюджет участі-голосування-{next(_names)}-{now.timestamp()}",
        "budget_year": 2027, "total_budget": 150_000_000,
        "submission_start": voting_start - timedelta(days=90),
        "submission_end": voting_start - timedelta(days=60),
        "review_start": voting_start - timedelta(days=59), "review_end": voting_start,
        "voting_start": voting_start, "voting_end": voting_end,
        "results_date": voting_end + timedelta(days=10), "votes_per_voter": votes_per_voter,
        "min_age_vote": min_age, **fields})


def close_voting(db, cycle: Cycle) -> None:
    """Move the whole calendar so that voting ended an hour ago."""
    shift = cycle.voting_end - (utcnow() - timedelta(hours=1))
    for name in ("submission_start", "submission_end", "review_start", "review_end",
                 "voting_start", "voting_end", "results_date"):
        setattr(cycle, name, getattr(cycle, name) - shift)
    db.flush()


def make_vote(db):
    """A closed vote: projects costing 600 000, 500 000 and 400 000 грн of a 1 000 000 грн
    pot, five ballots (3, 3 and 2 votes), and a held meeting of a five-seat commission."""
    from portal.voting import context, services
    from portal.voting.rules import Choice

    author = make_user(db)
    cycle = make_voting_cycle(db, make_user(db, Role.ADMIN), votes_per_voter=2)
    a, b, c = (make_project(db, cycle, author, status=ProjectStatus.ADMITTED, cost=cost)
               for cost in (60_000_000, 50_000_000, 40_000_000))
    cast = [(a,), (a, b), (b, c), (a, c), (b,)]  # votes: a 3, b 3, c 2
    voters = []
    for chosen in cast:
        voter = make_user(db, verified=True)
        voters.append(voter)
        services.cast_ballot(db, sheet=context.sheet_of(db, cycle),
                             voter=context.online_voter(db, voter),
                             choices=[Choice(p.category_id, p.id) for p in chosen],
                             secret=SECRET, now=utcnow())
    close_voting(db, cycle)
    commission = make_user(db, Role.COMMISSION)
    seat_commission(db, cycle, commission, size=5)
    meeting = held_meeting(db, cycle, commission, present=3, held_on=date.today())
    return cycle, (a, b, c), commission, meeting, voters
