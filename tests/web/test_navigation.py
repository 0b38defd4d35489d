"""The header's menus per role (a short resident's menu, an office bar for the others, a menu
button that works without script), and the commission's start page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.accounts.models import Role
from portal.clock import kyiv_today, utcnow
from portal.cycles.rules import Phase
from portal.projects.rules import ProjectStatus
from tests.conftest import sign_in
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project
from tests.factories.review import held_meeting, seat_commission

OFFICE = {
    "/desk/verify/": "Робоче місце верифікатора", "/desk/voting/": "Паперові бюлетені",
    "/staff/verify/census/": "Реєстр мешканців", "/staff/review/": "Експертиза",
    "/commission/review/": "Комісія", "/admin/cycles/": "Налаштування циклів",
    "/admin/users": "Облікові записи", "/admin/districts/": "Райони",
    "/admin/community/": "Налаштування громади",
    "/admin/audit": "Журнал аудиту", "/admin/jobs": "Фонова робота",
    "/commission/discussion/": "Модерація",
}
MAY_SEE = {
    Role.VERIFIER: {"/desk/verify/", "/desk/voting/"},
    Role.STAFF: {"/staff/verify/census/", "/staff/review/", "/commission/discussion/"},
    Role.COMMISSION: {"/commission/review/", "/commission/discussion/"},
    Role.ADMIN: set(OFFICE),
}


def header(page: str) -> str:
    return page.split("<header", 1)[1].split("</header>", 1)[0]


def office_links(page: str) -> set[str]:
    bar = header(page).split('class="office-bar"', 1)
    return set(re.findall(r'href="([^"]+)"', bar[1])) if len(bar) == 2 else set()


def test_the_resident_menu_is_short_and_has_no_office(client, make_user):
    resident = make_user(Role.RESIDENT, verified=True)
    sign_in(client, resident)
    top = header(client.get("/").get_data(as_text=True))
    main = top.split('class="main-nav"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r">([^<]+)</a>", main) == [
        "Цикли", "Проєкти", "Голосування", "Реалізація", "Програми та звіти", "Мої проєкти"]
    assert "office-bar" not in top and "Кабінет" not in top
    assert "/admin/" not in top and "/desk/" not in top and "/staff/" not in top
    assert "Профіль" in top and "Вийти" in top


def test_the_menu_folds_behind_a_button_without_script(client):
    top = header(client.get("/").get_data(as_text=True))
    assert re.search(r'<details class="menu" data-menu>\s*<summary class="menu-button">Меню'
                     r"</summary>", top)
    assert "Увійти" in top and "Зареєструватися" in top and "Мої проєкти" not in top


@pytest.mark.parametrize("role", list(MAY_SEE))
def test_each_office_role_gets_its_own_bar(client, make_user, role):
    sign_in(client, make_user(role))
    page = client.get("/").get_data(as_text=True)
    assert office_links(page) == MAY_SEE[role]
    bar = header(page).split('class="office-bar"', 1)[1]
    assert '<summary class="menu-button">Кабінет</summary>' in bar
    for path in MAY_SEE[role]:
        assert f'href="{path}">{OFFICE[path]}</a>' in bar
        assert client.get(path).status_code == 200


def test_the_commission_start_page_shows_meetings_and_what_awaits(client, db, make_user):
    admin = make_user(Role.ADMIN)
    member = make_user(Role.COMMISSION, verified=True)
    cycle = make_cycle(db, admin, phase=Phase.REVIEW)
    seat_commission(db, cycle, admin, size=3)
    waiting = [make_project(db, cycle, make_user(), status=ProjectStatus.UNDER_REVIEW)
               for _ in range(3)]
    open_meeting = held_meeting(db, cycle, admin, present=2, projects=waiting[:1])
    from portal.review import services

    upcoming = services.create_meeting(
        db, actor=admin, cycle=cycle, number=services.next_meeting_number(db, cycle),
        held_on=kyiv_today() + timedelta(days=5), place="Зала засідань", agenda="",
        now=utcnow())
    past = services.create_meeting(
        db, actor=admin, cycle=cycle, number=services.next_meeting_number(db, cycle),
        held_on=kyiv_today() - timedelta(days=30), place="Старе місце", agenda="",
        now=utcnow())
    db.flush()
    sign_in(client, member)
    page = client.get("/commission/review/").get_data(as_text=True)
    main = page.split("<main", 1)[1]
    meetings = main.split('id="meetings-h"', 1)[1].split("</section>", 1)[0]
    assert f'href="/commission/review/meetings/{open_meeting.id}"' in meetings
    assert f'href="/commission/review/meetings/{upcoming.id}"' in meetings
    assert f'/meetings/{past.id}"' not in meetings  # a draft whose day has passed
    assert (kyiv_today() + timedelta(days=5)).strftime("%d.%m.%Y") in meetings
    awaiting = main.split('id="awaiting-h"', 1)[1].split("</section>", 1)[0]
    assert f'href="/commission/review/cycles/{cycle.id}"' in awaiting
    assert "3 проєкти на розгляді" in awaiting
