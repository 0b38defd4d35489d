"""Submission in a browser: an author drafts a project with three cost lines and a photo,
submits it, and the public sees it with its registration number, in the list and on the map.

``submit_project`` and ``photo_file`` drive the pages; the review's browser test uses them
to carry a project on through expertise, a meeting and the admission. Screenshots go to
tests/artifacts/submission/.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from portal.projects.models import Project

pytestmark = pytest.mark.e2e


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
        if row > 1:  # the form opens with one line; "Додати рядок" gives the next
            page.get_by_role("button", name="Додати рядок").click()
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
        live_server, submission, browser_context, shoot, log_in, tmp_path):
    seeded, url = submission, live_server.url
    author = browser_context().new_page()
    log_in(author, seeded.author_email)
    project_id = submit_project(author, url, seeded.cycle_id,
                                title="Дитячий майданчик у дворі на вулиці Миру",
                                photo=photo_file(tmp_path), shoot=shoot)
    with live_server.session() as session:  # its cycle's series within the budget year
        code = session.get(Project, project_id).registration_code
    assert code.startswith(f"{seeded.budget_year}-") and code.endswith("-001")
    expect(author.locator(".project-meta")).to_contain_text(f"№ {code}")
    expect(author.locator(".project-meta .badge")).to_have_text("Подано")
    expect(author.locator("table.estimate tfoot")).to_contain_text("190 675,00")
    shoot(author, "submitted")
    assert author.get_by_role("link", name="Редагувати").count() == 0  # the text is frozen

    visitor = browser_context().new_page()
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
