"""The demo review of "Бюджет участі-2019" agrees with the projects' final statuses."""

from __future__ import annotations

from sqlalchemy import select

from portal.clock import utcnow
from portal.demo.accounts import load_accounts
from portal.demo.review import DEMO_CYCLE, load_review
from portal.projects.rules import ON_BALLOT, ProjectStatus
from portal.review import decisions, services
from portal.review.models import Complaint, Decision
from portal.review.rules import DecisionKind, decision_valid, quorum_met
from tests.review_factories import make_cycle, make_project

S = ProjectStatus


def finished_cycle(db, make_user):
    """A stand-in for the cycles part's demo: 34 projects of 29 authors, in final statuses."""
    load_accounts(db, secret="demo-test", now=utcnow())
    cycle = make_cycle(db, name=DEMO_CYCLE)
    authors = [make_user() for _ in range(29)]
    statuses = [S.WINNER] * 14 + [S.NOT_SELECTED] * 13 + [S.REJECTED] * 6 + [S.WITHDRAWN]
    return cycle, [make_project(db, cycle, authors[i % 29], status=status,
                                title=f"Проєкт {i + 1}")
                   for i, status in enumerate(statuses)]


def test_the_demo_review_matches_every_final_status_and_is_idempotent(db, app_ctx, make_user):
    cycle, projects = finished_cycle(db, make_user)
    added = load_review(db)
    assert added == 33 + 2 + 1  # one decision each, two revisions admitted later, a ruling
    assert load_review(db) == 0
    meetings = services.meetings_of(db, cycle, public_only=True)
    assert [m.number for m in meetings] == [1, 2, 3, 4, 5, 6]
    assert len(services.seats_of(db, cycle)) == 9
    for meeting in meetings:
        assert quorum_met(meeting.present, meeting.seats)
        for decision in meeting.decisions:
            assert decision_valid(decision.votes_for, decision.votes_against,
                                  decision.abstained, meeting.present, meeting.seats) == []
    for project in projects:
        found = decisions.project_decisions(db, project)
        if project.status is S.WITHDRAWN:
            assert found == []
            continue
        assert services.latest_expertise(db, project) is not None
        status_decisions = [d for d in found if not d.kind.rules_on_complaint]
        last = status_decisions[-1].kind
        assert last is (DecisionKind.ADMIT if project.status in ON_BALLOT
                        else DecisionKind.REJECT)
    returns = db.execute(select(Decision).where(
        Decision.kind == DecisionKind.RETURN_FOR_REVISION)).scalars().all()
    assert len(returns) == 2
    for decision in returns:
        assert decision.meeting.held_on < decision.revision_deadline < meetings[4].held_on
    complaint = db.execute(select(Complaint)).scalar_one()
    assert complaint.ruling.kind is DecisionKind.COMPLAINT_DISMISSED


def test_without_the_demo_cycle_nothing_is_added(db, app_ctx):
    assert load_review(db) == 0
