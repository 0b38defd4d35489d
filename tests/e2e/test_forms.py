"""The cost lines of the submission form in a browser, at 1280 and 390 px, with JavaScript
(lines added and removed in place, the total following each key) and without it (the same
buttons send the form and the server shows it again). Screenshots: tests/artifacts/forms/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import fits_in_width

pytestmark = pytest.mark.e2e

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def fill_line(page, row: int, name: str, quantity: str, unit: str, price: str) -> None:
    page.get_by_label(f"Найменування, рядок {row}").fill(name)
    page.get_by_label(f"Кількість, рядок {row}").fill(quantity)
    page.get_by_label(f"Одиниця, рядок {row}").fill(unit)
    page.get_by_label(f"Ціна за одиницю, грн, рядок {row}").fill(price)


@pytest.mark.parametrize("script", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_cost_lines_are_added_removed_and_totalled(live_server, submission, browser_context,
                                                   log_in, shoot, width, script):
    context = browser_context(viewport=WIDTHS[width], java_script_enabled=script)
    page = context.new_page()
    log_in(page, submission.author_email)
    page.goto(f"{live_server.url}/projects/new?cycle={submission.cycle_id}")
    lines = page.locator("table[data-estimate] tbody tr")
    total = page.locator("#estimate-total")
    expect(lines).to_have_count(1)

    fill_line(page, 1, "Лавка", "4", "шт.", "3 500")
    page.get_by_role("button", name="Додати рядок").click()
    expect(lines).to_have_count(2)
    expect(page.get_by_label("Найменування, рядок 1")).to_have_value("Лавка")
    fill_line(page, 2, "Урна", "2,5", "шт.", "1 200,50")
    page.get_by_role("button", name="Додати рядок").click()
    expect(lines).to_have_count(3)
    fill_line(page, 3, "Доставка", "1", "послуга", "900")
    if script:  # the total follows the typing; without script it is counted on each send
        expect(total).to_have_text("17\u00a0901,25\u00a0грн")
    else:
        page.get_by_role("button", name="Додати рядок").click()
        expect(total).to_have_text("17\u00a0901,25\u00a0грн")
        page.get_by_role("button", name="Вилучити рядок 4").click()
    expect(lines).to_have_count(3)
    shoot(page, f"{width}-{'js' if script else 'no-js'}-three-lines")

    page.get_by_role("button", name="Вилучити рядок 2").click()  # the bins
    expect(lines).to_have_count(2)
    expect(page.get_by_label("Найменування, рядок 2")).to_have_value("Доставка")
    expect(total).to_have_text("14\u00a0900,00\u00a0грн")
    expect(page.locator("table[data-estimate] tbody tr").nth(0).locator("output")
           ).to_have_text("14\u00a0000,00\u00a0грн")

    # An error: the summary at the top names the field and leads to it.
    page.get_by_label("Кількість, рядок 2").fill("багато")
    page.get_by_role("button", name="Зберегти чернетку").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="Назва: ")).to_be_visible()
    link = summary.get_by_role("link", name="Кількість, рядок 2: ")
    expect(link).to_be_visible()
    if script:
        expect(summary).to_be_focused()
    shoot(page, f"{width}-{'js' if script else 'no-js'}-error-summary")
    link.click()
    expect(page.get_by_label("Кількість, рядок 2")).to_be_focused()
    assert fits_in_width(page, WIDTHS[width]["width"]) <= WIDTHS[width]["width"]
