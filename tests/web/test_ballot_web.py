"""The ballot's journey through the test client: a project's details opened in place, the
counters and the money bar of a knapsack ballot, the server's limits at the review, a
category the voter cannot vote in, the sign-in asked of a visitor, and what the receipt says
comes next. (The ballot's basics, the cast and the board are in test_voting_web.py.)"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.community.models import District
from portal.cycles.rules import BallotType
from portal.projects.models import Attachment
from portal.projects.rules import ProjectStatus
from portal.uploads import AttachmentKind
from portal.voting.models import Ballot
from tests.conftest import post_form, sign_in
from tests.factories import accounts
from tests.factories.projects import make_project
from tests.factories.voting import make_voting_cycle

pytestmark = pytest.mark.module_transaction

KYIV = ZoneInfo("Europe/Kyiv")


@pytest.fixture(scope="module")
def knapsack(module_db):
    """A knapsack cycle voting now: a citywide pot of 1 000 000 грн with projects of 600 000,
    500 000 and 300 000 грн, and a district pot (500 000 грн) of "Забахмутка" with one."""
    db = module_db
    district = District(name="Забахмутка", position=1)
    other = District(name="Центр", position=2)
    db.add_all([district, other])
    db.flush()
    author = accounts.make_user(db)
    cycle = make_voting_cycle(db, accounts.make_user(db, Role.ADMIN), votes_per_voter=0,
                              ballot_type=BallotType.KNAPSACK, district_id=district.id)
    citywide, local = cycle.categories
    projects = [make_project(db, cycle, author, status=ProjectStatus.ADMITTED, cost=cost,
                             title=f"Проєкт за {cost // 100} грн", category=citywide)
                for cost in (600_000_00, 500_000_00, 300_000_00)]
    projects.append(make_project(db, cycle, author, status=ProjectStatus.ADMITTED,
                                 cost=200_000_00, title="Сквер у Забахмутці", category=local,
                                 district_id=district.id))
    db.add(Attachment(project_id=projects[0].id, kind=AttachmentKind.PHOTO,
                      original_name="сквер.jpg", stored_name=f"ballot-{projects[0].id}.jpg",
                      content_type="image/jpeg", size=10, sha256="0" * 64,
                      uploaded_at=cycle.created_at))
    db.flush()
    return cycle, projects, district, other


def choice(project) -> str:
    return f"{project.category_id}:{project.id}"


def ballots(db, cycle) -> int:
    return db.scalar(select(func.count()).select_from(Ballot).where(Ballot.cycle_id == cycle.id))


def test_each_project_opens_its_details_in_place(client, make_user, knapsack):
    cycle, projects, district, _other = knapsack
    sign_in(client, make_user(verified=True, district_id=district.id))
    page = client.get(f"/voting/{cycle.id}/ballot").get_data(as_text=True)
    item = page[page.index(f'value="{choice(projects[0])}"'):]
    item = item[:item.index("</details>")]
    details = item[item.index('<details class="ballot-details">'):]
    assert "<summary>Про проєкт" in details and "Короткий опис проєкту." in details
    assert "вул. Миру, 1" in details and "600\u00a0000,00" in details
    assert (f'src="/projects/{projects[0].id}/files/' in details
            and 'alt="Фото: сквер.jpg"' in details)
    # The project's page opens in a new tab: the ballot and its ticks stay where they are.
    assert (f'<a href="/projects/{projects[0].id}" target="_blank" rel="noopener">'
            in details)
    # The district's project names its district.
    assert "<dd>Забахмутка</dd>" in page


def test_a_knapsack_ballot_has_counters_a_money_bar_and_its_refusals(
        client, make_user, knapsack):
    cycle, projects, district, _other = knapsack
    sign_in(client, make_user(verified=True, district_id=district.id))
    page = post_form(client, f"/voting/{cycle.id}/ballot",
                     {"choice": [choice(projects[2])], "action": "change"}).get_data(as_text=True)
    form = page[page.index('<form method="post"'):]
    assert 'data-limit="0"' in form and 'data-knapsack="1"' in form
    assert ('data-refuse-money="Цей проєкт коштує більше, ніж залишилося в бюджеті категорії. '
            'Щоб обрати його, спершу зніміть позначку з іншого проєкту."') in form
    assert f'data-cost="{projects[0].total_cost}"' in form
    assert "залишилося коштів: <span data-money-left>700\u00a0000,00\u00a0грн</span>" in page
    assert re.search(r'<meter min="0" max="100000000" value="30000000" data-spent-meter', page)
    assert page.count('data-refusal aria-live="polite"') == len(projects)


def test_the_server_refuses_a_choice_over_the_budget_at_the_review_and_the_cast(
        client, db, make_user, knapsack):
    cycle, projects, district, _other = knapsack
    sign_in(client, make_user(verified=True, district_id=district.id))
    over = {"choice": [choice(projects[0]), choice(projects[1])], "action": "cast"}
    review = post_form(client, f"/voting/{cycle.id}/review", over,
                       token_from=f"/voting/{cycle.id}/ballot").get_data(as_text=True)
    said = "Обрані проєкти категорії коштують більше за її бюджет."
    assert "Перш ніж голосувати, змініть вибір:" in review and said in review
    cast = post_form(client, f"/voting/{cycle.id}/ballot", over).get_data(as_text=True)
    assert "Голос не зараховано:" in cast and said in cast
    assert ballots(db, cycle) == 0


def test_the_review_of_a_knapsack_choice_sums_it_against_the_budget(
        client, db, make_user, knapsack):
    cycle, projects, district, _other = knapsack
    sign_in(client, make_user(verified=True, district_id=district.id))
    page = post_form(client, f"/voting/{cycle.id}/review",
                     {"choice": [choice(projects[0]), choice(projects[2]), choice(projects[3])]},
                     token_from=f"/voting/{cycle.id}/ballot").get_data(as_text=True)
    assert ("2 проєкти · разом 900\u00a0000,00\u00a0грн з бюджету категорії "
            "1\u00a0000\u00a0000,00\u00a0грн") in page
    assert ("1 проєкт · разом 200\u00a0000,00\u00a0грн з бюджету категорії "
            "500\u00a0000,00\u00a0грн") in page
    cast = post_form(client, f"/voting/{cycle.id}/ballot",
                     {"choice": [choice(projects[0]), choice(projects[2]), choice(projects[3])],
                      "action": "cast"})
    assert cast.status_code == 302 and ballots(db, cycle) == 1


@pytest.mark.parametrize(("where", "reason"), [
    ("other", "за вашою верифікацією ви мешкаєте в іншому районі."),
    (None, "у вашій верифікації не вказано району громади."),
], ids=["another-district", "no-district"])
def test_a_category_the_voter_cannot_vote_in_is_shown_with_the_reason(
        client, make_user, knapsack, where, reason):
    cycle, projects, _district, other = knapsack
    sign_in(client, make_user(verified=True, district_id=other.id if where else None))
    page = client.get(f"/voting/{cycle.id}/ballot").get_data(as_text=True)
    closed = page[page.index('<section class="card ballot-category ballot-closed"'):]
    closed = closed[:closed.index("</section>")]
    assert "Районні (Забахмутка)" in closed
    assert f"У цій категорії голосують лише мешканці району «Забахмутка»; {reason}" in closed
    assert "У бюлетені цієї категорії 1 проєкт." in closed
    assert choice(projects[3]) not in page  # nothing to tick there
    assert choice(projects[0]) in page


def test_a_visitor_is_asked_to_sign_in_on_the_ballot(client, knapsack):
    cycle, _projects, _district, _other = knapsack
    response = client.get(f"/voting/{cycle.id}/ballot")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Щоб проголосувати, увійдіть." in page
    assert f'href="/login?next=/voting/{cycle.id}/ballot"' in page
    assert 'name="choice"' not in page
    posted = client.post(f"/voting/{cycle.id}/ballot", data={"action": "cast"})
    assert posted.status_code == 302 and "/login" in posted.headers["Location"]
    assert client.get("/voting/999999/ballot").status_code == 404


def test_a_visitor_to_a_closed_vote_is_told_it_is_over(client, db, make_user):
    cycle = make_voting_cycle(db, make_user(Role.ADMIN), open_now=False)
    page = client.get(f"/voting/{cycle.id}/ballot").get_data(as_text=True)
    assert "Голосування завершено." in page and "Щоб проголосувати, увійдіть." not in page


def test_a_review_after_the_cast_leads_to_the_own_ballot(client, db, make_user, knapsack):
    cycle, projects, district, _other = knapsack
    sign_in(client, make_user(verified=True, district_id=district.id))
    data = {"choice": [choice(projects[2])], "action": "cast"}
    post_form(client, f"/voting/{cycle.id}/ballot", data)
    again = post_form(client, f"/voting/{cycle.id}/review", data,
                      token_from=f"/voting/{cycle.id}/my-ballot")
    assert again.headers["Location"].endswith(f"/voting/{cycle.id}/my-ballot")
    assert ballots(db, cycle) == 1


def test_the_receipt_says_what_happens_next(client, db, make_user, knapsack):
    cycle, projects, district, _other = knapsack
    sign_in(client, make_user(verified=True, district_id=district.id))
    post_form(client, f"/voting/{cycle.id}/ballot",
              {"choice": [choice(projects[2])], "action": "cast"})
    page = client.get(f"/voting/{cycle.id}/my-ballot").get_data(as_text=True)
    closes = cycle.voting_end.astimezone(KYIV)
    assert f"Голосування триває до {closes:%d.%m.%Y, %H:%M}." in page
    results = cycle.results_date.astimezone(KYIV)
    assert f"результати мають бути оголошені {results:%d.%m.%Y} на сторінці" in page
    assert f'href="http://portal.test/voting/{cycle.id}/board"' in page
    assert "введіть там свій код" in page

