"""The front pages through the test client: the home page, a cycle's page and a project's
page say where each cycle stands, offer this visitor their one action, and follow a project
from the vote to its implementation, in a few SQL statements."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from PIL import Image

from config import TESTING_AUDIT_KEY
from portal.accounts.models import Role
from portal.audit.signing import private_key
from portal.clock import KYIV, utcnow
from portal.cycles import services as cycle_services
from portal.cycles.rules import Phase
from portal.implementation import services as implementation
from portal.implementation.funding import fund_winners
from portal.implementation.rules import ImplementationStatus
from portal.programs import funding
from portal.programs.winners import link_cycle
from portal.projects.models import Attachment
from portal.projects.rules import ProjectStatus
from portal.results import tallies
from portal.uploads import AttachmentKind, DiskStore, check_upload
from portal.voting import context
from portal.voting import services as voting
from portal.voting.rules import Choice
from tests.conftest import sign_in
from tests.factories.cycles import make_cycle
from tests.factories.programs import make_program
from tests.factories.projects import make_project
from tests.factories.voting import make_vote, make_voting_cycle
from tests.web.test_project_list_queries import counted

KEY = private_key(TESTING_AUDIT_KEY)
MAX = 1024 * 1024


def png(colour=(20, 120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return buffer.getvalue()


def text_of(response) -> str:
    """The page's main text, tags removed and spaces collapsed."""
    body = response.get_data(as_text=True)
    main = body[body.index("<main"):]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).replace("&#34;", '"')


@pytest.fixture
def voting_cycle(db, make_user, app):
    """A vote open for a week, with one admitted project."""
    cycle = make_voting_cycle(db, make_user(Role.ADMIN))
    project = make_project(db, cycle, make_user(verified=True), status=ProjectStatus.ADMITTED,
                           title="Сквер біля ліцею")
    return cycle, project


def cast(db, app, cycle, voter, project) -> None:
    voting.cast_ballot(db, sheet=context.sheet_of(db, cycle),
                       voter=context.online_voter(db, voter),
                       choices=[Choice(project.category_id, project.id)],
                       secret=app.config["PERSON_KEY_SECRET"], now=utcnow())


def test_home_during_the_vote_shows_the_phase_its_end_and_asks_the_anonymous_to_log_in(
        client, voting_cycle):
    cycle, _project = voting_cycle
    page = client.get("/")
    text = text_of(page)
    end = cycle.voting_end.astimezone(KYIV).strftime("%d.%m.%Y")
    assert cycle.name in text and "Голосування" in text
    assert f"до {end}" in text and "ще 7 днів" in text
    ballot = f"/voting/{cycle.id}/ballot"
    assert f'href="/login?next={ballot}"' in page.get_data(as_text=True)
    assert "Увійдіть, щоб проголосувати" in text


def test_home_sends_the_unverified_to_verification_first(client, voting_cycle, make_user):
    sign_in(client, make_user())
    text = text_of(client.get("/"))
    assert "Пройдіть верифікацію, щоб проголосувати" in text
    assert "Увійдіть, щоб проголосувати" not in text


def test_home_gives_a_verified_resident_the_ballot_and_after_the_cast_the_receipt(
        client, db, app, voting_cycle, make_user):
    cycle, project = voting_cycle
    voter = make_user(verified=True)
    sign_in(client, voter)
    body = client.get("/").get_data(as_text=True)
    assert f'href="/voting/{cycle.id}/ballot">Проголосувати</a>' in body
    cast(db, app, cycle, voter, project)
    body = client.get("/").get_data(as_text=True)
    assert f'href="/voting/{cycle.id}/my-ballot"' in body
    assert "Ви проголосували: ваша квитанція" in body
    assert f'href="/voting/{cycle.id}/ballot"' not in body


def test_home_offers_submission_by_who_the_visitor_is(client, db, make_user):
    cycle = make_cycle(db, make_user(Role.ADMIN))
    assert "Увійдіть, щоб подати проєкт" in text_of(client.get("/"))
    sign_in(client, make_user(verified=True))
    body = client.get("/").get_data(as_text=True)
    assert 'href="/projects/new">Подати проєкт</a>' in body
    assert cycle.name in body and "Подання проєктів" in body


@pytest.fixture
def decided(db, app, make_user, tmp_path, monkeypatch):
    """A closed vote approved by the commission, its winner funded, paid in part, in
    progress with a dated update and its photo; the winner has a photo of its own."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    cycle, (a, b, _c), commission, meeting, voters = make_vote(db)
    tally = tallies.compute_tally(db, cycle=cycle, actor=commission, now=utcnow())
    tallies.approve_tally(db, tally=tally, meeting=meeting, votes=(3, 0, 0), actor=commission,
                          audit_key=KEY, now=utcnow())
    admin = make_user(Role.ADMIN)
    _program, measures = make_program(db, start=cycle.budget_year - 1,
                                      end=cycle.budget_year + 1)
    link_cycle(db, actor=admin, cycle=cycle, measure=measures["1.2"], now=utcnow())
    lines = {line.project_id: line for line in fund_winners(db, cycle=cycle, actor=admin,
                                                            now=utcnow())}
    line = lines[a.id]
    funding.record_payment(db, actor=None, line=line, paid_on=date(line.year, 5, 4),
                           amount=200_000_00, document="п/д 17", now=utcnow())
    implementation.set_status(db, actor=admin, line=line, status=ImplementationStatus.IN_PROGRESS,
                              progress=40, reason="", tender_number="", now=utcnow())
    store = DiskStore(tmp_path, max_bytes=MAX, session=db)
    implementation.post_update(
        db, actor=admin, line=line, posted_on=date(2026, 6, 1), text="Завезено обладнання.",
        photos=[check_upload(png(), "site.png", max_bytes=MAX)], store=store,
        today=date(2026, 12, 1),
        now=utcnow())
    photo = check_upload(png((200, 30, 30)), "idea.png", max_bytes=MAX)
    db.add(Attachment(project=a, kind=AttachmentKind.PHOTO, original_name="idea.png",
                      stored_name=store.save(photo), content_type=photo.type.content_type,
                      size=photo.size, sha256=photo.sha256, uploaded_at=utcnow()))
    db.flush()
    return cycle, (a, b), line, voters


def test_a_finished_cycle_links_its_results_and_board_and_shows_cards(client, decided):
    cycle, (a, b), _line, _voters = decided
    page = client.get(f"/cycles/{cycle.id}")
    body, text = page.get_data(as_text=True), text_of(page)
    assert f'href="/voting/{cycle.id}/results"' in body
    assert f'href="/voting/{cycle.id}/board"' in body
    card = body[body.index(f'href="/projects/{a.id}"') - 900:]
    assert re.search(rf'<img class="card-photo" src="/projects/{a.id}/files/\d+"', card)
    assert "Переможець" in text and "Не переміг" in text
    assert "600 000,00 грн" in text and "Загальноміські" in text


def test_a_winner_s_timeline_runs_from_the_vote_to_the_money_and_photos(client, decided):
    _cycle, (a, b), line, _voters = decided
    text = text_of(client.get(f"/projects/{a.id}"))
    after = text[text.index("Після голосування"):]
    assert "3 голоси" in after and "переможець" in after
    assert "заплановано 600 000,00 грн" in after and "сплачено 200 000,00 грн" in after
    assert f"04.05.{line.year}: 200 000,00 грн" in after
    assert "Виконується" in after or "виконано на 40 %" in after
    assert "01.06.2026" in after and "Завезено обладнання." in after
    body = client.get(f"/projects/{a.id}").get_data(as_text=True)
    assert re.search(r'<img src="/implementation/photos/\d+"', body)
    assert f'href="/implementation/{line.project_id}"' in body
    loser = text_of(client.get(f"/projects/{b.id}"))
    assert "3 голоси" in loser and "не серед переможців" in loser and "Фінансування" not in loser


def test_home_figures_come_from_the_records_and_the_latest_update_has_its_photo(
        client, decided):
    _cycle, (a, _b), line, _voters = decided
    page = client.get("/")
    text = text_of(page)
    assert "Подано 3" not in text  # the figures are counters, not a sentence
    figures = text[text.index("У цифрах"):]
    assert figures.startswith("У цифрах 3 проєкти подано 5 бюлетенів подано 200 000 грн "
                              "сплачено на проєкти-переможці 0 переможців реалізовано"), figures
    body = page.get_data(as_text=True)
    assert "Завезено обладнання." in text and a.title in text
    assert re.search(r'<img class="card-photo" src="/implementation/photos/\d+"', body)
    assert f'href="/implementation/{line.project_id}"' in body


def test_a_suspended_cycle_says_so_with_the_reason_and_not_that_submission_is_open(
        client, db, make_user):
    admin = make_user(Role.ADMIN)
    cycle = make_cycle(db, admin, description="Прийом проєктів відкрито.")
    cycle_services.suspend_cycle(db, cycle=cycle, reason="Воєнний стан", actor=admin,
                                 now=utcnow() - timedelta(minutes=1))
    page = client.get(f"/cycles/{cycle.id}")
    body, text = page.get_data(as_text=True), text_of(page)
    assert "Цикл призупинено" in text and "Причина: Воєнний стан" in text
    assert "доки адміністрація його не відновить" in text
    # The announcement written for the running cycle is folded away, marked as older.
    assert "<details class=\"announcement\">" in body
    assert "Оголошення циклу, написане до призупинення" in text
    assert "/projects/new" not in body and "Подати проєкт" not in text


def test_the_cycle_page_states_its_figures_from_its_counters(client, db, make_user):
    cycle = make_cycle(db, make_user(Role.ADMIN))
    first, second = make_user(verified=True), make_user(verified=True)
    make_project(db, cycle, first, status=ProjectStatus.ADMITTED)
    make_project(db, cycle, second, status=ProjectStatus.UNDER_REVIEW)
    make_project(db, cycle, second, status=ProjectStatus.WITHDRAWN)
    text = text_of(client.get(f"/cycles/{cycle.id}"))
    assert "Подано 3 проєкти від 2 авторів; 1 згодом відкликано." in text
    counters = text[text.index("загальний бюджет"):]
    assert counters.startswith("загальний бюджет 3 проєкти подано 1 проєкт допущено до "
                               "голосування 2 автори"), counters


def test_a_project_on_the_ballot_shows_the_way_to_vote(client, db, app, voting_cycle,
                                                       make_user):
    cycle, project = voting_cycle
    text = text_of(client.get(f"/projects/{project.id}"))
    assert "Проголосувати за цей проєкт" in text and "Увійдіть, щоб проголосувати" in text
    voter = make_user(verified=True)
    sign_in(client, voter)
    body = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f'href="/voting/{cycle.id}/ballot">Проголосувати</a>' in body
    cast(db, app, cycle, voter, project)
    body = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f'href="/voting/{cycle.id}/my-ballot"' in body


def test_no_way_to_vote_outside_the_vote(client, db, make_user):
    cycle = make_cycle(db, make_user(Role.ADMIN), phase=Phase.REVIEW)
    project = make_project(db, cycle, make_user(verified=True), status=ProjectStatus.ADMITTED)
    assert "Проголосувати за цей проєкт" not in text_of(client.get(f"/projects/{project.id}"))


#: Home: cycles, the visitor (2 when signed in and verified), the figures (1), the updates
#: (2), plus the signed-in account (2). Project page: the project and its loads, the
#: history, the review, and after the vote the tally, the line and the implementation.
HOME_STATEMENTS = 10
PROJECT_STATEMENTS = 23


def test_home_and_a_winner_s_page_cost_a_few_statements(app, client, db, decided):
    _cycle, (a, _b), _line, voters = decided
    engine = app.extensions["portal.db"].engine
    sign_in(client, voters[0])
    client.get("/cycles/")  # (a first request also reads the communities: once in 30 s)
    with counted(engine) as home:
        assert client.get("/").status_code == 200
    with counted(engine) as project:
        assert client.get(f"/projects/{a.id}").status_code == 200
    assert len(home) <= HOME_STATEMENTS, home
    assert len(project) <= PROJECT_STATEMENTS, project


def test_an_approved_winner_not_yet_funded_is_shown_as_planned(client, db, make_user):
    cycle, (a, _b, _c), commission, meeting, _voters = make_vote(db)
    tally = tallies.compute_tally(db, cycle=cycle, actor=commission, now=utcnow())
    tallies.approve_tally(db, tally=tally, meeting=meeting, votes=(3, 0, 0), actor=commission,
                          audit_key=KEY, now=utcnow())
    after = text_of(client.get(f"/projects/{a.id}"))
    after = after[after.index("Після голосування"):]
    assert "3 голоси" in after and "Заплановано" in after
    assert "очікує" in after and "Фінансування" not in after


def test_the_cycles_list_offers_each_cycle_s_action(client, db, make_user):
    cycle = make_voting_cycle(db, make_user(Role.ADMIN))
    sign_in(client, make_user(verified=True))
    body = client.get("/cycles/").get_data(as_text=True)
    assert cycle.name in body and f'href="/voting/{cycle.id}/ballot">Проголосувати</a>' in body
