"""Voting in a browser: a verified resident checks and casts a ballot without any script,
sees the receipt, and after the close finds the ballot on the public bulletin board.

The portal runs in a thread on a free port of 127.0.0.1 over its own SQLite file;
screenshots go to tests/artifacts/voting/.
"""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from portal.accounts.models import Role, User, UserRole
from portal.clock import utcnow
from portal.projects.rules import ProjectStatus
from tests.conftest import PASSWORD, prepare_database
from tests.factories.accounts import verify
from tests.factories.projects import make_project
from tests.factories.voting import make_voting_cycle

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "voting"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    from portal import create_app

    folder = tmp_path_factory.mktemp("voting_e2e")
    url = f"sqlite:///{folder / 'portal.sqlite3'}"
    prepare_database(url)
    app = create_app("testing", {"DATABASE_URL": url, "FAST_PASSWORD_HASHES": True,
                                 "MAIL_OUTBOX": str(folder / "outbox")})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    app.extensions["portal.db"].engine.dispose()


def seed(app):
    from portal.accounts import passwords

    with app.app_context():
        db = app.extensions["portal.db"].sessionmaker()
        now = utcnow()
        author = User(email="author@example.org", display_name="Авторка", locale="uk",
                      password_hash=passwords.hash_password(PASSWORD), created_at=now,
                      email_confirmed_at=now)
        voter = User(email="voter@example.org", display_name="Олена Виборниця", locale="uk",
                     password_hash=passwords.hash_password(PASSWORD), created_at=now,
                     email_confirmed_at=now)
        for user in (author, voter):
            user.role_grants.append(UserRole(role=Role.RESIDENT, granted_at=now))
        db.add_all([author, voter])
        db.flush()
        verify(db, voter, stem="420000001", birth_date=date(1991, 4, 12))
        cycle = make_voting_cycle(db, author, votes_per_voter=2)
        cycle.name = "Бюджет участі-2027"
        titles = ("Сквер біля школи № 5", "Велодоріжка вздовж річки Бахмутки",
                  "Сенсорна кімната в дитсадку № 9")
        projects = [make_project(db, cycle, author, status=ProjectStatus.ADMITTED, title=t,
                                 cost=c)
                    for t, c in zip(titles, (45_000_00, 280_000_00, 60_000_00), strict=True)]
        db.commit()
        ids = cycle.id, [p.id for p in projects]
        db.close()
    return ids


def close_voting(app, cycle_id: int) -> None:
    from portal.cycles.models import Cycle

    with app.app_context():
        db = app.extensions["portal.db"].sessionmaker()
        cycle = db.get(Cycle, cycle_id)
        shift = cycle.voting_end - (utcnow() - timedelta(hours=1))
        for name in ("submission_start", "submission_end", "review_start", "review_end",
                     "voting_start", "voting_end", "results_date"):
            setattr(cycle, name, getattr(cycle, name) - shift)
        db.commit()
        db.close()


def test_a_resident_votes_gets_a_receipt_and_finds_the_ballot_on_the_board(portal, browser):
    app, base = portal
    cycle_id, project_ids = seed(app)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # No JavaScript at all: the ballot must work as plain HTML forms.
    page = browser.new_page(java_script_enabled=False, viewport={"width": 1100,
                                                                 "height": 900})
    page.goto(f"{base}/login")
    page.fill("input[name=email]", "voter@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.goto(f"{base}/voting/")
    page.locator(f"a[href$='/voting/{cycle_id}/ballot']").click()
    expect(page.locator("h1")).to_contain_text("Бюлетень")
    expect(page.locator("main")).to_contain_text("до 2 проєктів")
    page.check(f"input[value$=':{project_ids[0]}']")
    page.check(f"input[value$=':{project_ids[2]}']")
    page.get_by_role("button", name="Перевірити вибір").click()
    expect(page.locator(".ballot-totals").first).to_contain_text("залишилося голосів: 0")
    page.screenshot(path=str(ARTIFACTS / "1-ballot-checked.png"), full_page=True)
    page.get_by_role("button", name="Проголосувати").click()
    expect(page.locator("h1")).to_contain_text("Мій бюлетень")
    code = page.locator("#receipt-code code").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", code)
    expect(page.locator("main")).to_contain_text("Сквер біля школи № 5")
    page.screenshot(path=str(ARTIFACTS / "2-receipt.png"), full_page=True)

    close_voting(app, cycle_id)
    page.reload()
    page.get_by_role("link", name="Знайти на дошці бюлетенів").click()
    expect(page.locator(".found-ballot")).to_contain_text("Ваш бюлетень є на дошці")
    expect(page.locator(".found-ballot")).to_contain_text("2027-001")
    expect(page.locator(".found-ballot")).to_contain_text("2027-003")
    page.screenshot(path=str(ARTIFACTS / "3-board.png"), full_page=True)
    page.goto(f"{base}/voting/{cycle_id}/results")
    expect(page.locator("main")).to_contain_text("Виборці")
    page.screenshot(path=str(ARTIFACTS / "4-results.png"), full_page=True)
