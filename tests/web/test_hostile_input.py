"""Ordinary hostile input gets an answer, never a 500: the examples of issue 10, point 3.

One rule reads ids, page numbers and choices (``portal.parsing``): ASCII digits only,
bounded by the database's ``INTEGER``; malformed is 400 (or a form error in the user's
language), beyond the range is 404, a page past the last one is the last page. A NUL
character anywhere in the query, the form or the address is refused with 400. The
overflowing ids matter on PostgreSQL, which refuses them with an error.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.projects.rules import ProjectStatus
from portal.voting.models import Ballot
from tests.conftest import post_form, sign_in
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project
from tests.factories.voting import make_voting_cycle

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
MALFORMED_BALLOT = "Не вдалося прочитати бюлетень"


def arabic(number: int) -> str:
    return str(number).translate(ARABIC_INDIC)


@pytest.fixture
def project(db, make_user):
    cycle = make_cycle(db, make_user(Role.ADMIN))
    return make_project(db, cycle, make_user(), status=ProjectStatus.SUBMITTED,
                        title="Сквер біля школи")


@pytest.mark.parametrize("path", [
    "/projects/99999999999", "/projects/2147483648", "/cycles/4294967296",
    "/api/v1/cycles/4294967296/board", "/api/v1/cycles/99999999999999999999/results",
    "/api/v1/programs/1/reports/99999999999", "/voting/9223372036854775808/board",
    "/projects/" + "9" * 5000,
])
def test_an_id_beyond_the_database_range_is_not_found(client, path):
    response = client.get(path)
    assert response.status_code == 404
    if path.startswith("/api/"):
        assert response.get_json()["error"]["code"] == 404


def test_an_id_in_other_digits_is_not_the_project(client, project):
    assert client.get(f"/projects/{project.id}").status_code == 200
    assert client.get(f"/projects/{arabic(project.id)}").status_code == 404
    assert client.get(f"/projects/{project.id}²").status_code == 404


def test_the_largest_id_still_reaches_the_view(client):
    assert client.get("/projects/2147483647").status_code == 404  # no such row, no error


@pytest.mark.parametrize("query", ["page=%C2%B2", "page=abc", "page=0", "page=-1", "page=1.5",
                                   "page=%D9%A4", "cycle=%C2%B2", "category=x", "district=%D9%A4",
                                   "page=+1", "page=%201", "page="])
def test_a_malformed_number_in_the_list_query_is_a_bad_request(client, project, query):
    response = client.get(f"/projects/?{query}")
    assert response.status_code == 400
    assert "Неправильний запит" in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["page=99999999999", "page=99999999999999999999999",
                                   "page=37", "cycle="])
def test_a_page_past_the_last_shows_the_last_page(client, project, query):
    response = client.get(f"/projects/?{query}")
    assert response.status_code == 200
    assert "Сквер біля школи" in response.get_data(as_text=True)  # the first page is the last


def test_a_filter_id_beyond_the_range_is_not_found(client, project):
    assert client.get("/projects/?cycle=99999999999").status_code == 404
    assert client.get("/projects/?district=4294967296").status_code == 404


def test_the_audit_log_past_the_database_range_shows_its_last_page(client, make_user):
    sign_in(client, make_user(Role.ADMIN))
    response = client.get("/admin/audit?page=99999999999999999999999")
    assert response.status_code == 200
    assert client.get("/admin/audit?page=%C2%B2").status_code == 400
    assert client.get("/admin/users?page=4294967296").status_code == 200
    assert client.get("/admin/users?page=x").status_code == 400


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b", "sort=%00", "%00=1", "status=x%00"])
def test_a_nul_in_the_query_is_a_bad_request(client, project, query):
    response = client.get(f"/projects/?{query}")
    assert response.status_code == 400
    assert "Неправильний запит" in response.get_data(as_text=True)


def test_a_nul_in_the_address_is_a_bad_request(client):
    assert client.get("/reset/abc%00def").status_code == 400


def test_a_nul_in_the_login_email_is_refused_in_the_users_language(client, make_user):
    user = make_user()
    response = post_form(client, "/login", {"email": "a\x00b", "password": "x"})
    assert response.status_code == 400
    assert "Неправильний запит" in response.get_data(as_text=True)
    response = post_form(client, "/login", {"email": user.email, "password": "x\x00"})
    assert response.status_code == 400
    assert client.get("/profile").status_code == 302  # not signed in


def test_a_nul_in_a_staff_form_changes_nothing(client, db, make_user):
    admin = make_user(Role.ADMIN)
    sign_in(client, admin)
    cycle = make_cycle(db, admin)
    name = cycle.name
    response = post_form(client, f"/admin/cycles/{cycle.id}/edit", {"name": "Бюджет\x00участі"})
    assert response.status_code == 400
    db.refresh(cycle)
    assert cycle.name == name


# The ballot: choices are "<category id>:<project id>".

@pytest.fixture
def election(db, make_user):
    cycle = make_voting_cycle(db, make_user(Role.ADMIN), votes_per_voter=2)
    projects = [make_project(db, cycle, make_user(), status=ProjectStatus.ADMITTED,
                             title=f"Спортмайданчик {n}") for n in range(2)]
    return cycle, projects


def ballots(db, cycle) -> int:
    return db.scalar(select(func.count()).select_from(Ballot).where(Ballot.cycle_id == cycle.id))


@pytest.mark.parametrize("action", ["cast", "check"])
def test_a_choice_in_other_digits_is_a_form_error_not_a_project(
        client, db, make_user, election, action):
    cycle, projects = election
    sign_in(client, make_user(verified=True))
    url = f"/voting/{cycle.id}/ballot"
    project = projects[0]
    for value in (f"{project.category_id}:{arabic(project.id)}",
                  f"{arabic(project.category_id)}:{project.id}",
                  f"{project.category_id}:²", f"{project.category_id}:{project.id}²",
                  f"{project.category_id}:99999999999", f"{project.category_id}:-{project.id}",
                  f"{project.category_id}: {project.id}"):
        response = post_form(client, url, {"choice": [value], "action": action})
        assert response.status_code == 200, value
        assert MALFORMED_BALLOT in response.get_data(as_text=True), value
    assert ballots(db, cycle) == 0


def test_a_choice_in_other_digits_is_refused_at_the_paper_desk(client, db, make_user, election):
    cycle, projects = election
    sign_in(client, make_user(Role.VERIFIER))
    url = f"/desk/voting/{cycle.id}"
    project = projects[0]
    from portal.identity.rules import make_rnokpp

    response = post_form(client, url, {
        "kind": "rnokpp", "number": make_rnokpp("410000077"), "birth_date": "1980-02-02",
        "resident": "y", "document_checked": "y", "district": "",
        "choice": [f"{project.category_id}:{arabic(project.id)}"]})
    assert response.status_code == 200
    assert MALFORMED_BALLOT in response.get_data(as_text=True)
    assert ballots(db, cycle) == 0


# The API answers 400 where its OpenAPI document forbids a value.

@pytest.fixture
def closed(db, make_user):
    return make_voting_cycle(db, make_user(Role.ADMIN), open_now=False)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "%C2%B2", "%D9%A1", "1e3", "%00"])
def test_the_api_refuses_a_page_its_document_forbids(client, closed, page):
    response = client.get(f"/api/v1/cycles/{closed.id}/board?page={page}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == 400


def test_the_api_serves_the_last_page_past_the_end(client, closed):
    for page in ("1", "2", "99999999999"):
        response = client.get(f"/api/v1/cycles/{closed.id}/board?page={page}")
        assert response.status_code == 200
        assert response.get_json()["page"] == 1


def test_the_openapi_document_says_what_the_api_answers(client):
    document = client.get("/api/v1/openapi.json").get_json()
    board = next(operation["get"] for path, operation in document["paths"].items()
                 if path.endswith("/cycles/{cycle_id}/board"))
    page = next(p for p in board["parameters"] if p["name"] == "page")
    assert page["schema"]["minimum"] == 1
    assert "400" in board["responses"] and "404" in board["responses"]
    checkpoints = next(operation["get"] for path, operation in document["paths"].items()
                       if path.endswith("/audit/checkpoints"))
    assert "400" in checkpoints["responses"]
    for path in document["paths"].values():
        for parameter in path["get"].get("parameters", []):
            # Ids are integers within the database's range; a code and a dataset's name
            # (an enum of names) are strings.
            if parameter["in"] == "path" and parameter["name"] not in ("community_code",
                                                                         "name"):
                schema = parameter["schema"]
                assert (schema["minimum"], schema["maximum"]) == (0, 2**31 - 1), parameter


# Numbers typed into forms: the same rule, as a form error in the user's language.

@pytest.mark.parametrize("typed", ["٣", "３", "²", "1_0", "99999999999", "1e3"])
def test_a_number_in_other_digits_is_a_form_error(client, db, make_user, typed):
    from portal.cycles.models import Category

    admin = make_user(Role.ADMIN)
    sign_in(client, admin)
    cycle = make_cycle(db, admin)
    before = db.scalar(select(func.count()).select_from(Category))
    response = post_form(client, f"/admin/cycles/{cycle.id}/categories/new", {
        "name": "Нова", "kind": "citywide", "budget": "100 000", "min_cost": "0",
        "max_cost": "100 000", "position": typed})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Неправильне ціле число." in body or "Число має бути" in body, typed
    assert db.scalar(select(func.count()).select_from(Category)) == before


def test_a_project_form_with_other_digits_in_its_lists_is_refused_as_a_form(
        client, db, make_user):
    from tests.web.test_projects_web import DRAFT

    cycle = make_cycle(db, make_user(Role.ADMIN))
    sign_in(client, make_user(verified=True))
    for category, district in (("²", ""), (arabic(cycle.categories[0].id), "٤")):
        response = post_form(client, f"/projects/new?cycle={cycle.id}",
                             {**DRAFT, "category": category, "district": district})
        assert response.status_code == 200, category
        assert "Недопустимий вибір." in response.get_data(as_text=True), category


@pytest.mark.parametrize("task", ["²", "٤", "99999999999"])
def test_a_plan_sheet_with_other_digits_is_a_listed_problem(client, db, make_user, task):
    import io

    from tests.factories.programs import make_program

    program, _measures = make_program(db, code=f"sheet-{task.encode().hex()}")
    sign_in(client, make_user(Role.STAFF))
    page = f"/staff/programs/{program.id}/import"
    sheet = ("task,task_title,measure,content,source,2024,²\n"
             f"{task},Нове завдання,4.1,Форум,city_budget,10,12\n")
    response = post_form(client, page, {"file": (io.BytesIO(sheet.encode()), "plan.csv")},
                         content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Нічого не імпортовано" in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["0", "-1", "1.5", "%C2%B2", "%D9%A1"])
def test_the_audit_checkpoints_refuse_a_page_that_is_not_one(client, page):
    response = client.get(f"/api/v1/audit/checkpoints?page={page}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == 400
    assert client.get(f"/audit/checkpoints?page={page}").status_code == 400
    assert client.get("/api/v1/audit/checkpoints?page=99999999999").get_json()["page"] == 1
