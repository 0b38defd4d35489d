"""Public pages kept for visitors who are not signed in (portal.pagecache): served again
within PUBLIC_PAGE_SECONDS, each visitor's CSRF token in its forms, never for a signed-in
person, never over a message waiting to be shown; and the home page's figures."""

from __future__ import annotations

import re

import pytest

from portal.accounts.models import Role
from portal.pagecache import TOKEN_MARK
from portal.projects.rules import ProjectStatus
from tests.conftest import post_form, sign_in
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project
from tests.factories.voting import make_voting_cycle

TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def kept(app):
    """The copies turned on for one test, and off and empty after it."""
    cache = app.extensions["portal.pages"]
    cache.clear()
    cache.seconds = 60
    yield cache
    cache.seconds = 0
    cache.clear()


def tokens(response) -> list[str]:
    return TOKEN_RE.findall(response.get_data(as_text=True))


def test_a_visitor_gets_the_kept_page_while_it_is_fresh(app, db, make_user, kept):
    admin, author = make_user(Role.ADMIN), make_user(verified=True)
    cycle = make_cycle(db, admin)
    make_project(db, cycle, author, status=ProjectStatus.ADMITTED, title="Перший сквер")
    address = f"/projects/?cycle={cycle.id}"
    assert "Перший сквер" in app.test_client().get(address).get_data(as_text=True)
    make_project(db, cycle, author, status=ProjectStatus.ADMITTED, title="Другий сквер")

    again = app.test_client().get(address).get_data(as_text=True)
    assert "Перший сквер" in again and "Другий сквер" not in again  # the copy
    kept.clear()
    assert "Другий сквер" in app.test_client().get(address).get_data(as_text=True)


def test_a_resident_gets_the_parts_everyone_sees_kept_and_their_own_part_made_now(
        app, db, make_user, kept):
    cycle = make_voting_cycle(db, make_user(Role.ADMIN))
    author = make_user(verified=True)
    make_project(db, cycle, author, status=ProjectStatus.ADMITTED, title="Перший сквер")
    visitor = app.test_client().get(f"/cycles/{cycle.id}").get_data(as_text=True)
    assert "Перший сквер" in visitor and f'href="/voting/{cycle.id}/ballot"' not in visitor
    make_project(db, cycle, author, status=ProjectStatus.ADMITTED, title="Другий сквер")

    resident = app.test_client()
    sign_in(resident, make_user(verified=True))
    page = resident.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    assert f'href="/voting/{cycle.id}/ballot">Проголосувати' in page  # their own step
    assert "Перший сквер" in page and "Другий сквер" not in page  # the kept cards
    assert "Вийти" in page and TOKEN_MARK not in page


def test_each_visitor_gets_a_token_of_their_own_and_the_language_switch_works(app, kept):
    one, other = app.test_client(), app.test_client()
    first, second = one.get("/"), other.get("/")
    assert first.status_code == second.status_code == 200
    assert TOKEN_MARK not in first.get_data(as_text=True) + second.get_data(as_text=True)
    assert tokens(first) and tokens(second) and set(tokens(first)).isdisjoint(tokens(second))

    switched = other.post("/language", data={"language": "en", "next": "/",
                                             "csrf_token": tokens(second)[0]})
    assert switched.status_code == 302
    english = other.get("/").get_data(as_text=True)
    assert 'lang="en"' in english
    assert 'lang="uk"' in one.get("/").get_data(as_text=True)  # kept per language


def test_a_message_waiting_to_be_shown_is_shown_on_a_kept_page(app, make_user, kept):
    assert app.test_client().get("/").status_code == 200  # the copy is made
    resident = app.test_client()
    sign_in(resident, make_user(verified=True))
    post_form(resident, "/logout", {}, token_from="/profile")
    page = resident.get("/").get_data(as_text=True)
    assert 'class="flashes" role="status"' in page and "Ви вийшли" in page


def test_an_answer_other_than_a_page_is_not_kept(app, kept):
    missing = app.test_client().get("/projects/999999")
    assert missing.status_code == 404 and TOKEN_MARK not in missing.get_data(as_text=True)
    # (Kept by community, path and language; its header part may be kept.)
    assert kept.fresh((1, "/projects/999999?", "uk")) is None
    assert app.test_client().get("/").status_code == 200
    assert kept.fresh((1, "/?", "uk")) is not None


def test_the_home_figures_are_counted_once_within_their_time_even_for_residents(
        app, db, make_user, kept):
    admin, author = make_user(Role.ADMIN), make_user(verified=True)
    cycle = make_cycle(db, admin)
    make_project(db, cycle, author, status=ProjectStatus.ADMITTED)
    resident = app.test_client()
    sign_in(resident, author)

    def submitted() -> str:
        page = resident.get("/").get_data(as_text=True)
        return re.search(r"<strong>(\d+)</strong> проєкт\w* подано", page).group(1)

    assert submitted() == "1"
    make_project(db, cycle, author, status=ProjectStatus.ADMITTED)
    assert submitted() == "1"
    kept.seconds = 0
    assert submitted() == "2"


def test_the_kept_header_follows_who_looks(app, make_user, kept):
    admin, resident = app.test_client(), app.test_client()
    sign_in(admin, make_user(Role.ADMIN))
    sign_in(resident, make_user(verified=True))
    assert "Налаштування циклів" in admin.get("/projects/").get_data(as_text=True)
    page = resident.get("/projects/").get_data(as_text=True)
    assert "Налаштування циклів" not in page and "Вийти" in page
    visitor = app.test_client().get("/projects/").get_data(as_text=True)
    assert "Вийти" not in visitor and "Увійти" in visitor


def test_a_kept_part_outside_a_request_is_made_every_time(app, kept):
    with app.app_context():
        assert str(app.jinja_env.from_string(
            '{% call kept("x") %}made{% endcall %}').render()) == "made"
    assert kept.size == 0


def test_the_office_and_the_team_see_a_change_at_once(app, db, make_user, kept):
    admin, author = make_user(Role.ADMIN), make_user(verified=True)
    cycle = make_cycle(db, admin)
    project = make_project(db, cycle, author, status=ProjectStatus.ADMITTED)
    project.summary = "Перший опис"
    db.flush()
    address = f"/projects/{project.id}"
    resident, office, team = app.test_client(), app.test_client(), app.test_client()
    sign_in(resident, make_user(verified=True))
    sign_in(office, admin)
    sign_in(team, author)
    assert "Перший опис" in resident.get(address).get_data(as_text=True)
    project.summary = "Другий опис"
    db.flush()

    assert "Перший опис" in resident.get(address).get_data(as_text=True)  # the kept part
    assert "Другий опис" in office.get(address).get_data(as_text=True)
    assert "Другий опис" in team.get(address).get_data(as_text=True)


def test_each_community_keeps_its_own_copy_of_the_same_address(app, db, make_user, kept):
    """The same path is another page in another community, at its prefix or its own
    domain: a visitor of one never gets the copy made for the other."""
    from portal.tenancy import scope
    from tests.factories.communities import make_community

    other = make_community(db, slug="khmilnyk", name="Хмільницька громада",
                           domains=("pb.khmilnyk.example",))
    with scope.inside(1):
        admin = make_user(Role.ADMIN)
        make_project(db, make_cycle(db, admin, name="Бюджет участі Бахмута"), admin,
                     status=ProjectStatus.ADMITTED, title="Сквер у Бахмуті")
    with scope.inside(other.id):
        away_admin = make_user(Role.ADMIN)
        make_project(db, make_cycle(db, away_admin, name="Бюджет участі Хмільника"),
                     away_admin, status=ProjectStatus.ADMITTED, title="Сквер у Хмільнику")
    client = app.test_client()
    client.get("/")  # the communities (and the domain) read again
    for path, home_words, away_words in (
            ("/", "Бюджет участі Бахмута", "Бюджет участі Хмільника"),
            ("/cycles/", "Бюджет участі Бахмута", "Бюджет участі Хмільника"),
            ("/projects/", "Сквер у Бахмуті", "Сквер у Хмільнику")):
        for _twice in range(2):  # made, then served from the copy
            home = client.get(path).get_data(as_text=True)
            away = client.get(f"/khmilnyk{path}").get_data(as_text=True)
            domain = client.get(path, base_url="http://pb.khmilnyk.example").get_data(
                as_text=True)
            assert home_words in home and away_words not in home, path
            for page in (away, domain):
                assert away_words in page and home_words not in page, path
    assert kept.size >= 6
