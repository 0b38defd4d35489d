"""The review through the browser's eyes: the commission's pages, decisions, e-mails, protocols."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from docx import Document
from pypdf import PdfReader

from portal.accounts.models import Role
from portal.clock import utcnow
from portal.cycles.rules import Phase
from portal.projects.rules import ProjectStatus
from portal.review import decisions, services
from portal.review.models import MeetingStatus
from portal.review.rules import DecisionKind, RejectionReason
from tests.conftest import made_file, post_form, sign_in
from tests.factories import accounts
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project
from tests.factories.review import MEETING_DAY, held_meeting, seat_commission

#: The estimate the author submitted: four benches at 5 500 грн.
BENCHES = ("Лавка", 4, "шт.", 5_500_00)


# The scene is built once; each test runs in a savepoint rolled back after it.
pytestmark = pytest.mark.module_transaction


@pytest.fixture(scope="module")
def scene(module_db):
    """A commission member in the seat of chair, and an author's project under review."""
    db = module_db
    member = accounts.make_user(db, Role.COMMISSION, name="Марія Комісійна")
    author = accounts.make_user(db, name="Оксана Авторка")
    cycle = make_cycle(db, accounts.make_user(db, Role.ADMIN), phase=Phase.REVIEW)
    seat_commission(db, cycle, member, users=[member])
    project = make_project(db, cycle, author, status=ProjectStatus.SUBMITTED,
                           title="Сквер біля школи № 5", lines=[BENCHES])
    return member, author, cycle, project


def test_the_commission_holds_a_meeting_and_admits_a_project_through_the_pages(
        app, db, client, scene, outbox):
    member, author, cycle, project = scene
    sign_in(client, member)
    response = post_form(client, f"/commission/review/cycles/{cycle.id}/meetings", {
        "number": "1", "held_on": MEETING_DAY.isoformat(), "place": "Зала засідань",
        "agenda": "Розгляд проєктів"}, token_from=f"/commission/review/cycles/{cycle.id}")
    assert response.status_code == 302
    meeting_url = response.location
    meeting = services.meetings_of(db, cycle, public_only=False)[0]
    seats = services.seats_of(db, cycle)
    response = post_form(client, f"/commission/review/meetings/{meeting.id}/attendance",
                         {"present": [str(s.id) for s in seats[:6]]}, token_from=meeting_url)
    assert response.status_code == 302
    post_form(client, f"/commission/review/meetings/{meeting.id}/agenda", {"project": project.id},
              token_from=meeting_url)
    post_form(client, f"/commission/review/meetings/{meeting.id}/open", {}, token_from=meeting_url)
    db.expire_all()
    assert meeting.status is MeetingStatus.HELD and meeting.present == 6
    decide_url = f"/commission/review/meetings/{meeting.id}/projects/{project.id}"
    page = client.get(decide_url).get_data(as_text=True)
    assert "Допустити до голосування" in page and "щонайменше 4" in page
    response = post_form(client, decide_url, {"choice": "admit", "votes_for": "5",
                                              "votes_against": "1", "abstained": "0"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.expire_all()
    assert project.status is ProjectStatus.ADMITTED
    mails = [p.read_text() for p in outbox.glob("*.eml")]
    assert len(mails) == 1 and author.email in mails[0]

    public = app.test_client()
    body = public.get(f"/review/projects/{project.id}").get_data(as_text=True)
    assert "Допущено до голосування" in body and "за — 5, проти — 1" in body
    assert public.get(f"/review/meetings/{meeting.id}").status_code == 200


def _decision_page(client, db, scene) -> str:
    """The member signed in, the project on the agenda of a meeting with six present: the
    address of the decision's page."""
    member, _author, cycle, project = scene
    meeting = held_meeting(db, cycle, member, present=6, projects=[project])
    sign_in(client, member)
    return f"/commission/review/meetings/{meeting.id}/projects/{project.id}"


def test_a_decision_without_majority_is_refused_with_a_message(client, db, scene):
    project = scene[3]
    url = _decision_page(client, db, scene)
    response = post_form(client, url, {"choice": "admit", "votes_for": "3",
                                       "votes_against": "0", "abstained": "3"})
    assert response.status_code == 400
    assert "більше половини присутніх" in response.get_data(as_text=True)
    assert project.status is ProjectStatus.UNDER_REVIEW


def test_a_refused_decision_keeps_nothing_and_mails_no_one(client, db, scene, outbox):
    project = scene[3]
    url = _decision_page(client, db, scene)
    response = post_form(client, url, {"choice": "reject", "votes_for": "6",
                                       "votes_against": "0", "abstained": "0"})
    assert response.status_code == 400
    # Every problem of the decision is shown on the field of the first one (the ground).
    assert ('id="reason-error">Оберіть підставу для відхилення. Поясніть рішення словами: '
            'його прочитають автор і громада.</p>') in response.get_data(as_text=True)
    assert decisions.project_decisions(db, project) == []
    assert project.status is ProjectStatus.UNDER_REVIEW
    assert list(outbox.glob("*.eml")) == []


def test_a_refused_step_of_a_meeting_is_flashed_and_changes_nothing(client, db, scene):
    member, _author, cycle, project = scene
    draft = services.create_meeting(db, actor=member, cycle=cycle, number=1,
                                    held_on=MEETING_DAY, place="Зала", agenda="", now=utcnow())
    sign_in(client, member)
    meeting_url = f"/commission/review/meetings/{draft.id}"
    response = post_form(client, f"{meeting_url}/open", {}, token_from=meeting_url)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Кворуму немає: має бути присутньою більше половини складу комісії." in page
    db.expire_all()
    assert draft.status is MeetingStatus.DRAFT and draft.opened_at is None

    held = held_meeting(db, cycle, member, present=6, projects=[project])
    with client.application.test_request_context("/"):
        decisions.record_decision(db, actor=member, meeting=held, project=project,
                                  kind=DecisionKind.ADMIT, votes_for=6, votes_against=0,
                                  abstained=0, now=utcnow())
    held_url = f"/commission/review/meetings/{held.id}"
    item = held.agenda_items[0]
    response = post_form(client, f"{held_url}/agenda/{item.id}/remove", {},
                         token_from=held_url)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Засідання вже ухвалило рішення щодо цього проєкту." in page
    db.expire_all()
    assert [i.project_id for i in held.agenda_items] == [project.id]


def test_handing_projects_to_the_commission_too_early_is_refused(client, db, scene, make_user):
    _member, _author, cycle, project = scene
    cycle.suspended_at, cycle.suspension_reason = utcnow(), "Воєнний стан"
    db.flush()
    sign_in(client, make_user(Role.ADMIN))
    response = post_form(client, f"/admin/review/cycles/{cycle.id}/begin-review", {},
                         token_from=f"/admin/review/roster/cycles/{cycle.id}")
    assert response.status_code == 302
    assert response.location.endswith(f"/admin/cycles/{cycle.id}")
    with client.session_transaction() as session:
        assert session["_flashes"] == [
            ("error", "Подання і збір підтримки ще не завершилися.")]
    db.expire_all()
    assert project.status is ProjectStatus.SUBMITTED


def test_bad_numbers_on_the_decision_form_are_refused_without_a_500(client, db, scene):
    project = scene[3]
    url = _decision_page(client, db, scene)
    response = post_form(client, url, {"choice": "reject", "votes_for": "-2",
                                       "votes_against": "x", "abstained": ""})
    assert response.status_code == 400
    response = post_form(client, url, {"choice": "no-such-choice", "votes_for": "6",
                                       "votes_against": "0", "abstained": "0"})
    assert response.status_code == 400
    assert decisions.project_decisions(db, project) == []


def test_a_draft_meeting_is_hidden_from_the_public(app, db, scene):
    member, _author, cycle, _project = scene
    meeting = services.create_meeting(db, actor=member, cycle=cycle, number=1,
                                      held_on=MEETING_DAY, place="Зала", agenda="",
                                      now=utcnow())
    public = app.test_client()
    assert public.get(f"/review/meetings/{meeting.id}").status_code == 404
    assert public.get(f"/review/meetings/{meeting.id}/protocol.pdf").status_code == 404


def _decided_meeting(db, app, scene):
    member, author, cycle, project = scene
    other = make_project(db, cycle, author, status=ProjectStatus.SUBMITTED,
                         title="Дитячий майданчик", lines=[BENCHES])
    staff = member
    services.record_expertise(
        db, actor=staff, project=project, department="Управління ЖКГ", feasible=True,
        conclusion="Реалізація можлива.", now=utcnow(),
        items=[services.CostLine("Лавка", Decimal(4), "шт.", 550_000)])
    meeting = held_meeting(db, cycle, member, present=7, projects=[project, other])
    with app.test_request_context("/"):
        decisions.record_decision(db, actor=member, meeting=meeting, project=project,
                                  kind=DecisionKind.ADMIT, votes_for=6, votes_against=1,
                                  abstained=0, now=utcnow())
        decisions.record_decision(db, actor=member, meeting=meeting, project=other,
                                  kind=DecisionKind.REJECT, votes_for=5, votes_against=0,
                                  abstained=2, reason=RejectionReason.LAND_NOT_OWNED,
                                  reason_text="Ділянка не належить громаді.", now=utcnow())
    return meeting


def test_the_protocol_prints_as_a_ukrainian_commission_protocol(app, db, scene):
    meeting = _decided_meeting(db, app, scene)
    body = app.test_client().get(f"/review/meetings/{meeting.id}/protocol",
                                 headers={"Accept-Language": "en"}).get_data(as_text=True)
    for text in ("ПРОТОКОЛ № 1", "засідання комісії з питань бюджету участі",
                 "ПОРЯДОК ДЕННИЙ", "СЛУХАЛИ:", "ВИРІШИЛИ:",
                 "Голосували: за — 6, проти — 1, утрималися — 0.",
                 "Допустити проєкт до голосування.", "Кворум є",
                 "на землі, що не належить громаді", "Голова комісії", "Секретар комісії",
                 "Back to the meeting"):
        assert text in body, text


def test_the_protocol_downloads_as_docx_with_the_decisions(app, db, scene):
    meeting = _decided_meeting(db, app, scene)
    response = made_file(app.test_client(), f"/review/meetings/{meeting.id}/protocol.docx")
    assert response.status_code == 200
    assert response.headers.getlist("Content-Type") == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
    assert response.headers["Content-Disposition"].endswith('.docx"')
    text = "\n".join(p.text for p in Document(BytesIO(response.data)).paragraphs)
    for fragment in ("ПРОТОКОЛ № 1", "ПОРЯДОК ДЕННИЙ", "СЛУХАЛИ:", "ВИРІШИЛИ:",
                     "Голосували: за — 5, проти — 0, утрималися — 2.",
                     "Ділянка не належить громаді."):
        assert fragment in text, fragment


def test_the_protocol_downloads_as_pdf_with_cyrillic_text(app, db, scene, tmp_path):
    meeting = _decided_meeting(db, app, scene)
    response = made_file(app.test_client(), f"/review/meetings/{meeting.id}/protocol.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers.getlist("Content-Type") == ["application/pdf"]
    pdf = tmp_path / "protocol.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    squeezed = " ".join(text.split())
    for fragment in ("ПРОТОКОЛ № 1", "ПОРЯДОК ДЕННИЙ", "СЛУХАЛИ:", "ВИРІШИЛИ:",
                     "за — 6, проти — 1, утрималися — 0"):
        assert fragment in squeezed, fragment
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert "DejaVu-Serif" in fonts and " yes " in fonts  # embedded
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)  # PDF/UA: a structure tree
    catalog = PdfReader(BytesIO(response.data)).trailer["/Root"]
    assert catalog["/Lang"] == "uk" and bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog


def test_an_author_contests_a_rejection_and_sees_it_pending(app, db, client, scene):
    member, author, cycle, project = scene
    meeting = held_meeting(db, cycle, member, present=6, projects=[project])
    with app.test_request_context("/"):
        decisions.record_decision(db, actor=member, meeting=meeting, project=project,
                                  kind=DecisionKind.REJECT, votes_for=6, votes_against=0,
                                  abstained=0, reason=RejectionReason.DUPLICATE,
                                  reason_text="Дублює інший проєкт.", now=utcnow())
    sign_in(client, author)
    page = client.get(f"/review/projects/{project.id}").get_data(as_text=True)
    assert "Оскаржити відхилення" in page
    url = f"/review/projects/{project.id}/complaint"
    response = post_form(client, url, {"text": "Проєкти різні: інша адреса."})
    assert response.status_code == 302
    page = client.get(f"/review/projects/{project.id}").get_data(as_text=True)
    assert "очікує рішення комісії" in page and "Оскаржити відхилення" not in page
    response = post_form(client, url, {"text": "Ще раз."})
    assert response.status_code == 200
    assert "вже оскаржено" in response.get_data(as_text=True) or "очікує" in \
        response.get_data(as_text=True)


def test_someone_else_cannot_contest_a_rejection(app, client, db, scene, make_user):
    _member, _author, _cycle, project = scene
    sign_in(client, make_user())
    assert client.get(f"/review/projects/{project.id}/complaint").status_code == 403


def test_staff_record_an_expertise_with_three_cost_lines(client, db, scene, make_user):
    _member, _author, _cycle, project = scene
    staff = make_user(Role.STAFF)
    sign_in(client, staff)
    url = f"/staff/review/projects/{project.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="items-0-name" type="text" value="Лавка"' in page
    assert 'value="5\xa0500,00"' in page and 'name="items-3-name"' in page
    response = post_form(client, url, {
        "department": "Управління ЖКГ", "feasible": "yes", "conclusion": "Можливо.",
        "items-0-name": "Лавка", "items-0-quantity": "4", "items-0-unit": "шт.",
        "items-0-unit_price": "5500,00",
        "items-1-name": "Урна", "items-1-quantity": "2", "items-1-unit": "шт.",
        "items-1-unit_price": "1 200",
        "items-2-name": "Монтаж", "items-2-quantity": "1,5", "items-2-unit": "день",
        "items-2-unit_price": "3000",
        "items-3-name": "", "items-3-quantity": "", "items-3-unit": "", "items-3-unit_price": "",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    db.expire_all()
    expertise = services.latest_expertise(db, project)
    assert expertise.adjusted_total == 2_200_000 + 240_000 + 450_000


def test_a_half_filled_cost_line_is_refused_and_nothing_is_stored(client, db, scene,
                                                                 make_user):
    _member, _author, _cycle, project = scene
    sign_in(client, make_user(Role.STAFF))
    url = f"/staff/review/projects/{project.id}"
    response = post_form(client, url, {
        "department": "ЖКГ", "feasible": "yes", "conclusion": "Можливо.",
        "items-0-name": "Лавка", "items-0-quantity": "багато", "items-0-unit": "шт.",
        "items-0-unit_price": "5500", "items-1-name": "Урна"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Рядок 1" in body and "Рядок 2" in body
    assert services.latest_expertise(db, project) is None


def test_a_feasible_expertise_without_an_estimate_is_refused_on_the_page(client, db, scene,
                                                                        make_user):
    _member, _author, _cycle, project = scene
    sign_in(client, make_user(Role.STAFF))
    url = f"/staff/review/projects/{project.id}"
    response = post_form(client, url, {"department": "ЖКГ", "feasible": "yes",
                                       "conclusion": "Можливо."})
    # The form comes back (its message sits on the estimate's lines, which the template
    # shows no errors for) and nothing is stored.
    assert response.status_code == 200
    assert 'name="conclusion"' in response.get_data(as_text=True)
    assert services.latest_expertise(db, project) is None
    db.expire_all()
    assert project.status is ProjectStatus.SUBMITTED


def test_the_admin_keeps_the_roster(client, db, scene, make_user):
    _member, _author, cycle, _project = scene
    sign_in(client, make_user(Role.ADMIN))
    url = f"/admin/review/roster/cycles/{cycle.id}"
    response = post_form(client, url, {"name": "Новий Член", "position": "громадський діяч",
                                       "role": "member", "email": ""})
    assert response.status_code == 302
    db.expire_all()
    assert len(services.seats_of(db, cycle)) == 10
    response = post_form(client, url, {"name": "Другий Голова", "role": "chair"})
    assert response.status_code == 400
    response = post_form(client, url, {"name": "Хтось", "role": "member",
                                       "email": "nobody@example.org"})
    assert response.status_code == 400


def test_a_returned_project_shows_its_deadline_to_everyone(app, db, scene):
    member, _author, cycle, project = scene
    meeting = held_meeting(db, cycle, member, projects=[project])
    with app.test_request_context("/"):
        decisions.record_decision(
            db, actor=member, meeting=meeting, project=project,
            kind=DecisionKind.RETURN_FOR_REVISION, votes_for=6, votes_against=0, abstained=0,
            reason_text="Додайте фото.", revision_deadline=MEETING_DAY + timedelta(days=10),
            now=utcnow())
    body = app.test_client().get(f"/review/projects/{project.id}").get_data(as_text=True)
    assert "Повернуто на доопрацювання" in body and "Додайте фото." in body
