"""The open data catalogue in a browser at 1280 and 390 px, on the demo's data: a journalist
finds it from the footer, reads what each dataset holds, opens its columns and downloads
the CSV, whose numbers are numbers.

Screenshots go to tests/artifacts/opendata/.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.steps import fits_in_width

pytestmark = pytest.mark.e2e

WIDTHS = (1280, 390)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_journalist_finds_reads_and_downloads_the_open_data(demo_server, browser_context,
                                                              shoot, width):
    page = browser_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(demo_server.url + "/")
    page.get_by_role("link", name="Відкриті дані").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Відкриті дані")
    expect(page.get_by_role("heading", name="Проєкти бюджету участі")).to_be_visible()
    assert fits_in_width(page, width) <= width
    shoot(page, f"catalogue-{width}")
    projects = page.locator("section#projects")
    projects.locator("summary").click()
    expect(projects.get_by_text("cost_uah")).to_be_visible()
    assert fits_in_width(page, width) <= width
    projects.scroll_into_view_if_needed()
    shoot(page, f"columns-{width}")
    with page.expect_download() as download:
        projects.get_by_role("link", name="Завантажити CSV").click()
    with open(download.value.path(), encoding="utf-8-sig") as file:
        body = file.read()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows and all(Decimal(r["cost_uah"]) > 0 for r in rows)
    assert download.value.suggested_filename == "projects.csv"
