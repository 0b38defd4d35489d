"""Cycle services: creation with checked calendars, categories, suspensions, extensions."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.clock import utcnow
from portal.cycles import services
from portal.cycles.models import CycleSuspension
from portal.cycles.rules import CategoryKind, Phase
from portal.refusal import Refused
from tests.factories.cycles import cycle_data, make_cycle
from tests.factories.projects import make_project


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


def test_a_cycle_is_created_with_its_rules_and_audited(db, app_ctx, admin):
    cycle = make_cycle(db, admin, support_needed=20, min_age_submit=18)
    assert cycle.phase(utcnow()) is Phase.SUBMISSION
    assert (cycle.support_needed, cycle.min_age_submit) == (20, 18)
    assert [c.name for c in cycle.categories] == ["Малі проєкти", "Великі проєкти"]
    actions = db.execute(select(AuditEvent.action).where(AuditEvent.object_id == str(cycle.id),
                                                          AuditEvent.object_type == "cycle"))
    assert "cycle.created" in actions.scalars().all()


def test_a_contradictory_calendar_is_refused_with_every_problem(db, app_ctx, admin):
    data = cycle_data()
    bad = data.__class__(**{**data.__dict__, "review_start": data.submission_start,
                            "results_date": data.voting_start})
    with pytest.raises(Refused) as refused:
        services.create_cycle(db, data=bad, actor=admin, now=utcnow())
    codes = {(p.code, p.field) for p in refused.value.problems}
    assert ("review_too_early", "review_start") in codes
    assert ("results_before_voting_end", "results_date") in codes


def test_two_cycles_cannot_share_a_name(db, app_ctx, admin):
    cycle = make_cycle(db, admin)
    data = cycle_data()
    with pytest.raises(Refused) as refused:
        services.create_cycle(db, data=data.__class__(**{**data.__dict__, "name": cycle.name}),
                              actor=admin, now=utcnow())
    assert [p.code for p in refused.value.problems] == ["name_taken"]


def test_categories_cannot_exceed_the_total_budget(db, app_ctx, admin):
    cycle = make_cycle(db, admin)  # 100 млн total, 4 млн allotted
    data = services.CategoryData(name="Третя", description="", kind=CategoryKind.THEMATIC,
                                 district_id=None, budget=97_000_000_00, min_cost=0,
                                 max_cost=1_000_00)
    with pytest.raises(Refused) as refused:
        services.add_category(db, cycle=cycle, data=data, actor=admin, now=utcnow())
    assert [p.code for p in refused.value.problems] == ["categories_exceed_total"]


@pytest.mark.parametrize(("change", "code"), [
    ({"min_cost": 500_00, "max_cost": 100_00}, "min_above_max"),
    ({"max_cost": 2_000_000_00}, "max_above_budget"),
    ({"kind": CategoryKind.DISTRICT}, "district_for_district_kind"),
    ({"name": "Малі проєкти"}, "category_name_taken"),
])
def test_a_bad_category_is_refused_with_its_reason(db, app_ctx, admin, change, code):
    cycle = make_cycle(db, admin)
    values = {"name": "Спорт", "description": "", "kind": CategoryKind.THEMATIC,
              "district_id": None, "budget": 1_000_000_00, "min_cost": 10_000_00,
              "max_cost": 500_000_00, **change}
    with pytest.raises(Refused) as refused:
        services.add_category(db, cycle=cycle, data=services.CategoryData(**values),
                              actor=admin, now=utcnow())
    assert code in [p.code for p in refused.value.problems]


def test_a_category_with_projects_cannot_be_deleted(db, app_ctx, admin, make_user):
    cycle = make_cycle(db, admin)
    make_project(db, cycle, make_user(verified=True))
    with pytest.raises(Refused) as refused:
        services.delete_category(db, category=cycle.categories[0], actor=admin, now=utcnow())
    assert refused.value.code == "category_in_use"
    services.delete_category(db, category=cycle.categories[1], actor=admin, now=utcnow())
    assert [c.name for c in cycle.categories] == ["Малі проєкти"]


def test_suspension_and_resumption_are_recorded_and_change_the_phase(db, app_ctx, admin):
    cycle = make_cycle(db, admin)
    now = utcnow()
    services.suspend_cycle(db, cycle=cycle, reason="Воєнний стан", actor=admin, now=now)
    assert cycle.phase(now) is Phase.SUSPENDED
    with pytest.raises(Refused):
        services.suspend_cycle(db, cycle=cycle, reason="ще раз", actor=admin, now=now)
    later = now + timedelta(hours=1)
    services.resume_cycle(db, cycle=cycle, note="Відновлено", actor=admin, now=later)
    assert cycle.phase(later) is Phase.SUBMISSION
    history = services.suspension_history(db, cycle)
    assert [(h.reason, h.resumed_at, h.resume_note) for h in history] == [
        ("Воєнний стан", later, "Відновлено")]


def test_a_suspension_needs_a_reason(db, app_ctx, admin):
    cycle = make_cycle(db, admin)
    with pytest.raises(Refused) as refused:
        services.suspend_cycle(db, cycle=cycle, reason="  ", actor=admin, now=utcnow())
    assert refused.value.code == "reason_required"
    assert db.execute(select(CycleSuspension)).first() is None


def test_an_extension_keeps_the_submission_open_and_is_recorded(db, app_ctx, admin):
    cycle = make_cycle(db, admin)
    planned_end = cycle.submission_end
    services.extend_phase(db, cycle=cycle, phase=Phase.SUBMISSION,
                          new_end=planned_end + timedelta(days=3), reason="Відключення світла",
                          actor=admin, now=utcnow())
    assert cycle.phase(planned_end + timedelta(days=1)) is Phase.SUBMISSION
    assert cycle.extensions[0].previous_end == planned_end
    assert cycle.submission_end == planned_end  # the plan stays as it was


def test_an_extension_to_an_earlier_end_is_refused(db, app_ctx, admin):
    cycle = make_cycle(db, admin)
    with pytest.raises(Refused) as refused:
        services.extend_phase(db, cycle=cycle, phase=Phase.SUBMISSION,
                              new_end=cycle.submission_end - timedelta(days=1), reason="x",
                              actor=admin, now=utcnow())
    assert [p.code for p in refused.value.problems] == ["not_later"]


def test_updating_a_cycle_audits_what_changed(db, app_ctx, admin):
    cycle = make_cycle(db, admin)
    data = cycle_data()
    data = data.__class__(**{**data.__dict__, "name": cycle.name, "support_needed": 7})
    changes = services.update_cycle(db, cycle=cycle, data=data, actor=admin, now=utcnow())
    assert changes["support_needed"] == [0, 7]
    assert cycle.support_needed == 7
