"""Nothing of one community is reached, changed or shown through another's address.

Generated from the access table (``tests/web/access_table.py``): the test's own community
(1, served without a prefix) and "khmilnyk" (``/khmilnyk/...``) each get the table's whole
set of rows and a user per role holding that role in it, every name and title marked with
the community's word (``HOME``, ``AWAY``), so that a page showing a row of the other is found
by a plain substring search (any case); the board's receipts, the checkpoints' heads and
the community's name count among its words too.

* Every route with a row in its path, requested by every role at one community's address
  with the *other's* row ids: 404 (no such row here) or 403 (the role may not use the
  route); a visitor is sent to log in (302 to ``/login``) by routes that are for signed-in
  people before any row is looked up. Never 200, never a 500, never the other's words on the
  page, and never a write: a POST (and a form page's POST) carries a valid CSRF token, so
  that the view, not the token check, answers, and the whole database is compared with the
  module's afterwards. Each row of a path with several is also swapped alone, the others
  our own; and the other way round, at khmilnyk's address with ours, for a sample of roles.
* Every page and file of each community, as each role the table lets see it, with its own
  ids: its own words (so that the search is known to work on it) and none of the other's.
  Files are read as text: JSON decoded, XLSX and DOCX unzipped, PDF text extracted; photos
  are left out (their bytes are the tests' fixed JPEG and carry no names).
* A role held in one community gives no office rights in the other; a person's notices in
  one community are not found, counted or marked read in the other; the other's ids in a
  query or a form find and change nothing.

Jobs, mail and the background work: ``tests/services/test_isolation_jobs.py``.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from portal.projects.rules import ProjectStatus
from portal.tenancy import scope
from tests.conftest import TEST_COMMUNITY, sign_in
from tests.factories.accounts import make_user
from tests.factories.communities import make_community
from tests.factories.projects import make_project
from tests.factories.results import cast
from tests.factories.voting import close_voting, make_voting_cycle
from tests.web.access_table import (
    DRAFT_PHOTO_NAME,
    IN_COMMUNITY,
    LOGIN,
    PHOTO,
    PHOTO_NAME,
    ROLES,
    ROUTES,
    Mark,
    build_table,
)

HOME = Mark("БАХМУТ-ЛИШЕ", "bakhmut-lyshe")
AWAY = Mark("ХМІЛЬНИК-ЛИШЕ", "khmilnyk-lyshe")
AWAY_NAME = "Хмільницька міська територіальна громада"
AWAY_SLUG = "khmilnyk"

PLACEHOLDER = re.compile(r"{(\w+)}")
#: Placeholders that name no row (a year; the rest of the path decides).
NOT_ROWS = {"year"}
#: The platform's list of its communities, the one answer that names every community.
LISTS_EVERY_COMMUNITY = {"/api/v1/communities"}
#: The statuses that say "not here" or "not for you".
REFUSED = {403, 404}


@dataclass
class Side:
    """One community as the tests see it: where its pages are, its people and rows, and
    the words that are its alone."""

    community_id: int
    code: str
    prefix: str
    people: dict
    ids: dict
    words: tuple[str, ...]

    def named(self, template: str) -> tuple[str, ...]:
        """Its words and its name, which no other community's page shows, but for the
        platform's list of every community."""
        return self.words if template in LISTS_EVERY_COMMUNITY else (*self.words, self.name)

    @property
    def name(self) -> str:
        return TEST_COMMUNITY["name"] if self.community_id == 1 else AWAY_NAME

    def address(self, template: str, ids: dict) -> str:
        """``template`` filled with ``ids``, at this community's address."""
        if template.startswith(IN_COMMUNITY):
            return template.replace(TEST_COMMUNITY["code"], self.code).format(**ids)
        return self.prefix + template.format(**ids)


def voted_cycle(db, people, mark: Mark) -> tuple[int, list[str]]:
    """A vote closed an hour ago with two projects on the ballot and two ballots cast, so
    that its results, board, .pb file and API answers have something to show; with the
    ballots' receipt hashes (what the board shows of them)."""
    from portal.voting.models import Ballot

    cycle = make_voting_cycle(db, people["admin"], name=mark("Голосування з бюлетенями"))
    cycle.categories[0].name = mark("Загальноміські")
    author = make_user(db, name=mark("Автор у бюлетені"), email=mark.email("ballot-author"))
    projects = [make_project(db, cycle, author, status=ProjectStatus.ADMITTED,
                             title=mark(f"Проєкт у бюлетені {n}"), cost=10_000_000)
                for n in (1, 2)]
    cast(db, cycle, projects)
    cast(db, cycle, projects[:1])
    close_voting(db, cycle)
    return cycle.id, list(db.scalars(select(Ballot.receipt_hash).where(
        Ballot.cycle_id == cycle.id)))


#: A district's boundary, so that the districts' GeoJSON names it.
BOUNDARY = ('{"type": "Polygon", "coordinates": '
            '[[[38.0, 48.5], [38.1, 48.5], [38.1, 48.6], [38.0, 48.5]]]}')


def notices(db, people, ids, mark: Mark) -> dict[str, int]:
    """A notice about the community's public project for each of ``people`` (who may be
    another community's: a person follows projects anywhere); their ids by role."""
    from portal.clock import utcnow
    from portal.notifications.models import Notice
    from portal.notifications.rules import Delivery, FollowTarget, NoticeKind

    made = {role: Notice(user_id=person.id, kind=NoticeKind.DECISION,
                         target=FollowTarget.PROJECT, target_id=ids["project"],
                         params=json.dumps({"title": mark("Поданий проєкт"),
                                            "outcome": "admitted"}, ensure_ascii=False),
                         created_at=utcnow(), delivery=Delivery.PORTAL)
            for role, person in people.items()}
    db.add_all(made.values())
    db.flush()
    return {role: notice.id for role, notice in made.items()}


def reported(db, people, ids) -> None:
    """The resident's comment reported by the commission member: on the moderators' queue."""
    from portal.clock import utcnow
    from portal.discussion.models import CommentReport

    db.add(CommentReport(comment_id=ids["comment"], reporter_id=people["commission"].id,
                         note="", at=utcnow()))
    db.flush()


def checkpoint(app, db) -> str:
    """The audit chain of the current community signed: its head, which the checkpoints'
    pages show."""
    from portal.audit.checkpoints import take_checkpoint
    from portal.audit.signing import configured_key
    from portal.clock import utcnow

    return take_checkpoint(db, key=configured_key(app.config), now=utcnow()).head_hash


@pytest.fixture(scope="module")
def sides(app, module_db, tmp_path_factory):
    """Both communities with the table's rows, built once for the module; each person has
    a notice in their own community and one in the other."""
    from portal.community.models import District
    from portal.identity.models import Verification

    uploads = tmp_path_factory.mktemp("isolation-uploads")
    for mark in (HOME, AWAY):
        for name in (PHOTO_NAME, DRAFT_PHOTO_NAME):
            (uploads / mark.stored(name)).write_bytes(PHOTO)
    away = make_community(module_db, slug=AWAY_SLUG, name=AWAY_NAME)
    built = {}
    for community_id, mark in ((1, HOME), (away.id, AWAY)):
        with scope.inside(community_id):
            people, ids = build_table(module_db, mark)
            ids["closed_cycle"], receipts = voted_cycle(module_db, people, mark)
            module_db.get(District, ids["district"]).boundary = BOUNDARY
            reported(module_db, people, ids)
            built[community_id] = people, ids, mark, receipts
    for community_id, other_id in ((1, away.id), (away.id, 1)):
        people, ids, mark, receipts = built[community_id]
        with scope.inside(community_id):
            ids["notice"] = notices(module_db, people, ids, mark)
        with scope.inside(other_id):  # this community's people, told of the other's project
            ids["foreign_notice"] = notices(module_db, people, built[other_id][1],
                                            built[other_id][2])
    # The default community's verifier verified both residents: its desk lists only its own
    # community's verifications.
    verifier = built[1][0]["verifier"]
    for community_id in built:
        with scope.everywhere():
            module_db.get(Verification, built[community_id][1]["verification"]).verified_by_id = (
                verifier.id)
        with scope.inside(community_id):
            built[community_id][3].append(checkpoint(app, module_db))
    module_db.commit()
    state = database_state(module_db)
    home_side, away_side = (
        Side(community_id, code, prefix, people, ids, words=(mark.text, mark.tag, *receipts))
        for community_id, code, prefix, (people, ids, mark, receipts) in (
            (1, TEST_COMMUNITY["code"], "", built[1]),
            (away.id, away.code, "/" + AWAY_SLUG, built[away.id])))
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(app.config, "UPLOAD_FOLDER", str(uploads))
        yield home_side, away_side, state


# What a request may have written -------------------------------------------------------

#: Tables a refused request may touch: the signed-in session's own row (its last use).
TOUCHED = {"account_sessions"}


def database_state(db) -> dict[str, list]:
    """Every row of every table (Core statements: no community narrows them)."""
    from portal.db import Base

    connection = db.connection()
    return {table.name: sorted(map(repr, connection.execute(select(table))))
            for table in Base.metadata.sorted_tables if table.name not in TOUCHED}


def changes(before: dict[str, list], after: dict[str, list]) -> dict[str, tuple]:
    return {name: (sorted(set(before[name]) - set(rows))[:3],
                   sorted(set(rows) - set(before[name]))[:3])
            for name, rows in after.items() if rows != before[name]}


# Reading what came back ----------------------------------------------------------------

def readable(response) -> str:
    """The response's text, whatever its format: JSON decoded (no ``\\u`` escapes), XLSX
    and DOCX unzipped, a PDF's text extracted. A photo has no text (its bytes are the
    tests' fixed JPEG): empty."""
    data = response.get_data()
    kind = response.mimetype or ""
    if kind.startswith("image/"):
        return ""
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # openpyxl writes text as character references (&#1061;...).
            return "\n".join(html.unescape(archive.read(name).decode("utf-8", "replace"))
                             for name in archive.namelist() if name.endswith(".xml"))
    if data.startswith(b"%PDF"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    text = data.decode("utf-8", "replace")
    if kind.endswith("json"):
        return json.dumps(json.loads(text), ensure_ascii=False)
    return text


def shown(text: str, words: tuple[str, ...]) -> list[str]:
    """Which of ``words`` the text shows, in any case (a heading may be in capitals)."""
    folded = text.casefold()
    return [word for word in words if word.casefold() in folded]


def client_of(app, side: Side, role: str):
    client = app.test_client()
    if role != "anonymous":
        sign_in(client, side.people[role])
    return client


def token_of(app, client) -> str:
    """A valid CSRF token of the client's session, made as a form of the portal makes one
    (without asking a page for it: the session's secret is put into the client's cookie)."""
    from flask import session

    from portal.forms import ActionForm

    with app.test_request_context("/"):
        token = ActionForm().csrf_token.current_token
        secret = session["csrf"]
    with client.session_transaction() as browser:
        browser["csrf"] = secret
    return token


def methods_of(app, endpoint: str, table_method: str) -> list[str]:
    """The table's method, and POST too where the rule takes both (a form's page)."""
    methods = set()
    for rule in app.url_map.iter_rules(endpoint):
        methods |= rule.methods or set()
    return [table_method] + (["POST"] if table_method == "GET" and "POST" in methods else [])


def rows_in(template: str) -> list[str]:
    return [name for name in PLACEHOLDER.findall(template) if name not in NOT_ROWS]


WITH_ROWS = sorted(endpoint for endpoint, (_m, template, _e) in ROUTES.items()
                   if rows_in(template))


def let_in(endpoint: str) -> list[str]:
    """The roles the table lets use ``endpoint`` (past its guard: neither 403 nor the
    visitor's way to the login page)."""
    expected = ROUTES[endpoint][2]
    return [role for role in ROLES if expected[role] != 403
            and not (role == "anonymous" and expected[role] == LOGIN)]


#: Paths with several rows, each swapped alone for the other community's, requested by the
#: roles that get past the route's guard (the others are refused before any row is read).
SEVERAL_ROWS = [(endpoint, name, role) for endpoint in WITH_ROWS
                for name in rows_in(ROUTES[endpoint][1]) if len(rows_in(ROUTES[endpoint][1])) > 1
                for role in let_in(endpoint)]


def refused_everything(app, db, state: dict, here: Side, there: Side, role: str,
                       endpoint: str, ids: dict) -> None:
    """Request ``endpoint`` at ``here``'s address as ``here``'s ``role`` with ``ids`` (some
    of ``there``'s rows): refused, nothing of ``there`` shown, and for a POST nothing
    written (``state``: the database as the module built it; a request refused with 4xx is
    rolled back by ``portal.db.end_transaction``, so a GET's answer is enough)."""
    method, template, _expected = ROUTES[endpoint]
    client = client_of(app, here, role)
    path = here.address(template, ids)
    for verb in methods_of(app, endpoint, method):
        data = {"csrf_token": token_of(app, client)} if verb == "POST" else None
        with client.open(path, method=verb, data=data) as response:
            status, location = response.status_code, response.headers.get("Location", "")
            text = readable(response)
        where = f"{verb} {path} as {role} of community {here.community_id}"
        if role == "anonymous" and status == LOGIN:
            assert "/login" in location, f"{where}: sent to {location}"
        else:
            assert status in REFUSED, f"{where}: {status}"
        found = shown(text, there.named(template))
        assert not found, f"{where}: shows {found}"
        if verb == "POST":
            after = database_state(db)
            assert after == state, f"{where}: wrote {changes(state, after)}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", WITH_ROWS)
def test_another_community_s_rows_are_not_found_here(app, sides, module_db, module_case,
                                                      endpoint, role):
    home, away, state = sides
    refused_everything(app, module_db, state, home, away, role, endpoint, away.ids)


@pytest.mark.parametrize(("endpoint", "swapped", "role"), SEVERAL_ROWS)
def test_one_row_of_another_community_among_ours_is_not_found(app, sides, module_db,
                                                              module_case, endpoint, swapped,
                                                              role):
    home, away, state = sides
    refused_everything(app, module_db, state, home, away, role, endpoint,
                       {**home.ids, swapped: away.ids[swapped]})


@pytest.mark.parametrize("role", ["anonymous", "resident", "admin"])
@pytest.mark.parametrize("endpoint", WITH_ROWS)
def test_our_rows_are_not_found_at_another_community_s_address(app, sides, module_db,
                                                                module_case, endpoint, role):
    """The other way round, for a sample of roles (the administrator may use every office
    route; the resident owns the draft and the comment)."""
    home, away, state = sides
    refused_everything(app, module_db, state, away, home, role, endpoint, home.ids)


# What each community's pages and files show -----------------------------------------

#: The table opens one format of each file route; these are the others.
MORE_FILES = [
    *(f"/programs/{{program}}/reports/{{year}}/annual.{fmt}"
      for fmt in ("html", "json", "csv", "xlsx", "docx", "pdf")),
    *(f"/programs/{{program}}/{kind}.{fmt}" for kind in ("passport", "appendix")
      for fmt in ("json", "xlsx", "docx")),
    "/staff/programs/{program}/template.xlsx",
    "/review/meetings/{meeting}/protocol.docx",
    "/review/meetings/{meeting}/protocol.pdf",
    "/projects/?status=winner",
    # The open datasets with rows in the table (no vote of it is approved: results are
    # checked in tests/web/test_opendata_web.py).
    *(f"/data/{name}.{fmt}" for name in ("projects", "cycles", "categories", "implementation",
                                        "financing") for fmt in ("csv", "json")),
    *(f"/api/v1/datasets/{name}" for name in ("cycles", "financing")),
]
#: Pages and files that name no row of a community (forms, the API's own description, the
#: platform's list, pictures), so the check that a page shows its own words skips them.
NAMES_NOTHING = {
    "/healthz", "/forgot", "/login", "/register", "/verify/", "/verify/census",
    "/api/v1/openapi.json", "/api/v1/communities", "/admin/cycles/new", "/staff/programs/new",
    "/admin/jobs", "/desk/voting/", "/desk/verify/", "/projects/{project}/files/{attachment}",
    "/implementation/photos/{update_photo}",
    "/admin/community/",  # the community's own settings: its name and code, no rows
    # The open data catalogue: what each dataset holds and how many rows, not the rows.
    "/data/", "/data/catalog.jsonld", "/data/catalog.rdf", "/api/v1/datasets",
    f"{IN_COMMUNITY}/datasets",
}
#: Every page and file the table opens, as each role that it lets see it (a refusal shows
#: no rows); a file the worker makes (PDF, DOCX), and the other formats, as a visitor and an
#: administrator (a file is the same for everyone who may have it).
FILE_ROLES = ("anonymous", "admin")
PAGES = sorted({(template, role) for endpoint, (method, template, expected) in ROUTES.items()
                if method == "GET" and endpoint != "static"
                for role in (FILE_ROLES if set(expected.values()) == {202} else ROLES)
                if expected[role] in (200, 202)}
               | {(template, role) for template in MORE_FILES for role in FILE_ROLES})


def fetched(client, path: str):
    """The answer to ``path``, and for a file the worker makes (202: being prepared) the
    file itself, asked for again once the job has run (at the commit, in the tests)."""
    response = client.get(path)
    if response.status_code == 202:
        response.close()
        response = client.get(path)
    return response


def shows_nothing_of_the_other(app, here: Side, there: Side, role: str, template: str) -> None:
    client = client_of(app, here, role)
    path = here.address(template, here.ids)
    with fetched(client, path) as response:
        status = response.status_code
        text = readable(response)
    assert status < 500, f"GET {path} as {role}: {status}"
    where = f"GET {path} as {role} of community {here.community_id}"
    found = shown(text, there.named(template))
    assert not found, f"{where} shows {found}"
    if status == 200 and template not in NAMES_NOTHING:
        # What shows the other's rows would show them this way: it shows its own so.
        assert shown(text, here.words), f"{where} shows none of its own: {text[:300]}"


@pytest.mark.parametrize(("template", "role"), PAGES)
def test_a_community_s_pages_show_nothing_of_another(app, sides, module_case, template, role):
    """Each page and file as each role, at each community's address with its own rows."""
    home, away, _state = sides
    shows_nothing_of_the_other(app, home, away, role, template)
    shows_nothing_of_the_other(app, away, home, role, template)


# Roles -------------------------------------------------------------------------------

#: The routes of an office: a role the table lets in, where a resident is refused.
OFFICE = sorted((endpoint, role) for endpoint, (_m, _t, expected) in ROUTES.items()
                for role in ROLES if expected["resident"] == 403
                and expected[role] not in (403, 404, LOGIN))


@pytest.mark.parametrize(("endpoint", "role"), OFFICE)
def test_a_role_held_in_another_community_opens_no_office_here(app, sides, module_case,
                                                             endpoint, role):
    """The other community's verifier, commission member, staff or administrator, at this
    community's address with this community's rows: refused, like a resident; and the
    other way round."""
    home, away, _state = sides
    method, template, _expected = ROUTES[endpoint]
    for here, stranger in ((home, away), (away, home)):
        client = client_of(app, stranger, role)
        path = here.address(template, here.ids)
        data = {"csrf_token": token_of(app, client)} if method == "POST" else None
        with client.open(path, method=method, data=data) as response:
            assert response.status_code == 403, (
                f"{method} {path} as {role} of community {stranger.community_id}: "
                f"{response.status_code}")


# A person's notices, in each community they follow something -------------------------

@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_a_person_s_notices_of_another_community_stay_in_it(app, sides, module_db,
                                                            module_case, role):
    """Each person has a notice in both communities: at one community's address, the other's
    is not found, nor counted, nor marked read with the rest."""
    from portal.notifications.models import Notice

    home, away, _state = sides
    for here in (home, away):
        client = client_of(app, here, role)
        own, foreign = here.ids["notice"][role], here.ids["foreign_notice"][role]
        assert client.get(f"{here.prefix}/notifications/{foreign}").status_code == 404
        opened = client.get(f"{here.prefix}/notifications/{own}")
        assert opened.status_code == 302
        assert opened.headers["Location"].startswith(f"{here.prefix}/projects/"), (
            opened.headers["Location"])
        read = client.post(f"{here.prefix}/notifications/read",
                           data={"csrf_token": token_of(app, client)})
        assert read.status_code == 302
        with scope.everywhere():
            assert module_db.get(Notice, own, populate_existing=True).read_at is not None
            assert module_db.get(Notice, foreign, populate_existing=True).read_at is None


# Another community's ids in a query or a form -----------------------------------------

#: (method, path with this community's rows, query or form naming the other's, role).
FOREIGN_IN_FORMS = [
    ("GET", "/projects/", {"cycle": "{cycle}", "category": "{category}",
                           "district": "{district}"}, "resident"),
    ("GET", "/projects/new", {"cycle": "{cycle}"}, "resident"),
    ("POST", "/staff/programs/funding/measures/{measure}/cycles", {"cycle": "{winners_cycle}"},
     "staff"),
    ("POST", "/commission/review/meetings/{meeting}/agenda", {"project": "{review_project}"},
     "commission"),
    ("POST", "/commission/review/meetings/{meeting}/attendance", {"present": "{seat}"},
     "commission"),
    ("POST", "/staff/programs/{program}/measures",
     {"seq": "2", "content": "Захід", "departments": "{department}"}, "staff"),
    ("POST", "/admin/cycles/{cycle}/leftover", {"category": "{category}"}, "admin"),
    ("POST", "/admin/cycles/{cycle}/categories/new",
     {"name": "Районні", "kind": "district", "district_id": "{district}", "budget": "1000",
      "min_cost": "1", "max_cost": "1000"}, "admin"),
]


@pytest.mark.parametrize(("method", "template", "fields", "role"), FOREIGN_IN_FORMS)
def test_another_community_s_ids_in_a_query_or_form_find_nothing(app, sides, module_db,
                                                                module_case, method,
                                                                template, fields, role):
    """Our own page, asked about the other community's rows in its query or form: nothing
    of theirs shown, nothing written."""
    home, away, state = sides
    client = client_of(app, home, role)
    values = {name: value.format(**away.ids) for name, value in fields.items()}
    path = home.address(template, home.ids)
    if method == "GET":
        response = client.get(path, query_string=values)
    else:
        response = client.post(path, data={**values, "csrf_token": token_of(app, client)})
    where = f"{method} {path} {values} as {role}"
    assert response.status_code < 500, f"{where}: {response.status_code}"
    found = shown(readable(response), away.named(template))
    assert not found, f"{where} shows {found}"
    after = database_state(module_db)
    assert after == state, f"{where}: wrote {changes(state, after)}"
