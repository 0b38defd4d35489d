"""Project services: drafting, the estimate, submission with numbers, revision, withdrawal,
support and co-authors; every status change through the state machine."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.clock import utcnow
from portal.cycles.rules import Phase
from portal.projects import participation, services
from portal.projects.models import Project, ProjectEvent, Support
from portal.projects.queries import cycle_counters
from portal.projects.rules import Event, ProjectStatus
from portal.refusal import Refused
from tests.factories import accounts
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project

TEXT = services.ProjectText(
    title="Велопарковки біля шкіл", summary="Двадцять велопарковок.", problem="Немає де "
    "залишити велосипед.", solution="Встановити парковки.", beneficiaries="Учні шкіл.",
    address="вул. Незалежності, 5", latitude=Decimal("48.594"), longitude=Decimal("37.999"),
    district_id=None)
LINES = [
    services.CostLine("Велопарковка на 5 місць", Decimal("20"), "шт.", 4_500_00),
    services.CostLine("Монтаж", Decimal("20"), "послуга", 800_00),
    services.CostLine("Доставка", Decimal("1"), "послуга", 2_500_50),
]


# The admin, the cycle and the author are made once; each test runs in a savepoint.
pytestmark = [pytest.mark.module_transaction, pytest.mark.usefixtures("app_ctx")]


@pytest.fixture(scope="module")
def admin(module_db):
    return accounts.make_user(module_db, Role.ADMIN)


@pytest.fixture(scope="module")
def cycle(module_db, admin):
    return make_cycle(module_db, admin)


@pytest.fixture(scope="module")
def author(module_db):
    return accounts.make_user(module_db, verified=True)


def draft(db, cycle, author, lines=LINES, category=0):
    return services.create_draft(db, cycle=cycle, category_id=cycle.categories[category].id,
                                 text=TEXT, lines=lines, actor=author, now=utcnow())


def test_a_draft_keeps_its_lines_and_their_exact_total(db, cycle, author):
    project = draft(db, cycle, author)
    assert [i.total for i in project.cost_items] == [90_000_00, 16_000_00, 2_500_50]
    assert project.total_cost == 108_500_50
    assert project.status is ProjectStatus.DRAFT and project.number is None


def test_an_unverified_person_cannot_start_a_draft(db, cycle, make_user):
    with pytest.raises(Refused) as refused:
        draft(db, cycle, make_user())
    assert refused.value.codes == ["not_verified"]


def test_a_person_younger_than_the_cycle_requires_cannot_start_a_draft(db, admin, make_user):
    young_cycle = make_cycle(db, admin, min_age_submit=18)
    today = utcnow().date()
    teenager = make_user(verified=True, birth_date=date(today.year - 17, 1, 1))
    with pytest.raises(Refused) as refused:
        draft(db, young_cycle, teenager)
    assert refused.value.codes == ["too_young"]


def test_nobody_drafts_outside_the_submission_phase(db, admin, author):
    review = make_cycle(db, admin, phase=Phase.REVIEW)
    with pytest.raises(Refused) as refused:
        draft(db, review, author)
    assert refused.value.codes == ["submission_closed"]


def test_submission_gives_consecutive_numbers_per_cycle_and_freezes_the_text(
        db, cycle, author, make_user):
    first = draft(db, cycle, author)
    second = draft(db, cycle, make_user(verified=True))
    services.submit_project(db, project=first, actor=author, now=utcnow())
    services.submit_project(db, project=second, actor=second.author, now=utcnow())
    assert (first.number, second.number) == (1, 2)
    assert first.registration_code == f"{cycle.budget_year}-001"
    assert first.status is ProjectStatus.SUBMITTED and not first.editable
    with pytest.raises(Refused) as refused:
        services.update_draft(db, project=first, category_id=first.category_id, text=TEXT,
                              lines=LINES, actor=author, now=utcnow())
    assert refused.value.code == "frozen"


def test_submission_records_the_frozen_text_in_the_public_history_and_the_audit_log(
        db, cycle, author):
    project = draft(db, cycle, author)
    services.submit_project(db, project=project, actor=author, now=utcnow())
    entry = db.execute(select(ProjectEvent).where(ProjectEvent.project_id == project.id,
                                                  ProjectEvent.kind == "submit")).scalar_one()
    assert entry.public and entry.to_status is ProjectStatus.SUBMITTED
    assert "Велопарковка на 5 місць" in entry.details
    assert db.execute(select(AuditEvent).where(AuditEvent.action == "project.submit",
                                               AuditEvent.object_id == str(project.id))).first()


@pytest.mark.parametrize(("lines", "code"), [
    ([services.CostLine("Лавка", Decimal("1"), "шт.", 10_000_00)], "below_minimum"),
    ([services.CostLine("Сцена", Decimal("1"), "шт.", 300_000_01)], "above_maximum"),
    ([], "cost_lines_required"),
])
def test_a_total_outside_the_category_limits_cannot_be_submitted(db, cycle, author, lines, code):
    project = draft(db, cycle, author, lines=lines)
    with pytest.raises(Refused) as refused:
        services.submit_project(db, project=project, actor=author, now=utcnow())
    assert refused.value.codes == [code]
    assert project.status is ProjectStatus.DRAFT and project.number is None
    assert cycle.last_project_number == 0


def test_the_limits_are_inclusive(db, cycle, author):
    project = draft(db, cycle, author,
                    lines=[services.CostLine("Сцена", Decimal("1"), "шт.", 300_000_00)])
    services.submit_project(db, project=project, actor=author, now=utcnow())
    assert project.status is ProjectStatus.SUBMITTED


def test_an_author_cannot_submit_more_projects_than_the_cycle_allows(db, admin, author):
    strict = make_cycle(db, admin, projects_per_author=1)
    services.submit_project(db, project=draft(db, strict, author), actor=author, now=utcnow())
    second = draft(db, strict, author)
    with pytest.raises(Refused) as refused:
        services.submit_project(db, project=second, actor=author, now=utcnow())
    assert refused.value.codes == ["too_many_projects"]


def test_a_cycle_needing_supporters_puts_the_project_to_collect_them(db, admin, author, make_user):
    needs = make_cycle(db, admin, support_needed=2)
    project = draft(db, needs, author)
    services.submit_project(db, project=project, actor=author, now=utcnow())
    assert project.status is ProjectStatus.COLLECTING_SUPPORT
    first, second = make_user(verified=True), make_user(verified=True)
    assert participation.support_project(db, project=project, user=first, now=utcnow()) == 1
    assert project.status is ProjectStatus.COLLECTING_SUPPORT
    with pytest.raises(Refused) as refused:
        participation.support_project(db, project=project, user=first, now=utcnow())
    assert refused.value.code == "already_supported"
    assert participation.support_project(db, project=project, user=second, now=utcnow()) == 2
    db.refresh(project)
    assert project.status is ProjectStatus.SUBMITTED


def test_the_database_refuses_a_second_signature_of_one_person(db, admin, author, make_user):
    needs = make_cycle(db, admin, support_needed=5)
    project = make_project(db, needs, author, status=ProjectStatus.COLLECTING_SUPPORT)
    supporter = make_user(verified=True)
    participation.support_project(db, project=project, user=supporter, now=utcnow())
    key = db.execute(select(Support.person_key)).scalar_one()
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(Support(project_id=project.id, user_id=author.id, person_key=key, at=utcnow()))
        db.flush()


@pytest.mark.parametrize("who", ["author", "unverified"])
def test_authors_and_unverified_people_cannot_support(db, admin, author, make_user, who):
    needs = make_cycle(db, admin, support_needed=5)
    project = make_project(db, needs, author, status=ProjectStatus.COLLECTING_SUPPORT)
    user = author if who == "author" else make_user()
    with pytest.raises(Refused) as refused:
        participation.support_project(db, project=project, user=user, now=utcnow())
    assert refused.value.codes == (["own_project"] if who == "author" else ["not_verified"])


def test_beginning_the_review_closes_projects_without_enough_supporters(
        db, admin, author, make_user):
    reviewing = make_cycle(db, admin, phase=Phase.REVIEW, support_needed=3)
    ready = make_project(db, reviewing, author, status=ProjectStatus.SUBMITTED)
    short = make_project(db, reviewing, author, status=ProjectStatus.COLLECTING_SUPPORT)
    counts = services.begin_review(db, cycle=reviewing, actor=admin, now=utcnow())
    assert counts == {"under_review": 1, "support_failed": 1}
    assert (ready.status, short.status) == (ProjectStatus.UNDER_REVIEW, ProjectStatus.REJECTED)


def test_the_review_cannot_begin_during_the_submission(db, cycle, admin):
    with pytest.raises(Refused):
        services.begin_review(db, cycle=cycle, actor=admin, now=utcnow())


def test_the_revision_loop_edits_and_resubmits_before_the_deadline(db, cycle, author, admin):
    project = make_project(db, cycle, author, status=ProjectStatus.UNDER_REVIEW)
    deadline = utcnow() + timedelta(days=5)
    services.change_status(db, project=project, event=Event.RETURN_FOR_REVISION, actor=admin,
                           now=utcnow(), text="Уточніть кошторис", revision_deadline=deadline)
    assert project.editable and project.revision_deadline == deadline
    services.update_draft(db, project=project, category_id=project.category_id, text=TEXT,
                          lines=LINES, actor=author, now=utcnow())
    services.resubmit_project(db, project=project, actor=author, now=utcnow())
    assert project.status is ProjectStatus.UNDER_REVIEW and project.revision_deadline is None


def test_after_the_deadline_a_returned_project_cannot_be_resubmitted(db, cycle, author):
    project = make_project(db, cycle, author, status=ProjectStatus.RETURNED_FOR_REVISION)
    with pytest.raises(Refused) as refused:
        services.resubmit_project(db, project=project, actor=author,
                                  now=project.revision_deadline + timedelta(seconds=1))
    assert refused.value.code == "revision_deadline_passed"


def test_returning_for_revision_needs_a_future_deadline(db, cycle, author, admin):
    project = make_project(db, cycle, author, status=ProjectStatus.UNDER_REVIEW)
    with pytest.raises(Refused) as refused:
        services.change_status(db, project=project, event=Event.RETURN_FOR_REVISION,
                               actor=admin, now=utcnow())
    assert refused.value.code == "revision_deadline_required"
    assert project.status is ProjectStatus.UNDER_REVIEW


def test_a_forbidden_change_raises_and_changes_nothing(db, cycle, author, admin):
    project = make_project(db, cycle, author, status=ProjectStatus.SUBMITTED)
    before = db.execute(select(ProjectEvent).where(ProjectEvent.project_id == project.id)).all()
    with pytest.raises(Refused) as refused:
        services.change_status(db, project=project, event=Event.ADMIT, actor=admin,
                               now=utcnow())
    assert refused.value.codes == ["transition_forbidden"]
    assert project.status is ProjectStatus.SUBMITTED
    assert db.execute(select(ProjectEvent).where(
        ProjectEvent.project_id == project.id)).all() == before


@pytest.mark.parametrize(("status", "use_case"), [
    (ProjectStatus.SUBMITTED, services.submit_project),
    (ProjectStatus.SUBMITTED, services.resubmit_project),
    (ProjectStatus.DRAFT, services.withdraw_project),
])
def test_a_use_case_the_state_machine_forbids_is_refused_with_its_reason(
        db, cycle, author, status, use_case):
    project = make_project(db, cycle, author, status=status)
    extra = {"reason": ""} if use_case is services.withdraw_project else {}
    with pytest.raises(Refused) as refused:
        use_case(db, project=project, actor=author, now=utcnow(), **extra)
    assert refused.value.codes == ["transition_forbidden"]
    assert str(refused.value.problems[0]) == (
        "З проєктом у його теперішньому статусі цього зробити не можна.")
    assert project.status is status


def test_an_admitted_project_can_be_withdrawn_only_before_the_vote(db, admin, author):
    voting = make_cycle(db, admin, phase=Phase.VOTING)
    on_ballot = make_project(db, voting, author, status=ProjectStatus.ADMITTED)
    with pytest.raises(Refused) as refused:
        services.withdraw_project(db, project=on_ballot, actor=author, reason="", now=utcnow())
    assert refused.value.code == "voting_started"
    review = make_cycle(db, admin, phase=Phase.REVIEW)
    early = make_project(db, review, author, status=ProjectStatus.ADMITTED)
    services.withdraw_project(db, project=early, actor=author, reason="Передумали", now=utcnow())
    assert early.status is ProjectStatus.WITHDRAWN


def test_only_a_draft_is_deleted(db, cycle, author):
    project = draft(db, cycle, author)
    project_id = project.id
    services.delete_draft(db, project=project, actor=author, now=utcnow())
    assert db.get(Project, project_id) is None
    submitted = make_project(db, cycle, author, status=ProjectStatus.SUBMITTED)
    with pytest.raises(Refused):
        services.delete_draft(db, project=submitted, actor=author, now=utcnow())


def test_a_co_author_confirms_with_the_invited_address_only(db, cycle, author, make_user):
    project = draft(db, cycle, author)
    invited = make_user(email="coauthor@example.org")
    token = participation.invite_coauthor(db, project=project, email=" CoAuthor@Example.org ",
                                          actor=author, now=utcnow())
    with pytest.raises(Refused) as refused:
        participation.confirm_coauthor(db, token=token, user=make_user(), now=utcnow())
    assert refused.value.code == "invitation_other_email"
    coauthor = participation.confirm_coauthor(db, token=token, user=invited, now=utcnow())
    assert coauthor.user_id == invited.id and coauthor.confirmed_at is not None
    assert token not in coauthor.token_hash


def test_the_same_co_author_is_invited_once(db, cycle, author):
    project = draft(db, cycle, author)
    participation.invite_coauthor(db, project=project, email="a@example.org", actor=author,
                                  now=utcnow())
    with pytest.raises(Refused) as refused:
        participation.invite_coauthor(db, project=project, email="a@example.org", actor=author,
                                      now=utcnow())
    assert refused.value.code == "coauthor_already_invited"


def test_search_text_folds_cyrillic_case_and_holds_the_registration_code(db, cycle, author):
    project = draft(db, cycle, author)
    services.submit_project(db, project=project, actor=author, now=utcnow())
    assert "велопарковки біля шкіл" in project.search_text
    assert project.registration_code in project.search_text


def test_the_database_refuses_a_second_project_with_the_same_number_in_a_cycle(
        db, cycle, author):
    from sqlalchemy.exc import IntegrityError

    make_project(db, cycle, author, status=ProjectStatus.SUBMITTED)
    duplicate = make_project(db, cycle, author, status=ProjectStatus.SUBMITTED)
    with pytest.raises(IntegrityError), db.begin_nested():
        duplicate.number = 1
        db.flush()


def test_a_number_once_given_stays_with_a_withdrawn_project_and_is_not_reused(
        db, cycle, author, make_user):
    first = draft(db, cycle, author)
    services.submit_project(db, project=first, actor=author, now=utcnow())
    services.withdraw_project(db, project=first, actor=author, reason="", now=utcnow())
    second = draft(db, cycle, make_user(verified=True))
    services.submit_project(db, project=second, actor=second.author, now=utcnow())
    assert (first.number, first.status, second.number) == (1, ProjectStatus.WITHDRAWN, 2)


def test_the_counters_count_submitted_withdrawn_and_admitted_projects_and_their_authors(
        db, app_ctx, admin, make_user):
    cycle = make_cycle(db, admin)
    first, second = make_user(verified=True), make_user(verified=True)
    make_project(db, cycle, first, status=ProjectStatus.ADMITTED)
    make_project(db, cycle, first, status=ProjectStatus.UNDER_REVIEW)
    make_project(db, cycle, second, status=ProjectStatus.WINNER)
    make_project(db, cycle, second)  # a draft does not count
    make_project(db, cycle, make_user(verified=True), status=ProjectStatus.WITHDRAWN)
    counters = cycle_counters(db, cycle)
    # A withdrawn project was submitted, and its author is one of the cycle's authors: the
    # page says "3 authors submitted 4 projects, 1 withdrawn" (what a description states).
    assert (counters.submitted, counters.withdrawn, counters.admitted, counters.authors) == (
        4, 1, 2, 3)
