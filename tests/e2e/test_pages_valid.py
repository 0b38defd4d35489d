"""Every page of the route table, for every role that may open it, on the demo: valid HTML
(html-validate, its standard preset) and accessible (axe-core, WCAG 2.1 A and AA).

The demo is served by a live server of its own (``demo_server``: the shared one of the
other browser tests holds their own records), Bakhmut's community without a prefix: the
route table's pages are Bakhmut's; the other communities' home, cycle, results and winner
pages (the same templates with other rules: Equal Shares, a school budget) are opened too,
as a visitor. Each role signs in (anonymous stays out) and asks for every GET
route of ``ROUTES`` (tests/web/access_table.py) the table lets it open, its path filled
from the demo's records: the server's HTML is kept for html-validate, and axe-core, injected
from its installed copy into a context that bypasses the page's CSP, checks what the browser
made of it. html-validate then reads every kept page in one run.

Both tools come from ``tests/a11y/package-lock.json`` (``make a11y-deps``); nothing is
fetched while the test runs. Without them, or without Node.js, the test is skipped saying why.

``KNOWN`` holds what pages still fail in templates this sweep's author did not own: the
rules each page breaks, to be fixed and taken out (an entry no longer needed fails the test
too, so that the dict only shrinks).
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.accounts.sessions import start_session
from portal.clock import utcnow
from portal.community.models import District
from tests.e2e.conftest import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, LiveServer
from tests.web.access_table import ROLES, ROUTES

pytestmark = pytest.mark.e2e

TOOLS = Path(__file__).resolve().parents[1] / "a11y"
AXE = TOOLS / "node_modules" / "axe-core" / "axe.min.js"
HTML_VALIDATE = TOOLS / "node_modules" / "html-validate" / "bin" / "html-validate.mjs"
CONFIG = TOOLS / ".htmlvalidate.json"
TOKEN = "a11y-sweep-invitation"  # noqa: S105 - a co-author's invitation made for the sweep
#: Pages open at once: the server and the browser share the machine's cores.
PARALLEL = 4
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

#: The demo account signed in for each role; ``unverified`` is an account made for the
#: sweep whose address is not confirmed yet, as in the route table.
DEMO_EMAILS = {"resident": "resident@demo.bakhmut.ua", "verifier": "verifier@demo.bakhmut.ua",
               "commission": "commission@demo.bakhmut.ua", "staff": "staff@demo.bakhmut.ua",
               "admin": "admin@demo.bakhmut.ua"}

#: Routes that answer a file or a picture, not a page, besides the API and the addresses
#: ending in a file's extension (.pdf, .json...); any other answer that is not HTML is left
#: out by its content type.
NOT_PAGES = {"static", "main.health", "projects.attachment", "implementation.photo"}
FILE = re.compile(r"\.[a-z]+$")

#: endpoint -> rules (html-validate rule ids and axe rule ids) its page still breaks, in
#: templates owned by others; to be fixed there and removed here.
KNOWN: dict[str, set[str]] = {
}


def demo_ids(session, people: dict[str, User]) -> dict[str, object]:
    """The demo's records named by the route table's path parameters."""
    from portal.cycles.models import Cycle
    from portal.cycles.rules import Phase
    from portal.implementation.models import Implementation
    from portal.programs.models import FundingLine, Indicator, Measure, Program, Task
    from portal.projects.models import Project
    from portal.projects.rules import ProjectStatus
    from portal.review.models import AgendaItem, Meeting

    now = utcnow()
    cycles = session.scalars(select(Cycle).order_by(Cycle.id)).all()
    counted = [c for c in cycles if c.phase(now) in (Phase.RESULTS, Phase.IMPLEMENTATION)]
    open_for_drafts = [c for c in cycles if c.phase(now) is Phase.SUBMISSION] or cycles
    draft = session.scalars(select(Project).where(
        Project.author_id == people["resident"].id,
        Project.status == ProjectStatus.DRAFT)).first()
    if draft is None:
        from tests.factories.projects import make_project

        draft = make_project(session, open_for_drafts[0], people["resident"])
    from portal.projects.models import CoAuthor
    from portal.projects.participation import token_hash

    draft.coauthors.append(CoAuthor(email="friend@example.org", token_hash=token_hash(TOKEN),
                                    invited_at=now))
    winner = session.scalars(select(Project).where(Project.status == ProjectStatus.WINNER)
                             .order_by(Project.id)).first()
    item = session.scalars(select(AgendaItem).order_by(AgendaItem.id)).first()
    meeting = session.get(Meeting, item.meeting_id)
    program = session.scalars(select(Program).where(Program.published.is_(True))
                              .order_by(Program.id)).first()
    line = session.scalars(select(FundingLine).join(Measure).join(Task)
                           .where(Task.program_id == program.id).order_by(FundingLine.id)).first()
    measure = session.get(Measure, line.measure_id)
    indicator = session.scalars(select(Indicator).where(Indicator.program_id == program.id)
                                .order_by(Indicator.id)).first()
    implemented = session.scalars(select(Implementation).order_by(Implementation.id)).first()
    if implemented is None:  # the demo's winners are not funded yet: fund the counted cycle's
        from portal.implementation.funding import fund_winners

        linked = [c for c in counted if c.measure_id is not None]
        if linked:
            fund_winners(session, cycle=linked[0], actor=None, now=now)
            implemented = session.scalars(select(Implementation)
                                          .order_by(Implementation.id)).first()
    session.flush()
    ids = {
        "resident": people["resident"].id, "cycle": cycles[0].id,
        "category": cycles[0].categories[0].id, "project": (winner or draft).id,
        "draft": draft.id, "token": TOKEN, "review_cycle": meeting.cycle_id,
        "meeting": meeting.id, "review_project": item.project_id, "program": program.id,
        "year": indicator.year, "task": measure.task_id, "measure": measure.id,
        "line": line.id, "indicator": indicator.id,
        "closed_cycle": (counted or cycles)[0].id,
    }
    if implemented is not None:
        ids["winner_line"] = implemented.line_id
        ids["winner_project"] = session.get(FundingLine, implemented.line_id).project_id
    elif winner is not None:
        ids["winner_project"] = winner.id  # public as planned before it is funded
    district = session.scalars(select(District).order_by(District.id)).first()
    if district is not None:
        ids["district"] = district.id
    from portal.discussion.models import Comment

    # The demo resident's own comment: they may edit it, everyone may open it to reply.
    ids["comment"] = session.scalars(select(Comment.id).where(
        Comment.author_id == people["resident"].id).order_by(Comment.id)).first()
    return ids


def other_communities_pages(session) -> list[tuple[str, str]]:
    """(endpoint, path) of the demo's other communities' home, cycle, results and winner
    pages, under their prefixes: the same templates with their own rules (a knapsack ballot
    counted by Equal Shares, a school budget with a minimum of votes)."""
    from portal.cycles.models import Cycle
    from portal.projects.models import Project
    from portal.projects.rules import ProjectStatus
    from portal.tenancy import scope
    from portal.tenancy.models import Community

    default = scope.default_community_id(session)
    pages = []
    for community in session.scalars(select(Community).where(Community.id != default)
                                      .order_by(Community.id)):
        prefix = f"/{community.slug}"
        pages.append(("main.index", f"{prefix}/"))
        with scope.inside(community.id):
            for cycle in session.scalars(select(Cycle).order_by(Cycle.id)):
                pages.append(("main.cycle", f"{prefix}/cycles/{cycle.id}"))
                pages.append(("results.page", f"{prefix}/voting/{cycle.id}/results"))
            winner = session.scalars(select(Project.id).where(
                Project.status == ProjectStatus.WINNER).order_by(Project.id)).first()
            pages.append(("projects.page", f"{prefix}/projects/{winner}"))
    return pages


def signed_in_cookie(server: LiveServer, session, user: User) -> dict:
    """The session cookie the login form would leave for ``user``."""
    token = start_session(session, user=user, now=utcnow(), address="127.0.0.1",
                          user_agent="").token
    app = server.app
    value = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": token, "_fresh": True})
    return {"name": app.config["SESSION_COOKIE_NAME"], "value": value, "url": server.url}


def pages_for(role: str, ids: dict[str, object]) -> list[tuple[str, str]]:
    """(endpoint, path) of every page ``role`` may open, in the table's order."""
    pages = []
    for endpoint, (method, template, expected) in sorted(ROUTES.items()):
        if (method != "GET" or endpoint in NOT_PAGES or expected[role] != 200
                or template.startswith("/api/") or FILE.search(template)):
            continue
        try:
            pages.append((endpoint, template.format(**ids)))
        except KeyError as missing:
            raise AssertionError(f"{endpoint}: the demo has no record for {missing}") from None
    return pages


AXE_RUN = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                            resultTypes: ["violations"]});
    return result.violations.map(v => ({rule: v.id, impact: v.impact,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")}));
}"""


async def sweep(base: str, cookies: dict[str, dict], ids: dict, folder: Path,
                elsewhere: list[tuple[str, str]]):
    """Visit every page of every role, and ``elsewhere`` (the other communities' pages)
    as a visitor, ``PARALLEL`` at a time: (failures by axe, the pages kept for
    html-validate by file name)."""
    from playwright.async_api import async_playwright

    failures: list[tuple[str, str, str]] = []
    names: dict[str, tuple[str, str, str]] = {}
    gate = asyncio.Semaphore(PARALLEL)

    async def visit(context, role: str, endpoint: str, path: str) -> None:
        async with gate:
            page = await context.new_page()
            try:
                answer = await page.goto(base + path, wait_until="domcontentloaded")
                # A page may send a role elsewhere (the census form without a register, to
                # the status page): what it lands on is checked, unless that is the login.
                if answer.status != 200 or (answer.url.startswith(base + "/login")
                                            and not path.startswith("/login")):
                    failures.append((endpoint, "status", f"{path} as {role}: {answer.status} "
                                                         f"at {answer.url}"))
                    return
                if not answer.headers.get("content-type", "").startswith("text/html"):
                    return
                name = f"{role}--{endpoint}--{path.strip('/').replace('/', '-')}.html"
                (folder / name).write_text(await answer.text())
                names[name] = (endpoint, role, path)
                await page.add_script_tag(path=str(AXE))
                for v in await page.evaluate(AXE_RUN, AXE_TAGS):
                    failures.append((endpoint, v["rule"], f"{path} as {role}: axe {v['rule']} "
                                                          f"({v['impact']}) at {v['nodes']}"))
            finally:
                await page.close()

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        contexts = []
        jobs = []
        for role in ROLES:
            context = await browser.new_context(
                locale="uk-UA", timezone_id="Europe/Kyiv", bypass_csp=True,
                viewport={"width": 1280, "height": 900})
            context.set_default_timeout(TIMEOUT_MS * 3)
            if role != "anonymous":
                await context.add_cookies([cookies[role]])
            contexts.append(context)
            jobs += [visit(context, role, endpoint, path)
                     for endpoint, path in pages_for(role, ids)]
            if role == "anonymous":
                jobs += [visit(context, role, endpoint, path) for endpoint, path in elsewhere]
        try:
            await asyncio.gather(*jobs)
        finally:
            for context in contexts:
                await context.close()
            await browser.close()
    return failures, names


def run_html_validate(folder: Path) -> dict[str, list[dict]]:
    """file name -> html-validate's errors, every page read by one run (its report written
    to a file: a large report on a pipe may be cut short when Node.js exits)."""
    report = folder / "html-validate.json"
    command = ["node", str(HTML_VALIDATE), "--config", str(CONFIG),
               "--formatter", f"json={report}", *sorted(str(p) for p in folder.glob("*.html"))]
    done = subprocess.run(command, capture_output=True, text=True, cwd=TOOLS, check=False)
    if done.returncode not in (0, 1) or not report.exists():
        raise AssertionError(f"html-validate failed: {done.stdout}{done.stderr}")
    found = {}
    for result in json.loads(report.read_text() or "[]"):
        errors = [m for m in result["messages"] if m["severity"] == 2]
        if errors:
            found[Path(result["filePath"]).name] = errors
    return found


@pytest.mark.timeout(1800)  # some 250 pages: 3 minutes alone, far more on a shared machine
def test_every_page_is_valid_and_accessible(demo_server):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    if shutil.which("node") is None:
        pytest.skip("Node.js is missing: apt-get install -y nodejs npm, then make a11y-deps")
    if not (AXE.exists() and HTML_VALIDATE.exists()):
        pytest.skip("html-validate and axe-core are not installed: make a11y-deps")
    started = time.monotonic()
    folder = ARTIFACTS / "pages_valid"  # the pages as served, kept to read after a failure
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with demo_server.session() as session:
        people = {role: session.scalars(select(User).where(User.email == email)).one()
                  for role, email in DEMO_EMAILS.items()}
        from tests.factories.accounts import make_user

        people["unverified"] = make_user(session, Role.RESIDENT, confirmed=False)
        ids = demo_ids(session, people)
        elsewhere = other_communities_pages(session)
        cookies = {role: signed_in_cookie(demo_server, session, user)
                   for role, user in people.items()}
    # In a thread of its own: the other browser tests' synchronous Playwright keeps its
    # event loop in this one.
    with ThreadPoolExecutor(1) as thread:
        failures, names = thread.submit(
            asyncio.run, sweep(demo_server.url, cookies, ids, folder, elsewhere)).result()
    for name, errors in run_html_validate(folder).items():
        endpoint, role, path = names[name]
        failures.extend(
            (endpoint, e["ruleId"], f"{path} as {role}: html-validate {e['ruleId']} at line "
                                    f"{e['line']} {e.get('selector') or ''}: {e['message']}")
            for e in errors)
    print(f"{len(names)} pages checked in {time.monotonic() - started:.0f} s")
    new = sorted(what for endpoint, rule, what in failures if rule not in KNOWN.get(endpoint, ()))
    assert not new, f"{len(new)} problems:\n" + "\n".join(new)
    broken = defaultdict(set)
    for endpoint, rule, _what in failures:
        broken[endpoint].add(rule)
    stale = {endpoint: rules - broken[endpoint] for endpoint, rules in KNOWN.items()
             if rules - broken[endpoint]}
    assert not stale, f"KNOWN lists rules these pages no longer break: {stale}"
