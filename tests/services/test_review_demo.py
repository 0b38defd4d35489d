"""The demo review of "Бюджет участі-2019" records the decisions the projects' history shows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import select

from portal.accounts.models import Role
from portal.clock import KYIV, utcnow
from portal.cycles.rules import Phase
from portal.demo.accounts import load_accounts
from portal.demo.review import DEMO_CYCLE, ground_of, load_review
from portal.projects import services as project_services
from portal.projects.rules import ON_BALLOT, Event, ProjectStatus
from portal.review import decisions, services
from portal.review.models import Complaint, Decision
from portal.review.rules import DecisionKind, RejectionReason, decision_valid, quorum_met
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project

S = ProjectStatus
DAYS = [date(2019, 3, 12), date(2019, 3, 26), date(2019, 4, 9), date(2019, 4, 23)]
REASONS = ["Вартість значно перевищує максимальну для категорії.",
           "Вже передбачене програмою благоустрою.",
           "Доріжка належить до балансу поліклініки.",
           "Автори не надали доопрацювання."]


def at(day: date) -> datetime:
    return datetime.combine(day, time(15), KYIV).astimezone(UTC)


def finished_cycle(db, make_user):
    """A stand-in for the cycles part's demo: 34 projects of 29 authors played through the
    projects' services with the dates of 2019: 29 admitted (one after a revision), four
    rejected, one withdrawn."""
    load_accounts(db, secret="demo-test", now=utcnow())
    commission = make_user()
    cycle = make_cycle(db, make_user(Role.ADMIN), phase=Phase.REVIEW, name=DEMO_CYCLE)
    authors = [make_user() for _ in range(29)]
    projects = [make_project(db, cycle, authors[i % 29], status=S.SUBMITTED,
                             title=f"Проєкт {i + 1}")
                for i in range(34)]
    for n, project in enumerate(projects):
        day = DAYS[n % 4]
        if n == 33:
            project_services.change_status(db, project=project, event=Event.WITHDRAW,
                                           actor=project.author, now=at(DAYS[0]))
            continue
        project_services.start_review(db, project=project, actor=commission, now=at(DAYS[0]))
        if n == 5:
            project_services.change_status(
                db, project=project, event=Event.RETURN_FOR_REVISION, actor=commission,
                now=at(DAYS[0]), text="Уточніть кошторис.",
                revision_deadline=datetime.combine(date(2019, 4, 2), time(0), KYIV))
            project_services.change_status(db, project=project, event=Event.RESUBMIT,
                                           actor=project.author, now=at(date(2019, 3, 30)))
            day = DAYS[2]
        if n in (2, 7, 12, 17):
            project_services.change_status(db, project=project, event=Event.REJECT,
                                           actor=commission, now=at(day),
                                           text=REASONS[(n - 2) // 5])
        else:
            project_services.change_status(db, project=project, event=Event.ADMIT,
                                           actor=commission, now=at(day), text="Відповідає.")
    return cycle, projects


def test_the_demo_review_records_every_decision_of_the_history(db, app_ctx, make_user):
    cycle, projects = finished_cycle(db, make_user)
    added = load_review(db)
    assert added == 33 + 1 + 1  # a decision per project, the revision, the complaint ruling
    assert load_review(db) == 0
    meetings = services.meetings_of(db, cycle, public_only=True)
    assert [m.number for m in meetings] == [1, 2, 3, 4, 5, 6]
    assert [m.held_on for m in meetings[1:5]] == DAYS
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
        last = [d for d in found if not d.kind.rules_on_complaint][-1]
        assert last.kind is (DecisionKind.ADMIT if project.status in ON_BALLOT
                             else DecisionKind.REJECT)
    returned = db.execute(select(Decision).where(
        Decision.kind == DecisionKind.RETURN_FOR_REVISION)).scalar_one()
    assert returned.revision_deadline == date(2019, 4, 1)
    complaint = db.execute(select(Complaint)).scalar_one()
    assert complaint.rejection.meeting.held_on == DAYS[0]  # the first rejection
    assert complaint.ruling.kind is DecisionKind.COMPLAINT_DISMISSED
    assert complaint.ruling.meeting.held_on == DAYS[1]


def test_a_rejections_words_name_the_ground_of_the_regulations():
    assert ground_of(REASONS[0]) is RejectionReason.OVER_COST_LIMIT
    assert ground_of(REASONS[1]) is RejectionReason.DUPLICATE
    assert ground_of(REASONS[2]) is RejectionReason.LAND_NOT_OWNED
    assert ground_of(REASONS[3]) is RejectionReason.OTHER


def test_without_the_demo_cycle_nothing_is_added(db, app_ctx):
    assert load_review(db) == 0
