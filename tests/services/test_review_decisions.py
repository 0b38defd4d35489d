"""The commission's decisions: validity, the projects' statuses, append-only, complaints."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from portal.accounts.models import Role
from portal.clock import utcnow
from portal.cycles.rules import Phase
from portal.projects.models import ProjectEvent
from portal.projects.rules import ProjectStatus
from portal.refusal import Refused
from portal.review import decisions
from portal.review.decisions import record_decision
from portal.review.models import Decision, DecisionChangeRefused
from portal.review.rules import DecisionKind, RejectionReason
from tests.factories import accounts
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project
from tests.factories.review import MEETING_DAY, held_meeting, seat_commission

K = DecisionKind
# The case below is built once; each test decides in a savepoint rolled back after it.
pytestmark = [pytest.mark.module_transaction, pytest.mark.usefixtures("app_ctx")]


@pytest.fixture(scope="module")
def case(module_db):
    """A nine-seat commission, an author's project, and a meeting with six present."""
    db = module_db
    member = accounts.make_user(db, Role.COMMISSION)
    author = accounts.make_user(db, name="Оксана Авторка")
    admin = accounts.make_user(db, Role.ADMIN)
    cycle = make_cycle(db, admin, phase=Phase.REVIEW, complaint_days=5)
    seat_commission(db, cycle, member)
    project = make_project(db, cycle, author, status=ProjectStatus.SUBMITTED)
    meeting = held_meeting(db, cycle, member, present=6, projects=[project])
    return member, author, cycle, project, meeting


def decide(db, member, meeting, project, kind, votes=(6, 0, 0), **fields):
    return record_decision(db, actor=member, meeting=meeting, project=project, kind=kind,
                           votes_for=votes[0], votes_against=votes[1], abstained=votes[2],
                           now=utcnow(), **fields)


def test_an_admission_moves_the_project_and_is_public_with_the_vote(db, case):
    member, author, _cycle, project, meeting = case
    recorded = decide(db, member, meeting, project, K.ADMIT, votes=(5, 1, 0))
    assert project.status is ProjectStatus.ADMITTED
    entry = db.execute(select(ProjectEvent).where(
        ProjectEvent.project_id == project.id, ProjectEvent.kind == "admit")).scalar_one()
    assert entry.public and entry.to_status is ProjectStatus.ADMITTED
    assert json.loads(entry.details)["decision"] == recorded.decision.id
    assert [n.user for n in recorded.notices] == [author]


def test_a_decision_without_majority_of_those_present_changes_nothing(db, case):
    member, _author, _cycle, project, meeting = case
    with pytest.raises(Refused) as refused:
        decide(db, member, meeting, project, K.ADMIT, votes=(3, 0, 3))
    assert refused.value.codes == ["no_majority"]
    assert refused.value.field == "votes_for"
    assert project.status is ProjectStatus.UNDER_REVIEW
    assert decisions.project_decisions(db, project) == []


def test_more_votes_than_members_present_are_refused(db, case):
    member, _author, _cycle, project, meeting = case
    with pytest.raises(Refused) as refused:
        decide(db, member, meeting, project, K.ADMIT, votes=(6, 1, 0))
    assert refused.value.codes == ["votes_exceed_present"]


def test_a_rejection_records_its_ground_and_words(db, case):
    member, _author, _cycle, project, meeting = case
    with pytest.raises(Refused) as refused:
        decide(db, member, meeting, project, K.REJECT)
    assert refused.value.codes == ["reason_required", "reason_text_required"]
    decide(db, member, meeting, project, K.REJECT, reason=RejectionReason.LAND_NOT_OWNED,
           reason_text="Ділянка належить підприємству.")
    assert project.status is ProjectStatus.REJECTED
    entry = db.execute(select(ProjectEvent).where(ProjectEvent.kind == "reject",
                                                  ProjectEvent.project_id == project.id)
                       ).scalar_one()
    assert entry.text == "Ділянка належить підприємству."


def test_the_revision_loop_returns_with_a_deadline_and_decides_again(db, case):
    member, _author, cycle, project, meeting = case
    deadline = MEETING_DAY + timedelta(days=10)
    decide(db, member, meeting, project, K.RETURN_FOR_REVISION,
           reason_text="Додайте фото ділянки.", revision_deadline=deadline)
    assert project.status is ProjectStatus.RETURNED_FOR_REVISION
    assert decisions.revision_ends_at(deadline) == project.revision_deadline
    # The author resubmits (the projects part's service does this); the commission decides.
    project.status = ProjectStatus.UNDER_REVIEW
    second = held_meeting(db, cycle, member, projects=[project],
                          held_on=MEETING_DAY + timedelta(days=14))
    decide(db, member, second, project, K.ADMIT)
    assert project.status is ProjectStatus.ADMITTED
    assert [d.kind for d in decisions.project_decisions(db, project)] == [
        K.RETURN_FOR_REVISION, K.ADMIT]


def test_a_revision_window_ends_at_kyiv_midnight_after_the_deadline_day():
    # Summer time is three hours ahead of UTC, winter time two.
    assert decisions.revision_ends_at(date(2019, 5, 20)) == datetime(2019, 5, 20, 21, tzinfo=UTC)
    assert decisions.revision_ends_at(date(2019, 12, 20)) == datetime(2019, 12, 20, 22,
                                                                       tzinfo=UTC)


def test_a_decision_needs_the_project_on_the_agenda_and_an_open_meeting(db, case, make_user):
    member, author, cycle, project, meeting = case
    other = make_project(db, cycle, author, status=ProjectStatus.SUBMITTED)
    with pytest.raises(Refused) as refused:
        decide(db, member, meeting, other, K.ADMIT)
    assert refused.value.codes == ["project_not_on_agenda"]
    from portal.review.services import close_meeting

    close_meeting(db, actor=member, meeting=meeting, now=utcnow())
    with pytest.raises(Refused) as refused:
        decide(db, member, meeting, project, K.ADMIT)
    assert refused.value.codes == ["meeting_not_held"]


def test_the_state_machine_refuses_what_the_status_does_not_allow(db, case):
    member, _author, _cycle, project, meeting = case
    decide(db, member, meeting, project, K.ADMIT)
    with pytest.raises(Refused) as refused:
        decide(db, member, meeting, project, K.RETURN_FOR_REVISION, reason_text="Ні",
               revision_deadline=MEETING_DAY + timedelta(days=3))
    assert refused.value.codes == ["transition_refused"]
    assert len(decisions.project_decisions(db, project)) == 1


def test_decisions_are_append_only(db, case):
    member, _author, _cycle, project, meeting = case
    decision = decide(db, member, meeting, project, K.ADMIT).decision
    decision.votes_for = 1
    with pytest.raises(DecisionChangeRefused):
        db.flush()
    db.rollback()


def test_a_decision_cannot_be_deleted_through_the_session(db, case):
    member, _author, _cycle, project, meeting = case
    decision = decide(db, member, meeting, project, K.ADMIT).decision
    db.delete(decision)
    with pytest.raises(DecisionChangeRefused):
        db.flush()
    db.rollback()


def test_the_decision_table_refuses_impossible_rows(db, case):
    from sqlalchemy.exc import IntegrityError

    member, _author, _cycle, project, meeting = case
    decision = decide(db, member, meeting, project, K.ADMIT).decision
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(update(Decision).where(Decision.id == decision.id).values(votes_for=-1))
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(update(Decision).where(Decision.id == decision.id).values(project_id=None))
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(update(Decision).where(Decision.id == decision.id).values(kind="reject"))


def test_a_correction_is_a_new_decision_that_names_the_corrected_one(db, case):
    member, _author, _cycle, project, meeting = case
    first = decide(db, member, meeting, project, K.REJECT, votes=(4, 1, 1),
                   reason=RejectionReason.DUPLICATE, reason_text="Дублює проєкт 2020-003.")
    fixed = decide(db, member, meeting, project, K.REJECT, votes=(5, 1, 0),
                   reason=RejectionReason.DUPLICATE, reason_text="Дублює проєкт 2020-004.",
                   supersedes=first.decision)
    assert project.status is ProjectStatus.REJECTED
    assert decisions.decision_in_force(db, project) is fixed.decision
    assert decisions.correction_of(db, first.decision) is fixed.decision
    assert first.decision.reason_text == "Дублює проєкт 2020-003."
    with pytest.raises(Refused) as refused:
        decide(db, member, meeting, project, K.REJECT, reason=RejectionReason.DUPLICATE,
               reason_text="Знову.", supersedes=first.decision)
    assert refused.value.codes == ["already_superseded"]


def test_a_correction_concerns_the_same_project(db, case):
    member, author, cycle, project, meeting = case
    first = decide(db, member, meeting, project, K.ADMIT).decision
    other = make_project(db, cycle, author, status=ProjectStatus.SUBMITTED)
    from portal.review.services import add_to_agenda

    add_to_agenda(db, actor=member, meeting=meeting, project=other, now=utcnow())
    with pytest.raises(Refused) as refused:
        decide(db, member, meeting, other, K.ADMIT, supersedes=first)
    assert refused.value.codes == ["supersedes_other_subject"]


def reject(db, member, meeting, project):
    return decide(db, member, meeting, project, K.REJECT, reason=RejectionReason.UPKEEP_ONLY,
                  reason_text="Лише поточний ремонт.").decision


def test_an_author_contests_a_rejection_within_the_cycles_period(db, case):
    member, author, _cycle, project, meeting = case
    reject(db, member, meeting, project)
    window = decisions.complaint_window(db, project, MEETING_DAY)
    assert window.open and window.deadline == MEETING_DAY + timedelta(days=5)
    complaint = decisions.file_complaint(db, actor=author, project=project,
                                         text="Це не ремонт, а нове облаштування.",
                                         today=MEETING_DAY + timedelta(days=5), now=utcnow())
    assert decisions.open_complaint(db, project) is complaint
    with pytest.raises(Refused) as refused:
        decisions.file_complaint(db, actor=author, project=project, text="Ще раз.",
                                 today=MEETING_DAY + timedelta(days=5), now=utcnow())
    assert refused.value.codes == ["complaint_pending"]


def test_a_late_complaint_or_one_by_someone_else_is_refused(db, case, make_user):
    member, author, _cycle, project, meeting = case
    reject(db, member, meeting, project)
    with pytest.raises(Refused) as refused:
        decisions.file_complaint(db, actor=author, project=project, text="Пізно.",
                                 today=MEETING_DAY + timedelta(days=6), now=utcnow())
    assert refused.value.codes == ["complaint_closed"]
    with pytest.raises(Refused) as refused:
        decisions.file_complaint(db, actor=make_user(), project=project, text="Я не автор.",
                                 today=MEETING_DAY, now=utcnow())
    assert refused.value.codes == ["not_author"]


def test_a_project_that_is_not_rejected_cannot_be_contested(db, case):
    _member, author, _cycle, project, _meeting = case
    with pytest.raises(Refused) as refused:
        decisions.file_complaint(db, actor=author, project=project, text="Чому?",
                                 today=MEETING_DAY, now=utcnow())
    assert refused.value.codes == ["not_rejected"]


def test_an_upheld_complaint_admits_the_project_and_closes_the_complaint(db, case):
    member, author, cycle, project, meeting = case
    reject(db, member, meeting, project)
    complaint = decisions.file_complaint(db, actor=author, project=project, text="Помилка.",
                                         today=MEETING_DAY, now=utcnow())
    later = held_meeting(db, cycle, member, projects=[project],
                         held_on=MEETING_DAY + timedelta(days=7))
    ruling = decide(db, member, later, project, K.COMPLAINT_UPHELD).decision
    assert project.status is ProjectStatus.ADMITTED
    assert complaint.ruling_id == ruling.id
    assert decisions.open_complaint(db, project) is None


def test_an_upheld_complaint_may_send_the_project_back_under_review(db, case):
    member, author, cycle, project, meeting = case
    reject(db, member, meeting, project)
    decisions.file_complaint(db, actor=author, project=project, text="Помилка.",
                             today=MEETING_DAY, now=utcnow())
    decide(db, member, meeting, project, K.COMPLAINT_UPHELD, readmit=False)
    assert project.status is ProjectStatus.UNDER_REVIEW


def test_a_dismissed_complaint_keeps_the_rejection_and_is_contested_once(db, case):
    member, author, _cycle, project, meeting = case
    reject(db, member, meeting, project)
    with pytest.raises(Refused) as refused:
        decide(db, member, meeting, project, K.COMPLAINT_DISMISSED, reason_text="Без підстав.")
    assert refused.value.codes == ["no_open_complaint"]
    decisions.file_complaint(db, actor=author, project=project, text="Помилка.",
                             today=MEETING_DAY, now=utcnow())
    decide(db, member, meeting, project, K.COMPLAINT_DISMISSED, reason_text="Без підстав.")
    assert project.status is ProjectStatus.REJECTED
    entry = db.execute(select(ProjectEvent).where(
        ProjectEvent.kind == "complaint_dismissed")).scalar_one()
    assert entry.text == "Без підстав." and entry.public
    with pytest.raises(Refused) as refused:
        decisions.file_complaint(db, actor=author, project=project, text="Ще раз.",
                                 today=MEETING_DAY, now=utcnow())
    assert refused.value.codes == ["complaint_already_filed"]


def test_cycle_decisions_carry_their_payload_and_follow_corrections(db, case):
    member, _author, cycle, _project, meeting = case
    seed = decisions.record_cycle_decision(
        db, actor=member, meeting=meeting, kind=K.LOTTERY_SEED, votes_for=6, votes_against=0,
        abstained=0, payload={"seed": "7c1f", "tally": 3}, now=utcnow())
    assert seed.data == {"seed": "7c1f", "tally": 3}
    fixed = decisions.record_cycle_decision(
        db, actor=member, meeting=meeting, kind=K.LOTTERY_SEED, votes_for=6, votes_against=0,
        abstained=0, payload={"seed": "9a2b", "tally": 3}, supersedes=seed, now=utcnow())
    assert decisions.cycle_decisions_in_force(db, cycle, K.LOTTERY_SEED) == [fixed]
    with pytest.raises(Refused) as refused:
        decisions.record_cycle_decision(
            db, actor=member, meeting=meeting, kind=K.ADMIT, votes_for=6, votes_against=0,
            abstained=0, payload={}, now=utcnow())
    assert refused.value.codes == ["not_a_cycle_decision"]
    with pytest.raises(Refused) as refused:
        decisions.record_cycle_decision(
            db, actor=member, meeting=meeting, kind=K.APPROVE_RESULTS, votes_for=3,
            votes_against=3, abstained=0, payload={"tally": 3}, now=utcnow())
    assert refused.value.codes == ["no_majority"]
