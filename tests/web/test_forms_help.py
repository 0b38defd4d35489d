"""Forms that help: cost lines added and removed without JavaScript, a running total, an
error summary linking to the fields in error, forms shown only where they can be used, and
the words and dates of issue 11 (a cycle's "Назва", dd.mm.yyyy, the quarterly title)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal.accounts.models import Role
from portal.clock import utcnow
from portal.i18n import kyiv_datetime
from portal.programs import services as programs
from portal.projects.models import Project
from portal.reports.services import ReportFormat, ReportKind, ReportSpec, generate
from portal.review import services as review
from tests.conftest import csrf_token, post_form, sign_in
from tests.factories.programs import make_program
from tests.factories.voting import make_vote

pytestmark = pytest.mark.module_transaction


LINES = {
    "lines-0-name": "Ліхтар LED", "lines-0-quantity": "12", "lines-0-unit": "шт.",
    "lines-0-unit_price": "8 500",
    "lines-1-name": "Кабель", "lines-1-quantity": "350,5", "lines-1-unit": "м",
    "lines-1-unit_price": "120,40",
    "lines-2-name": "Монтаж", "lines-2-quantity": "1", "lines-2-unit": "послуга",
    "lines-2-unit_price": "25000",
}


def send(client, cycle, data):
    return post_form(client, f"/projects/new?cycle={cycle.id}", {
        "title": "Освітлення алеї", "category": str(cycle.categories[0].id), "district": "",
        **data})


def rows(page: str) -> list[str]:
    return re.findall(r'name="(lines-\d+)-name"', page)


def test_the_new_project_form_offers_one_line_a_total_and_an_add_button(client, cycle, author):
    sign_in(client, author)
    page = client.get(f"/projects/new?cycle={cycle.id}").get_data(as_text=True)
    assert rows(page) == ["lines-0"]
    assert 'name="add_line"' in page and "Додати рядок" in page
    assert 'id="estimate-total"' in page and "0,00\u00a0грн" in page
    assert "js/estimate.js" in page


def test_add_a_line_without_javascript_shows_the_form_again_with_one_more_and_saves_nothing(
        client, db, cycle, author):
    sign_in(client, author)
    response = send(client, cycle, {**LINES, "add_line": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert rows(page) == ["lines-0", "lines-1", "lines-2", "lines-3"]
    assert 'value="Кабель"' in page and 'value="350,5"' in page
    # the running total of the three lines: 102 000 + 42 200,20 + 25 000
    assert "169\u00a0200,20\u00a0грн" in page
    assert "У формі є помилки" not in page  # a rearrangement is not a refusal
    assert db.execute(select(Project)).first() is None


def test_remove_a_line_without_javascript_drops_that_line_only(client, db, cycle, author):
    sign_in(client, author)
    page = send(client, cycle, {**LINES, "remove_line": "1"}).get_data(as_text=True)
    assert rows(page) == ["lines-0", "lines-2"]
    assert "Кабель" not in page and 'value="Монтаж"' in page
    assert "127\u00a0000,00\u00a0грн" in page
    # the remaining lines are numbered 1, 2 for the person and for screen readers
    assert 'aria-label="Назва, рядок 2"' in page or "рядок 2" in page
    assert db.execute(select(Project)).first() is None
    # a bad position changes nothing and answers the form, not an error page
    page = send(client, cycle, {**LINES, "remove_line": "x"}).get_data(as_text=True)
    assert rows(page) == ["lines-0", "lines-1", "lines-2"]


def test_removing_the_only_line_leaves_an_empty_one(client, cycle, author):
    sign_in(client, author)
    page = send(client, cycle, {"lines-0-name": "Лавка", "remove_line": "0"}
                ).get_data(as_text=True)
    assert len(rows(page)) == 1 and "Лавка" not in page


def test_the_line_a_person_saves_with_enter_is_kept(client, db, cycle, author):
    """The first submit button of the form saves: Enter in a field never removes a line."""
    sign_in(client, author)
    page = client.get(f"/projects/new?cycle={cycle.id}").get_data(as_text=True)
    form = page[page.index('id="project-form"'):]
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert 'name=' not in first_button and 'type="submit"' in first_button
    response = send(client, cycle, LINES)
    assert response.status_code == 302
    assert db.execute(select(Project)).scalar_one().total_cost == 169_200_20


def test_an_error_summary_links_to_each_field_in_error(client, db, cycle, author):
    sign_in(client, author)
    response = send(client, cycle, {"title": "", "lines-0-name": "Лавка",
                                    "lines-0-quantity": "багато", "lines-0-unit": "шт.",
                                    "lines-0-unit_price": "1000"})
    page = response.get_data(as_text=True)
    summary = page[page.index('class="form-errors error-summary"'):]
    summary = summary[:summary.index("</div>")]
    assert 'role="alert"' in summary and "<h2" in summary and "У формі є помилки" in summary
    assert '<a href="#title">Назва:' in summary
    assert '<a href="#lines-0-quantity">Кількість, рядок 1: Вкажіть кількість числом' in summary
    assert 'id="title"' in page and 'id="lines-0-quantity"' in page  # the links' targets
    assert page.index("error-summary") < page.index('name="title"')  # at the top
    assert "js/forms.js" in page  # which moves the focus to the summary
    assert db.execute(select(Project)).first() is None


def test_a_page_without_errors_has_no_summary(client, cycle, author):
    sign_in(client, author)
    page = client.get(f"/projects/new?cycle={cycle.id}").get_data(as_text=True)
    assert "error-summary" not in page and "js/forms.js" not in page


def test_an_unverified_author_is_told_how_to_verify_instead_of_a_form(client, db, cycle,
                                                                       make_user):
    sign_in(client, make_user())
    page = client.get(f"/projects/new?cycle={cycle.id}").get_data(as_text=True)
    assert 'id="project-form"' not in page and 'name="lines-0-name"' not in page
    assert "Перш ніж писати проєкт" in page
    assert "ЦНАП" in page and 'href="/verify/"' in page
    assert "Підтвердити обліковий запис" in page
    send(client, cycle, LINES)
    assert db.execute(select(Project)).first() is None


def test_decisions_on_the_count_are_offered_only_while_a_meeting_is_held(client, db):
    cycle, _projects, commission, meeting, _voters = make_vote(db)
    sign_in(client, commission)
    url = f"/commission/voting/{cycle.id}"
    client.post(f"{url}/tally", data={"csrf_token": csrf_token(client, url)})
    page = client.get(url).get_data(as_text=True)
    assert 'name="ballots"' in page  # the annulment form, at the meeting being held
    counts = page[page.index("<tbody>"):page.index("</tbody>")]  # the counts, in words
    assert "greedy" not in counts and "registration" not in counts
    assert "За рівної кількості голосів перемагає проєкт, зареєстрований раніше." in counts
    review.close_meeting(db, actor=commission, meeting=meeting, now=utcnow())
    page = client.get(url).get_data(as_text=True)
    assert 'name="ballots"' not in page and 'value="annul"' not in page
    assert "форма з’явиться тут, щойно буде відкрито засідання" in page
    assert f'href="/commission/review/cycles/{cycle.id}"' in page


def test_the_cycle_form_calls_the_name_of_a_cycle_nazva(client, make_user):
    sign_in(client, make_user(Role.ADMIN))
    page = client.get("/admin/cycles/new").get_data(as_text=True)
    label = re.search(r'<label for="name">([^<]*)</label>', page).group(1)
    assert label == "Назва"
    assert "Ім’я" not in page and "Ім'я" not in page


def test_dates_are_written_with_four_digit_years(app):
    moment = datetime(2027, 3, 5, 7, 30, tzinfo=UTC)
    for locale in ("uk", "en"):
        with app.test_request_context("/"), force_locale(locale):
            assert kyiv_datetime(moment) == "05.03.2027, 09:30"  # Kyiv is UTC+2 in March
            assert kyiv_datetime(moment, "date") == "05.03.2027"
            assert kyiv_datetime(date(2027, 3, 5)) == "05.03.2027"
            assert kyiv_datetime(None) == ""


def test_the_quarterly_report_is_titled_for_its_quarter(db, app_ctx):
    program, _measures = make_program(db)
    with force_locale("uk"):
        html = generate(db, program, ReportSpec(ReportKind.QUARTER, 2024, 2),
                        ReportFormat.HTML).content.decode()
        annual = generate(db, program, ReportSpec(ReportKind.ANNUAL, 2024),
                          ReportFormat.HTML).content.decode()
    title = re.search(r"<title>([^<]*)</title>", html).group(1)
    assert title == "Звіт про хід виконання Програми у 2 кварталі 2024 року"
    assert re.search(r"<title>([^<]*)</title>", annual).group(1) == (
        "Звіт про результати виконання Програми у 2024 році")


def test_amendments_are_cited_grammatically(db, app_ctx):
    program, _measures = make_program(db)
    programs.add_amendment(db, actor=None, program=program, decided_by="Бахмутської міської ради",
                           decided_on=date(2024, 2, 28), number="6/45-123", now=utcnow())
    with force_locale("uk"):
        html = generate(db, program, ReportSpec(ReportKind.ANNUAL, 2024),
                        ReportFormat.HTML).content.decode()
    assert "внесеними рішення" not in html  # the old slip: "із змінами, внесеними рішення"
    assert ("(зміни внесено: рішення Бахмутської міської ради від 28.02.2024 №6/45-123)"
            in " ".join(html.split()))
