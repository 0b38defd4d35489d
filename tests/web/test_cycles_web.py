"""Cycle pages through the test client: an administrator creates a cycle and its categories,
suspends, resumes and extends it; the public page explains all of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.clock import KYIV, utcnow
from portal.cycles.models import Category, Cycle
from tests.conftest import post_form, sign_in
from tests.factories.cycles import make_cycle
from tests.factories.projects import bulk_projects


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


def local(moment) -> str:
    return moment.astimezone(KYIV).strftime("%Y-%m-%dT%H:%M")


def cycle_form(**change) -> dict:
    now = utcnow()
    dates = {"submission_start": now - timedelta(days=1),
             "submission_end": now + timedelta(days=30),
             "review_start": now + timedelta(days=31), "review_end": now + timedelta(days=60),
             "voting_start": now + timedelta(days=70), "voting_end": now + timedelta(days=84),
             "results_date": now + timedelta(days=90)}
    return {"name": "Бюджет участі-2028", "budget_year": "2028", "total_budget": "2 000 000",
            "description": "Третій конкурс.", **{k: local(v) for k, v in dates.items()},
            "support_start": "", "support_end": "", "min_age_submit": "14", "min_age_vote": "14",
            "support_needed": "0", "projects_per_author": "2", "votes_per_voter": "4",
            "votes_scope": "total", "ballot_type": "approval", "winner_rule": "greedy-no-skip",
            "tie_rule": "lottery", "min_votes": "", "complaint_days": "7", **change}


def test_an_administrator_creates_a_cycle_with_its_rules_and_a_category(client, db, admin):
    sign_in(client, admin)
    response = post_form(client, "/admin/cycles/new", cycle_form())
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    cycle = db.execute(select(Cycle).where(Cycle.name == "Бюджет участі-2028")).scalar_one()
    assert (cycle.total_budget, cycle.votes_per_voter, cycle.winner_rule.value) == (
        2_000_000_00, 4, "greedy-no-skip")
    response = post_form(client, f"/admin/cycles/{cycle.id}/categories/new", {
        "name": "Молодіжні проєкти", "description": "", "kind": "thematic", "district_id": "",
        "budget": "500 000", "min_cost": "20 000", "max_cost": "200 000", "position": "1"})
    assert response.status_code == 302
    category = db.execute(select(Category).where(Category.cycle_id == cycle.id)).scalar_one()
    assert (category.budget, category.min_cost, category.max_cost) == (
        500_000_00, 20_000_00, 200_000_00)
    page = client.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    assert "Молодіжні проєкти" in page and "500\u00a0000\u00a0грн" in page
    assert "може подати до 2 проєктів" in page
    assert "до 4 голосів загалом" in page
    assert "вирішує публічне жеребкування" in page


def test_a_contradictory_calendar_is_refused_on_the_right_fields(client, db, admin):
    sign_in(client, admin)
    form = cycle_form()
    response = post_form(client, "/admin/cycles/new", cycle_form(total_budget="12,345"))
    assert "не більше двох знаків після коми" in response.get_data(as_text=True)
    response = post_form(client, "/admin/cycles/new", cycle_form(
        review_start=form["submission_start"]))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Розгляд не може розпочатися до завершення подання" in body
    assert 'id="review_start-error"' in body
    assert db.execute(select(Cycle)).first() is None


def test_suspension_and_extension_are_shown_with_their_reasons(client, db, admin):
    cycle = make_cycle(db, admin)
    sign_in(client, admin)
    post_form(client, f"/admin/cycles/{cycle.id}/suspend", {"reason": "Воєнний стан"},
              token_from=f"/admin/cycles/{cycle.id}")
    page = client.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    assert "Цикл призупинено." in page and "Воєнний стан" in page
    post_form(client, f"/admin/cycles/{cycle.id}/resume", {"note": "Відновлено рішенням ради"},
              token_from=f"/admin/cycles/{cycle.id}")
    new_end = cycle.submission_end + timedelta(days=5)
    post_form(client, f"/admin/cycles/{cycle.id}/extend", {
        "phase": "submission", "new_end": local(new_end), "reason": "Тривалі відключення світла"},
        token_from=f"/admin/cycles/{cycle.id}")
    db.refresh(cycle)
    assert cycle.suspended_at is None and cycle.extensions[0].new_end == new_end.replace(
        second=0, microsecond=0)
    page = client.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    assert "Тривалі відключення світла" in page and "продовжено" in page
    assert "Воєнний стан" in page and "відновлено" in page


def test_an_extension_without_a_reason_is_refused_with_a_message(client, db, admin):
    cycle = make_cycle(db, admin)
    sign_in(client, admin)
    response = post_form(client, f"/admin/cycles/{cycle.id}/extend", {
        "phase": "submission", "new_end": local(cycle.submission_end + timedelta(days=2)),
        "reason": ""}, token_from=f"/admin/cycles/{cycle.id}", follow_redirects=True)
    assert "Причина" in response.get_data(as_text=True)
    db.refresh(cycle)
    assert cycle.extensions == []


def test_the_public_list_pages_keep_the_filters(client, db, admin, make_user):
    cycle = make_cycle(db, admin)
    bulk_projects(db, cycle, [make_user(verified=True).id], 45)
    body = client.get(f"/projects/?cycle={cycle.id}&status=admitted").get_data(as_text=True)
    assert "Сторінка 1 з 1" not in body  # 12 admitted projects: one page, no pager
    body = client.get(f"/projects/?cycle={cycle.id}").get_data(as_text=True)
    assert f"cycle={cycle.id}" in body.split('rel="next"')[0].rsplit("href=", 1)[-1]
    assert "Сторінка 1 з 3" in body


def test_the_cycles_list_shows_each_cycle_with_its_phase(client, db, admin):
    cycle = make_cycle(db, admin)
    body = client.get("/cycles/").get_data(as_text=True)
    assert cycle.name in body and "Подання проєктів" in body


def test_a_resident_sees_the_submit_button_only_while_submission_is_open(
        client, db, admin, make_user):
    from portal.cycles.rules import Phase

    open_cycle = make_cycle(db, admin)
    reviewing = make_cycle(db, admin, phase=Phase.REVIEW)
    sign_in(client, make_user(verified=True))
    assert "Подати проєкт" in client.get(f"/cycles/{open_cycle.id}").get_data(as_text=True)
    assert "Подати проєкт" not in client.get(f"/cycles/{reviewing.id}").get_data(as_text=True)


def test_a_community_starts_its_new_cycles_with_the_rules_it_kept(client, db, admin):
    import re

    sign_in(client, admin)
    fresh = client.get("/admin/cycles/new").get_data(as_text=True)
    assert re.search(r'name="min_age_vote"[^>]*value="16"', fresh)  # the portal's own default
    response = post_form(client, "/admin/cycles/new", cycle_form(
        min_age_vote="14", ballot_type="knapsack", votes_per_voter="0",
        winner_rule="equalshares/add1", keep_as_defaults="y"))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    page = client.get("/admin/cycles/new").get_data(as_text=True)
    assert re.search(r'name="min_age_vote"[^>]*value="14"', page)
    assert re.search(r'<option selected value="knapsack"|<option value="knapsack" selected', page)
    assert re.search(r'value="equalshares/add1" selected|selected value="equalshares/add1"',
                     page)
