"""Every approved winner is followed from the approval on: funded or not, it is "planned"
until staff record more, and status, progress and money are checked against each other."""

from __future__ import annotations

from datetime import date

import pytest

from config import TESTING_AUDIT_KEY
from portal.audit.signing import private_key
from portal.clock import utcnow
from portal.implementation import services
from portal.implementation.rules import Contradiction, ImplementationStatus
from portal.programs import funding
from portal.programs.winners import link_cycle
from portal.refusal import Refused
from portal.results import tallies
from tests.factories.programs import make_program
from tests.factories.voting import make_vote

KEY = private_key(TESTING_AUDIT_KEY)

# The vote is built once; each test approves it in a savepoint rolled back after it.
pytestmark = pytest.mark.module_transaction


@pytest.fixture(scope="module")
def vote(module_db):
    return make_vote(module_db)


def approve(db, vote):
    cycle, _projects, commission, meeting, _voters = vote
    tally = tallies.compute_tally(db, cycle=cycle, actor=commission, now=utcnow())
    tallies.approve_tally(db, tally=tally, meeting=meeting, votes=(3, 0, 0), actor=commission,
                          audit_key=KEY, now=utcnow())


def test_winners_of_an_unlinked_cycle_are_planned_from_the_approval(db, vote):
    cycle, (a, b, c), *_ = vote
    assert services.winners_progress(db) == []
    approve(db, vote)
    rows = services.winners_progress(db)
    assert [row.project for row in rows] == [a, c]  # b was not selected
    assert [(row.status, row.progress, row.line, row.year) for row in rows] == [
        (ImplementationStatus.PLANNED, 0, None, cycle.budget_year)] * 2
    assert services.winner_progress(db, a.id).project is a
    assert services.winner_progress(db, b.id) is None


def test_winners_of_a_linked_cycle_get_their_line_and_record_at_the_approval(db, vote):
    cycle, (a, _b, c), *_ = vote
    _program, measures = make_program(db, start=cycle.budget_year - 1, end=cycle.budget_year)
    link_cycle(db, actor=None, cycle=cycle, measure=measures["1.2"], now=utcnow())
    approve(db, vote)
    rows = services.winners_progress(db)
    assert [row.project for row in rows] == [a, c]
    assert [(row.line.planned, row.record.status) for row in rows] == [
        (a.total_cost, ImplementationStatus.PLANNED), (c.total_cost, ImplementationStatus.PLANNED)]


def test_a_line_of_a_draft_program_is_kept_from_the_public_but_the_winner_is_not(db, vote):
    cycle, (a, _b, _c), *_ = vote
    _program, measures = make_program(db, code="draft", published=False,
                                      start=cycle.budget_year, end=cycle.budget_year)
    link_cycle(db, actor=None, cycle=cycle, measure=measures["1.2"], now=utcnow())
    approve(db, vote)
    public = services.winner_progress(db, a.id)
    assert public.line is None and public.status is ImplementationStatus.PLANNED
    assert services.winner_progress(db, a.id, show_drafts=True).line is a.funding_line


def test_a_line_paid_in_full_is_flagged_and_cannot_be_set_back_to_planned(db, vote):
    cycle, (a, _b, _c), *_ = vote
    _program, measures = make_program(db, start=cycle.budget_year, end=cycle.budget_year)
    link_cycle(db, actor=None, cycle=cycle, measure=measures["1.2"], now=utcnow())
    approve(db, vote)
    line = a.funding_line
    funding.record_payment(db, actor=None, line=line, paid_on=date(line.year, 3, 1),
                           amount=line.planned, document="п/д 7", now=utcnow())
    assert services.line_contradictions(line) == [Contradiction.PAID_WHILE_PLANNED]
    with pytest.raises(Refused) as refused:
        services.set_status(db, actor=None, line=line, status=ImplementationStatus.IN_PROGRESS,
                            progress=0, reason="", tender_number="", now=utcnow())
    assert refused.value.code == "paid_in_full_no_progress"
    services.set_status(db, actor=None, line=line, status=ImplementationStatus.IMPLEMENTED,
                        progress=100, reason="", tender_number="", now=utcnow())
    assert services.line_contradictions(line) == []
