"""Votes whose results tell something: ``make_shares_vote`` is a closed Equal Shares vote
whose winners differ from "most votes first"; ``cast`` casts online ballots."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from portal.accounts.models import Role
from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.cycles.rules import WinnerRule
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus
from tests.factories.accounts import SECRET, make_user
from tests.factories.projects import make_project
from tests.factories.voting import close_voting, make_voting_cycle

SHARES_TITLES = ("Стадіон біля школи № 3", "Бібліотека в Ступках", "Сквер на Молодіжному")


def cast(db, cycle: Cycle, chosen: Sequence[Project], *, secret: str = SECRET,
         district_id: int | None = None, birth_date: date = date(1990, 1, 1)) -> None:
    """One verified resident casts an online ballot for ``chosen``."""
    from portal.voting import context, services
    from portal.voting.rules import Choice

    voter = make_user(db, verified=True, secret=secret, district_id=district_id,
                      birth_date=birth_date)
    services.cast_ballot(db, sheet=context.sheet_of(db, cycle),
                         voter=context.online_voter(db, voter),
                         choices=[Choice(p.category_id, p.id) for p in chosen],
                         secret=secret, now=utcnow())


def make_shares_vote(db, *, secret: str = SECRET, name: str | None = None):
    """A closed Equal Shares vote of ten ballots on a 1 000 000 грн pot, counted.

    Stadium (600 000 грн): voters 1-6; library (400 000 грн): voters 7-10; square
    (400 000 грн): voters 1-5. Most votes first takes the stadium and the square (5 votes);
    Equal Shares takes the stadium and the library: the square's five supporters spent
    their shares on the stadium.
    """
    from portal.results import tallies

    admin = make_user(db, Role.ADMIN)
    extra = {"name": name} if name else {}
    cycle = make_voting_cycle(db, admin, votes_per_voter=2,
                              winner_rule=WinnerRule.EQUAL_SHARES, **extra)
    author = make_user(db)
    stadium, library, square = (
        make_project(db, cycle, author, status=ProjectStatus.ADMITTED, title=title, cost=cost)
        for title, cost in zip(SHARES_TITLES, (60_000_000, 40_000_000, 40_000_000),
                               strict=True))
    for voter in range(10):
        chosen = [p for p, voters in ((stadium, range(6)), (library, range(6, 10)),
                                      (square, range(5))) if voter in voters]
        cast(db, cycle, chosen, secret=secret)
    close_voting(db, cycle)
    tally = tallies.compute_tally(db, cycle=cycle, actor=None, now=utcnow())
    return cycle, (stadium, library, square), tally
