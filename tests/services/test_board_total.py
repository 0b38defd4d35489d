"""The bulletin board's count of a closed vote's ballots: counted once per process, never
stale. The key is the cycle and the moment its vote closed, so a vote reopened (an
extension) and closed again is counted anew; while a vote is open every count is fresh."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from portal.clock import utcnow
from portal.voting import board, context, services
from portal.voting.rules import Choice
from tests.factories.accounts import SECRET, make_user
from tests.factories.voting import close_voting, make_vote


def statements(db, work) -> tuple[object, int]:
    """What ``work()`` returns, and how many SQL statements it sent."""
    sent = []
    engine = db.get_bind().engine

    def grab(*_args, **_kwargs) -> None:
        sent.append(1)

    event.listen(engine, "before_cursor_execute", grab)
    try:
        return work(), len(sent)
    finally:
        event.remove(engine, "before_cursor_execute", grab)


def cast(db, cycle, project) -> None:
    services.cast_ballot(db, sheet=context.sheet_of(db, cycle),
                         voter=context.online_voter(db, make_user(db, verified=True)),
                         choices=[Choice(project.category_id, project.id)],
                         secret=SECRET, now=utcnow())


def reopen(db, cycle) -> None:
    cycle.voting_end = utcnow() + timedelta(days=1)
    cycle.results_date = cycle.voting_end + timedelta(days=10)
    db.flush()


def test_a_closed_votes_total_is_counted_once_its_pages_every_time(db):
    cycle, _projects, _commission, _meeting, _voters = make_vote(db)
    assert statements(db, lambda: board.total(db, cycle)) == (5, 1)
    assert statements(db, lambda: board.total(db, cycle)) == (5, 0)
    listing, sent = statements(db, lambda: board.page_of(db, cycle, page=1))
    # The ballots, their choices, the cycle's projects with their categories.
    assert (listing.total, len(listing.entries), sent) == (5, 5, 3)
    assert sorted(e.receipt_hash for e in listing.entries) == [
        e.receipt_hash for e in listing.entries]


def test_while_the_vote_is_open_each_count_is_fresh(db):
    cycle, projects, _commission, _meeting, _voters = make_vote(db)
    reopen(db, cycle)
    assert board.total(db, cycle) == 5
    cast(db, cycle, projects[0])
    assert board.total(db, cycle) == 6


def test_a_vote_reopened_and_closed_again_is_counted_anew(db):
    cycle, projects, _commission, _meeting, _voters = make_vote(db)
    assert board.total(db, cycle) == 5  # remembered for the first close
    reopen(db, cycle)
    cast(db, cycle, projects[1])
    close_voting(db, cycle)
    assert board.total(db, cycle) == 6
    assert board.page_of(db, cycle, page=1).total == 6


def test_an_entry_found_by_its_receipt_lists_its_choices(db):
    cycle, (a, b, _c), _commission, _meeting, voters = make_vote(db)
    own = services.own_ballot(db, cycle=cycle, user=voters[1])
    entry = board.entry_of(db, own)
    assert entry.receipt_hash == own.receipt_hash and not entry.annulled
    assert entry.choices == (("Загальноміські", tuple(sorted(
        cycle.registration_code(p.number) for p in (a, b)))),)
