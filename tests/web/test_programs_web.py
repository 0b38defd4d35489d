"""Program pages through the web: staff maintain, everyone reads; bad input changes nothing."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.programs.models import Financing, FundingLine, Measure, Program, Task
from tests.conftest import made_file, post_form, sign_in
from tests.factories.programs import make_program, plan

# The program is made once; each test adds its lines in a savepoint rolled back after it.
pytestmark = pytest.mark.module_transaction


@pytest.fixture(scope="module")
def published(module_db):
    """A published program with tasks 1-2 and measures 1.1, 1.2 and 2.1, and no lines yet."""
    return make_program(module_db)


@pytest.fixture
def staff(client, make_user):
    user = make_user(Role.STAFF)
    sign_in(client, user)
    return user


def test_staff_build_a_program_and_its_report_shows_the_money(client, db, staff):
    response = post_form(client, "/staff/programs/new", {
        "code": "civil-2024", "title": "Програма сприяння громадянському суспільству",
        "start_year": "2024", "end_year": "2026", "approved_by": "Міської ради",
        "approved_on": "2024-01-30", "approval_number": "5/12-345",
        "responsible_executor": "Відділ внутрішньої політики"})
    assert response.status_code == 302
    program = db.scalar(select(Program).where(Program.code == "civil-2024"))
    manage = f"/staff/programs/{program.id}"
    assert post_form(client, f"{manage}/tasks", {"number": "3", "title": "Участь"},
                     token_from=manage).status_code == 302
    response = post_form(client, f"{manage}/measures", {
        "number": "3.3", "content": "Бюджет участі", "term": "постійно"}, token_from=manage)
    assert response.status_code == 302
    measure = db.scalar(select(Measure).join(Task).where(Task.program_id == program.id))
    page = f"/staff/programs/measures/{measure.id}"
    response = post_form(client, f"/staff/programs/funding/measures/{measure.id}/lines", {
        "year": "2024", "source": "city_budget", "planned": "500,0", "department": ""},
        token_from=page)
    assert response.status_code == 302
    line = measure.lines[0]
    assert line.planned == 50_000_000
    response = post_form(client, f"/staff/programs/funding/lines/{line.id}/payments", {
        "paid_on": "2024-05-14", "amount": "464 200,00", "document": "п/д № 125"},
        token_from=f"/staff/programs/funding/lines/{line.id}")
    assert response.status_code == 302
    body = client.get(f"/programs/{program.id}/reports/2024/annual").get_data(as_text=True)
    assert "464,2" in body and "92,8" in body and "5/12-345" in body


@pytest.mark.parametrize(("amount", "message"), [
    ("сорок", "Введіть суму цифрами"), ("10,005", "точніша за копійку"),
    ("-5", "не може бути від’ємною"), ("0", "більшою за нуль")])
def test_a_bad_payment_amount_is_explained_and_stores_nothing(client, db, staff, amount,
                                                              message, published):
    _program, measures = published
    line = plan(db, measures["1.1"], 2024, 100_000)
    page = f"/staff/programs/funding/lines/{line.id}"
    response = post_form(client, f"{page}/payments", {
        "paid_on": "2024-05-14", "amount": amount, "document": "п/д"}, token_from=page)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.scalars(select(Financing)).all() == []


def test_a_payment_outside_the_lines_year_is_refused_in_words(client, db, staff, published):
    _program, measures = published
    line = plan(db, measures["1.1"], 2024, 100_000)
    page = f"/staff/programs/funding/lines/{line.id}"
    response = post_form(client, f"{page}/payments", {
        "paid_on": "2025-01-10", "amount": "100", "document": "п/д"}, token_from=page)
    assert response.status_code == 400
    assert "бюджетний рік рядка" in response.get_data(as_text=True)


def test_a_taken_code_is_refused_on_the_form_and_nothing_is_stored(client, db, staff):
    make_program(db, code="taken")
    response = post_form(client, "/staff/programs/new", {
        "code": "taken", "title": "Друга програма", "start_year": "2024", "end_year": "2026",
        "responsible_executor": "Відділ"})
    assert response.status_code == 200
    assert "Цей код уже має інша програма." in response.get_data(as_text=True)
    assert db.scalars(select(Program.code).where(Program.code == "taken")).all() == ["taken"]
    assert db.scalars(select(Program.id).where(Program.title == "Друга програма")).all() == []
    assert db.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == staff.id)
                      ).all() == []


def test_a_refused_deletion_keeps_the_record_and_says_why_on_the_next_page(client, db, staff):
    program, measures = make_program(db, code="refused-deletions")
    plan(db, measures["1.1"], 2024, 100_000, payments=[(date(2024, 3, 1), 50_000)])
    manage = f"/staff/programs/{program.id}"
    task = measures["1.1"].task
    response = post_form(client, f"/staff/programs/tasks/{task.id}/delete", {},
                         token_from=manage)
    assert response.status_code == 302 and response.location.endswith(manage)
    assert "Тут записано платежі; спершу видаліть їх." in client.get(manage).get_data(
        as_text=True)
    measure_page = f"/staff/programs/measures/{measures['1.1'].id}"
    response = post_form(client, f"{measure_page}/delete", {}, token_from=measure_page)
    assert response.status_code == 302 and response.location.endswith(measure_page)
    department = measures["1.2"].departments[0]
    response = post_form(client, f"/staff/programs/departments/{department.id}/delete", {},
                         token_from="/staff/programs/departments")
    assert response.status_code == 302
    assert "його не можна видалити" in client.get("/staff/programs/departments").get_data(
        as_text=True)
    assert db.get(Task, task.id) is not None and db.get(Measure, measures["1.1"].id) is not None
    assert db.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == staff.id)
                      ).all() == []


def test_a_draft_program_is_hidden_from_the_public(client, db):
    program, _measures = make_program(db, code="draft-program", published=False,
                                      title="Програма, що ще готується")
    assert client.get(f"/programs/{program.id}").status_code == 404
    assert client.get(f"/api/v1/programs/{program.id}/reports/2024").status_code == 404
    assert program.title not in client.get("/programs/").get_data(as_text=True)


def test_a_report_year_outside_the_term_is_not_found(client, db, published):
    program, _measures = published
    assert client.get(f"/programs/{program.id}/reports/2030/annual").status_code == 404
    assert client.get(f"/programs/{program.id}/reports/2024/q5").status_code == 404
    assert client.get(f"/programs/{program.id}/reports/2024/annual.exe").status_code == 404
    response = client.get(f"/api/v1/programs/{program.id}/reports/2030")
    assert response.status_code == 404 and response.json["error"]["code"] == 404


def test_the_api_gives_the_same_json_as_the_command_line(app, client, db, tmp_path, published):
    program, measures = published
    plan(db, measures["1.2"], 2024, 50_000_000, payments=[(date(2024, 6, 1), 46_420_000)])
    api = client.get(f"/api/v1/programs/{program.id}/reports/2024",
                     headers={"Accept-Language": "en"})
    assert api.status_code == 200 and api.mimetype == "application/json"
    output = tmp_path / "report.json"
    result = app.test_cli_runner().invoke(args=["report", "annual", program.code, "2024",
                                                 "--format", "json", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert json.loads(output.read_bytes()) == api.json
    assert api.json["totals"]["all"] == {"planned_kopecks": 50_000_000,
                                         "financed_kopecks": 46_420_000, "planned": "500,0",
                                         "financed": "464,2", "percent": "92,8"}


def test_the_command_line_refuses_an_unknown_program_or_year(app, db, published):
    program, _measures = published
    runner = app.test_cli_runner()
    result = runner.invoke(args=["report", "annual", "no-such-program", "2024"])
    assert result.exit_code != 0 and "no program" in result.output
    result = runner.invoke(args=["report", "annual", str(program.id), "2031"])
    assert result.exit_code != 0 and "year_outside_term" in result.output
    assert "Error: year_outside_term: test-program runs 2023-2025" in result.output


@pytest.mark.parametrize(("path", "content_type", "disposition"), [
    ("reports/2024/annual.pdf", "application/pdf", "inline"),
    ("reports/2024/q2.docx", "application/vnd.openxmlformats-officedocument."
                             "wordprocessingml.document", "attachment"),
    ("reports/2024/half-year.xlsx", "application/vnd.openxmlformats-officedocument."
                                    "spreadsheetml.sheet", "attachment"),
    ("reports/2024/plan.csv", "text/csv; charset=utf-8", "attachment"),
    ("reports/2024/annual.json", "application/json", "inline"),
    ("passport.html", "text/html; charset=utf-8", "inline"),
])
def test_reports_download_in_every_format(client, db, path, content_type, disposition,
                                          published):
    program, measures = published
    plan(db, measures["1.1"], 2024, 100_000)
    url = f"/programs/{program.id}/{path}"
    response = made_file(client, url) if path.endswith((".pdf", ".docx")) else client.get(url)
    assert response.status_code == 200
    # The header exactly: one type, the charset once where the type is text.
    assert response.headers.getlist("Content-Type") == [content_type]
    assert response.headers["Content-Disposition"].startswith(disposition)


def test_the_report_page_speaks_english_to_an_english_reader(client, db, published):
    program, _measures = published
    body = client.get(f"/programs/{program.id}/reports/2024/annual",
                      headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Execution of the program&#39;s measures" in body or \
        "Execution of the program's measures" in body
    assert "Total:" in body


def csv_upload(text: str, name: str = "plan.csv"):
    return (io.BytesIO(text.encode("utf-8")), name)


def test_a_sheet_with_a_problem_imports_nothing_and_lists_the_problems(client, db, staff,
                                                                       published):
    program, _measures = published
    page = f"/staff/programs/{program.id}/import"
    sheet = ("task,task_title,measure,content,source,2024,2025\n"
             "4,Нове завдання,4.1,Форум,city_budget,10,12\n"
             "4,,5.1,Чужий номер,other,1,1\n")
    response = post_form(client, page, {"file": csv_upload(sheet)}, token_from=page,
                         content_type="multipart/form-data")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Нічого не імпортовано" in body and "не починається з номера завдання" in body
    assert [t.number for t in program.tasks] == [1, 2]


def test_a_valid_sheet_updates_and_adds_measures_and_lines(client, db, staff, published):
    program, measures = published
    plan(db, measures["1.1"], 2024, 100_000)
    page = f"/staff/programs/{program.id}/import"
    template = client.get(f"/staff/programs/{program.id}/template.csv")
    assert template.status_code == 200
    assert template.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"]
    lines = template.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("task,task_title,measure,content,term,executors,source,2023")
    sheet = ("task,task_title,measure,content,source,2024,2025\n"
             "1,Участь громадян,1.1,Громадські слухання,city_budget,2,\"3,5\"\n"
             "4,Нове завдання,4.1,Форум,other,10,\n")
    response = post_form(client, page, {"file": csv_upload(sheet)}, token_from=page,
                         content_type="multipart/form-data")
    assert response.status_code == 302
    planned = {(line.measure.number, line.year, line.source.value): line.planned
               for line in db.scalars(select(FundingLine))}
    assert planned == {("1.1", 2024, "city_budget"): 200_000,
                       ("1.1", 2025, "city_budget"): 350_000,
                       ("4.1", 2024, "other"): 1_000_000}
    assert [t.number for t in program.tasks] == [1, 2, 4]


def test_the_printable_page_carries_its_stylesheet_and_allows_nothing_else(client, db, published):
    program, _measures = published
    response = client.get(f"/programs/{program.id}/reports/2024/annual.html")
    body = response.get_data(as_text=True)
    assert "<style>" in body and ".report-table" in body and "<script" not in body
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "style-src 'unsafe-inline'" in policy


def test_the_program_page_rolls_money_up_to_tasks_and_the_year(client, db, published):
    program, measures = published
    plan(db, measures["1.1"], 2024, 100_000, payments=[(date(2024, 2, 1), 50_000)])
    plan(db, measures["1.2"], 2024, 300_000)
    plan(db, measures["2.1"], 2024, 600_000, payments=[(date(2024, 3, 1), 600_000)])
    body = client.get(f"/programs/{program.id}").get_data(as_text=True)
    assert "<td class=\"num\">4,0</td><td class=\"num\">0,5</td><td class=\"num\">12,5</td>" \
        in body
    assert "<strong>10,0</strong></td><td class=\"num\"><strong>6,5</strong>" in body
