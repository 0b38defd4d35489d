"""Expertise, the commission's roster and the life of a meeting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.clock import utcnow
from portal.cycles.rules import Phase
from portal.projects.models import ProjectEvent
from portal.projects.rules import ProjectStatus
from portal.refusal import Refused
from portal.review import services
from portal.review.models import MeetingStatus, SeatRole
from portal.review.services import CostLine
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project
from tests.factories.review import held_meeting, seat_commission


@pytest.fixture
def setting(db, app_ctx, make_user):
    admin = make_user(Role.ADMIN)
    cycle = make_cycle(db, admin, phase=Phase.REVIEW)
    seat_commission(db, cycle, admin)
    return admin, cycle


def test_expertise_sums_its_lines_exactly_and_puts_the_project_under_review(db, app_ctx,
                                                                            make_user):
    staff, author = make_user(Role.STAFF), make_user()
    cycle = make_cycle(db, make_user(Role.ADMIN), phase=Phase.REVIEW)
    project = make_project(db, cycle, author, status=ProjectStatus.SUBMITTED)
    expertise = services.record_expertise(
        db, actor=staff, project=project, department="Управління ЖКГ", feasible=True,
        conclusion="Реалізація можлива.", now=utcnow(), items=[
            CostLine("Лавка", Decimal("4"), "шт.", 550_000),
            CostLine("Бруківка", Decimal("12.345"), "м²", 33_333),
            CostLine("Доставка", Decimal("1"), "послуга", 150_000),
        ])
    # 12.345 x 333.33 грн = 4 114,9 грн rounded half up to the kopeck.
    assert [i.total for i in expertise.items] == [2_200_000, 411_496, 150_000]
    assert expertise.adjusted_total == 2_761_496
    assert project.status is ProjectStatus.UNDER_REVIEW
    kinds = [e.kind for e in db.execute(select(ProjectEvent).where(
        ProjectEvent.project_id == project.id)).scalars()]
    assert kinds == ["start_review", "expertise"]


def test_a_newer_expertise_supersedes_and_the_older_is_kept(db, app_ctx, make_user):
    staff = make_user(Role.STAFF)
    cycle = make_cycle(db, make_user(Role.ADMIN), phase=Phase.REVIEW)
    project = make_project(db, cycle, make_user(), status=ProjectStatus.UNDER_REVIEW)
    first = services.record_expertise(db, actor=staff, project=project, department="ЖКГ",
                                      feasible=False, conclusion="Земля не комунальна.",
                                      items=[], now=utcnow())
    second = services.record_expertise(db, actor=staff, project=project, department="ЖКГ",
                                       feasible=True, conclusion="Уточнено: земля міська.",
                                       items=[CostLine("Лавка", Decimal(1), "шт.", 100)],
                                       now=utcnow())
    assert services.latest_expertise(db, project) is second
    assert services.expertise_history(db, project) == [second, first]


def test_a_feasible_expertise_needs_an_estimate_and_every_expertise_a_conclusion(db, app_ctx,
                                                                                make_user):
    staff = make_user(Role.STAFF)
    cycle = make_cycle(db, make_user(Role.ADMIN), phase=Phase.REVIEW)
    project = make_project(db, cycle, make_user(), status=ProjectStatus.SUBMITTED)
    with pytest.raises(Refused) as refused:
        services.record_expertise(db, actor=staff, project=project, department="ЖКГ",
                                  feasible=True, conclusion="Можливо.", items=[], now=utcnow())
    assert refused.value.codes == ["cost_items_required"]
    with pytest.raises(Refused) as refused:
        services.record_expertise(db, actor=staff, project=project, department="ЖКГ",
                                  feasible=False, conclusion="  ", items=[], now=utcnow())
    assert refused.value.codes == ["text_required"]
    assert project.status is ProjectStatus.SUBMITTED


def test_no_expertise_on_an_admitted_project(db, app_ctx, make_user):
    cycle = make_cycle(db, make_user(Role.ADMIN), phase=Phase.REVIEW)
    project = make_project(db, cycle, make_user(), status=ProjectStatus.ADMITTED)
    with pytest.raises(Refused) as refused:
        services.record_expertise(db, actor=make_user(Role.STAFF), project=project,
                                  department="ЖКГ", feasible=False, conclusion="Ні.", items=[],
                                  now=utcnow())
    assert refused.value.codes == ["project_not_reviewable"]


def test_the_commission_has_one_chair_and_one_seat_per_account(db, setting, make_user):
    admin, cycle = setting
    with pytest.raises(Refused) as refused:
        services.add_seat(db, actor=admin, cycle=cycle, name="Другий Голова", position="",
                          role=SeatRole.CHAIR, user=None, now=utcnow())
    assert refused.value.codes == ["seat_taken"]
    member = make_user(Role.COMMISSION)
    services.add_seat(db, actor=admin, cycle=cycle, name="Член", position="", user=member,
                      role=SeatRole.MEMBER, now=utcnow())
    with pytest.raises(Refused):
        services.add_seat(db, actor=admin, cycle=cycle, name="Член", position="", user=member,
                          role=SeatRole.MEMBER, now=utcnow())
    assert len(services.seats_of(db, cycle)) == 10


def test_a_member_who_attended_stays_on_the_roster(db, setting):
    admin, cycle = setting
    held_meeting(db, cycle, admin, present=5)
    seats = services.seats_of(db, cycle)
    with pytest.raises(Refused) as refused:
        services.remove_seat(db, actor=admin, seat=seats[0], now=utcnow())
    assert refused.value.codes == ["seat_in_use"]
    services.remove_seat(db, actor=admin, seat=seats[-1], now=utcnow())
    assert len(services.seats_of(db, cycle)) == 8


def test_meeting_numbers_are_unique_within_a_cycle(db, setting):
    admin, cycle = setting
    services.create_meeting(db, actor=admin, cycle=cycle, number=1, held_on=utcnow().date(),
                            place="Зал", agenda="", now=utcnow())
    with pytest.raises(Refused) as refused:
        services.create_meeting(db, actor=admin, cycle=cycle, number=1,
                                held_on=utcnow().date(), place="Зал", agenda="", now=utcnow())
    assert refused.value.codes == ["meeting_number_taken"]
    assert services.next_meeting_number(db, cycle) == 2


def test_a_meeting_opens_only_with_a_quorum_and_fixes_the_commission_size(db, setting):
    admin, cycle = setting
    seats = services.seats_of(db, cycle)
    meeting = services.create_meeting(db, actor=admin, cycle=cycle, number=1, place="Зал",
                                      held_on=utcnow().date(), agenda="", now=utcnow())
    services.set_attendance(db, actor=admin, meeting=meeting,
                            seat_ids={s.id for s in seats[:4]}, now=utcnow())
    with pytest.raises(Refused) as refused:
        services.open_meeting(db, actor=admin, meeting=meeting, now=utcnow())
    assert refused.value.codes == ["no_quorum"]
    services.set_attendance(db, actor=admin, meeting=meeting,
                            seat_ids={s.id for s in seats[:5]}, now=utcnow())
    services.open_meeting(db, actor=admin, meeting=meeting, now=utcnow())
    assert (meeting.status, meeting.seats, meeting.present) == (MeetingStatus.HELD, 9, 5)
    with pytest.raises(Refused) as refused:
        services.set_attendance(db, actor=admin, meeting=meeting, seat_ids=set(), now=utcnow())
    assert refused.value.codes == ["meeting_not_draft"]


def test_attendance_takes_only_the_cycles_own_members(db, setting, make_user):
    admin, cycle = setting
    other = make_cycle(db, admin, phase=Phase.REVIEW)
    stranger = seat_commission(db, other, admin, size=1)[0]
    meeting = services.create_meeting(db, actor=admin, cycle=cycle, number=1, place="Зал",
                                      held_on=utcnow().date(), agenda="", now=utcnow())
    with pytest.raises(Refused) as refused:
        services.set_attendance(db, actor=admin, meeting=meeting, seat_ids={stranger.id},
                                now=utcnow())
    assert refused.value.codes == ["seat_not_in_cycle"]


def test_the_agenda_takes_projects_of_the_cycle_under_review_once(db, setting, make_user):
    admin, cycle = setting
    author = make_user()
    project = make_project(db, cycle, author, status=ProjectStatus.SUBMITTED)
    meeting = services.create_meeting(db, actor=admin, cycle=cycle, number=1, place="Зал",
                                      held_on=utcnow().date(), agenda="", now=utcnow())
    services.add_to_agenda(db, actor=admin, meeting=meeting, project=project, now=utcnow())
    assert project.status is ProjectStatus.UNDER_REVIEW
    with pytest.raises(Refused) as refused:
        services.add_to_agenda(db, actor=admin, meeting=meeting, project=project, now=utcnow())
    assert refused.value.codes == ["already_on_agenda"]
    other = make_cycle(db, admin, phase=Phase.REVIEW)
    foreign = make_project(db, other, author, status=ProjectStatus.SUBMITTED)
    with pytest.raises(Refused) as refused:
        services.add_to_agenda(db, actor=admin, meeting=meeting, project=foreign, now=utcnow())
    assert refused.value.codes == ["project_not_in_cycle"]
    draft = make_project(db, cycle, author, status=ProjectStatus.ADMITTED)
    with pytest.raises(Refused) as refused:
        services.add_to_agenda(db, actor=admin, meeting=meeting, project=draft, now=utcnow())
    assert refused.value.codes == ["project_not_reviewable"]
    services.remove_from_agenda(db, actor=admin, meeting=meeting,
                                item=meeting.agenda_items[0], now=utcnow())
    assert meeting.agenda_items == []


def test_a_closed_meeting_takes_no_more_changes(db, setting):
    admin, cycle = setting
    meeting = held_meeting(db, cycle, admin)
    services.close_meeting(db, actor=admin, meeting=meeting, now=utcnow())
    assert meeting.status is MeetingStatus.CLOSED
    with pytest.raises(Refused) as refused:
        services.update_meeting(db, actor=admin, meeting=meeting, held_on=meeting.held_on,
                                place="Інше", agenda="", minutes="", now=utcnow())
    assert refused.value.codes == ["meeting_closed"]
    with pytest.raises(Refused):
        services.close_meeting(db, actor=admin, meeting=meeting, now=utcnow())


def test_minutes_change_while_held_but_the_date_does_not(db, setting):
    admin, cycle = setting
    meeting = held_meeting(db, cycle, admin)
    services.update_meeting(db, actor=admin, meeting=meeting, held_on=meeting.held_on,
                            place=meeting.place, agenda=meeting.agenda,
                            minutes="Виступили: Іваненко І. І.", now=utcnow())
    assert meeting.minutes == "Виступили: Іваненко І. І."
    with pytest.raises(Refused) as refused:
        services.update_meeting(db, actor=admin, meeting=meeting,
                                held_on=meeting.held_on.replace(day=1), place="", agenda="",
                                minutes="", now=utcnow())
    assert refused.value.codes == ["meeting_not_draft"]


def test_every_step_of_a_meeting_is_audited(db, setting):
    admin, cycle = setting
    meeting = held_meeting(db, cycle, admin)
    actions = set(db.execute(select(AuditEvent.action).where(
        AuditEvent.object_type == "meeting", AuditEvent.object_id == str(meeting.id))).scalars())
    assert {"review.meeting_created", "review.attendance_set",
            "review.meeting_opened"} <= actions
