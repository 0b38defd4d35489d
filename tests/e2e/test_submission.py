"""Submission in a browser: an author drafts a project with three cost lines and a photo,
submits it, and the public sees it with its registration number, in the list and on the map.

The module is self-contained and reusable: ``portal_server`` serves the portal from a
thread on a free port of 127.0.0.1 over its own SQLite file; ``seed_submission`` adds a
cycle open for submission and a verified author; ``log_in`` and ``submit_project`` drive
the pages. The review part's browser test imports them and carries the same project on
through expertise, a meeting and the admission::

    from tests.e2e.test_submission import (  # noqa: F401  (fixtures are found by name)
        browser, portal_server, log_in, seed_submission, shoot, submit_project)
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from portal.accounts.models import Role, User, UserRole
from portal.clock import utcnow
from tests.conftest import PASSWORD, prepare_database
from tests.factories.accounts import verify
from tests.factories.cycles import make_cycle

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "submission"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


class PortalServer:
    """The portal in a thread, on its own database; ``session()`` seeds it."""

    def __init__(self, folder: Path) -> None:
        from portal import create_app

        self.database_url = f"sqlite:///{folder / 'portal.sqlite3'}"
        prepare_database(self.database_url)
        self.app = create_app("testing", {
            "DATABASE_URL": self.database_url, "FAST_PASSWORD_HASHES": True,
            "UPLOAD_FOLDER": str(folder / "uploads"), "MAIL_OUTBOX": str(folder / "outbox"),
        })
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> PortalServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)
        self.app.extensions["portal.db"].engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session on the portal's database, committed when the block succeeds."""
        with self.app.app_context():
            session = self.app.extensions["portal.db"].sessionmaker()
            try:
                yield session
                session.commit()
            finally:
                session.close()


@pytest.fixture(scope="module")
def portal_server(tmp_path_factory) -> Iterator[PortalServer]:
    server = PortalServer(tmp_path_factory.mktemp("portal")).start()
    yield server
    server.stop()


@pytest.fixture
def shoot():
    """``shoot(page, "name")`` saves a numbered full-page screenshot in tests/artifacts."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def save(page, name: str) -> Path:
        path = ARTIFACTS / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return save


@dataclass(frozen=True)
class Seeded:
    cycle_id: int
    budget_year: int
    author_email: str
    admin_email: str


def _account(session: Session, email: str, name: str, *roles: Role) -> User:
    now = utcnow()
    from portal.accounts import passwords

    user = User(email=email, display_name=name, password_hash=passwords.hash_password(PASSWORD),
                locale="uk", created_at=now, email_confirmed_at=now)
    for role in (Role.RESIDENT, *roles):
        user.role_grants.append(UserRole(role=role, granted_at=now))
    session.add(user)
    session.flush()
    return user


def seed_submission(server: PortalServer) -> Seeded:
    """A cycle open for submission (small projects 50 000–300 000 грн) and a verified author."""
    with server.session() as session:
        admin = _account(session, "admin.e2e@example.org", "Олена Адміністраторка", Role.ADMIN)
        author = _account(session, "author.e2e@example.org", "Оксана Авторка")
        verify(session, author, stem="345678912",
               birth_date=utcnow().date().replace(year=1988))
        cycle = make_cycle(session, admin)
        seeded = Seeded(cycle.id, cycle.budget_year, author.email, admin.email)
    return seeded


def log_in(page, url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(url + "/login")
    page.get_by_label("Електронна пошта").fill(email)
    page.get_by_label("Пароль").fill(password)
    page.locator("main").get_by_role("button", name="Увійти").click()
    expect(page.get_by_role("button", name="Вийти")).to_be_visible()


def photo_file(folder: Path) -> Path:
    """A small JPEG of a yard with a sandbox, drawn for the test."""
    image = Image.new("RGB", (640, 420), (120, 170, 90))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 220, 300, 380), fill=(220, 200, 140))
    draw.rectangle((380, 120, 560, 380), outline=(200, 60, 40), width=12)
    path = folder / "двір-зараз.jpg"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


LINES = (("Ігровий комплекс", "1", "шт.", "98 500"), ("Гумове покриття", "64,5", "м²", "1 150"),
         ("Доставка і монтаж", "1", "послуга", "18 000"))


def submit_project(page, url: str, cycle_id: int, *, title: str, photo: Path,
                   shoot=None) -> int:
    """Draft a project with three cost lines and a photo, submit it; its id."""
    page.goto(f"{url}/projects/new?cycle={cycle_id}")
    page.get_by_label("Категорія").select_option(index=0)  # Малі проєкти
    page.get_by_label("Назва", exact=True).fill(title)
    page.get_by_label("Короткий опис").fill("Ігровий комплекс і безпечне покриття у дворі.")
    page.get_by_label("Проблема").fill("У дворі немає майданчика, діти граються біля дороги.")
    page.get_by_label("Запропоноване рішення").fill("Встановити комплекс на гумовому покритті.")
    page.get_by_label("Хто отримає користь").fill("Близько 80 дітей трьох будинків.")
    page.get_by_label("Адреса або місце").fill("вул. Миру, двір буд. 14")
    page.get_by_label("Широта").fill("48.5961")
    page.get_by_label("Довгота").fill("37.9987")
    for row, (name, quantity, unit, price) in enumerate(LINES, start=1):
        page.get_by_label(f"Найменування, рядок {row}").fill(name)
        page.get_by_label(f"Кількість, рядок {row}").fill(quantity)
        page.get_by_label(f"Одиниця, рядок {row}").fill(unit)
        page.get_by_label(f"Ціна за одиницю, грн, рядок {row}").fill(price)
    if shoot:
        shoot(page, "draft-form")
    page.get_by_role("button", name="Зберегти чернетку").click()
    expect(page.locator(".flash-success")).to_contain_text("Чернетку збережено")
    project_id = int(re.search(r"/projects/(\d+)/edit", page.url).group(1))
    page.get_by_label("Фото або документ").set_input_files(str(photo))
    page.get_by_role("button", name="Додати файл").click()
    expect(page.locator(".flash-success")).to_contain_text(photo.name)
    if shoot:
        shoot(page, "draft-with-photo")
    page.locator("#submit-h").locator("..").get_by_role("button", name="Подати проєкт").click()
    expect(page.locator(".flash-success")).to_contain_text("Проєкт подано і зареєстровано")
    return project_id


def test_an_author_submits_a_project_with_three_cost_lines_and_a_photo(
        portal_server, browser, shoot, tmp_path):
    seeded = seed_submission(portal_server)
    url = portal_server.url
    author = browser.new_context(locale="uk-UA", timezone_id="Europe/Kyiv",
                                 viewport={"width": 1280, "height": 900}).new_page()
    log_in(author, url, seeded.author_email)
    project_id = submit_project(author, url, seeded.cycle_id,
                                title="Дитячий майданчик у дворі на вулиці Миру",
                                photo=photo_file(tmp_path), shoot=shoot)
    code = f"{seeded.budget_year}-001"
    expect(author.locator(".project-meta")).to_contain_text(f"№ {code}")
    expect(author.locator(".project-meta .badge")).to_have_text("Подано")
    expect(author.locator("table.estimate tfoot")).to_contain_text("190 675,00")
    shoot(author, "submitted")
    assert author.get_by_role("link", name="Редагувати").count() == 0  # the text is frozen

    visitor = browser.new_context(locale="uk-UA", viewport={"width": 1280, "height": 900}
                                  ).new_page()
    visitor.goto(f"{url}/projects/?cycle={seeded.cycle_id}")
    card = visitor.locator(".project-card", has_text="Дитячий майданчик")
    expect(card).to_contain_text(code)
    shoot(visitor, "public-list")
    visitor.goto(f"{url}/projects/{project_id}")
    expect(visitor.locator("img[alt^='Фото']")).to_have_count(1)
    expect(visitor.locator(".history")).to_contain_text("Подано і зареєстровано")
    expect(visitor.locator("#project-map")).to_have_attribute("data-loaded", "1")
    shoot(visitor, "public-page")
    visitor.goto(f"{url}/projects/map?cycle={seeded.cycle_id}")
    expect(visitor.locator("#project-map")).to_have_attribute("data-loaded", "1")
    expect(visitor.locator(".leaflet-marker-icon")).to_have_count(1)
    shoot(visitor, "map-without-tiles")
    visitor.goto(f"{url}/cycles/{seeded.cycle_id}")
    expect(visitor.locator(".counters")).to_contain_text("1")
    shoot(visitor, "cycle-page")
    author.context.close()
    visitor.context.close()
