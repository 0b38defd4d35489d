"""Nothing of a vote leaks while it is open (DESIGN rule 8): every dataset, every operation
of the API, every other export, page and command that could give results or ballots says
the same before and after ballots are cast.

A cycle with voting open, three projects on its ballot, linked to a published program with
a "voters" indicator for its year, is asked everything below once before any ballot and
once after seven; each answer must be the same (HTML with its per-request tokens taken
out). An answer that changed shows something of the ballots: a count, a receipt, a vote.

To add an export or a command, add one line to ``WEB`` or ``COMMANDS``. The home page's
figures, the reports' "voters" indicator and text, ``flask pb export`` and ``pb tally``
each gave the open vote's ballots (a count, the ballots themselves) before issue 14.
"""

from __future__ import annotations

import difflib
import re
from decimal import Decimal

import pytest

from portal.accounts.models import Role
from portal.clock import utcnow
from portal.programs import funding
from portal.programs.rules import IndicatorGroup, PortalFigure
from portal.projects.rules import ProjectStatus
from tests.conftest import TEST_COMMUNITY
from tests.factories import accounts
from tests.factories.programs import make_program
from tests.factories.projects import make_project
from tests.factories.results import cast
from tests.factories.voting import make_voting_cycle

pytestmark = pytest.mark.module_transaction

YEAR = 2027  # make_voting_cycle's budget year
IN_COMMUNITY = f"/api/v1/communities/{TEST_COMMUNITY['code']}"

#: Every page and file that could give a vote's results or ballots ({cycle}, {project},
#: {program}: the open vote's).
WEB = [
    "/voting/{cycle}/results", "/voting/{cycle}/board", "/cycles/{cycle}", "/voting/",
    "/voting/{cycle}/ballots.pb", "/projects/{project}", "/projects/?cycle_id={cycle}",
    "/implementation/", "/programs/{program}", "/",
    "/programs/{program}/reports/{year}/annual",
    *(f"/programs/{{program}}/reports/{{year}}/annual.{fmt}" for fmt in ("json", "csv")),
]
#: The commands, as ``flask`` arguments.
COMMANDS = [
    *(f"report annual {{program_code}} {{year}} --format {fmt}" for fmt in ("json", "csv")),
    "report plan {program_code} {year} --format json",
    "pb export {cycle}",
    "pb tally {cycle} --json",
]


def _datasets() -> list[str]:
    from portal.opendata.datasets import DATASETS

    return ["/data/", "/data/catalog.jsonld", "/data/catalog.rdf",
            *(f"/data/{name}.{fmt}" for name in DATASETS for fmt in ("csv", "json"))]


def _operations() -> list:
    """Every operation of the OpenAPI document (each dataset by name), as an address with
    the open vote's rows to fill in."""
    from portal.api.openapi import document
    from portal.opendata.datasets import DATASETS

    found = []
    for path in document("/api/v1")["paths"]:
        for name in (DATASETS if "{name}" in path else [None]):
            address = "/api/v1" + path.format(
                cycle_id="{cycle}", program_id="{program}", year="{year}", name=name,
                community_code=TEST_COMMUNITY["code"])
            found.append(address)
    return found


API = _operations()


@pytest.fixture(scope="module")
def vote(module_db):
    """The open vote, its program, and a function that casts seven ballots (once)."""
    admin = accounts.make_user(module_db, Role.ADMIN)
    cycle = make_voting_cycle(module_db, admin, open_now=True, votes_per_voter=2)
    author = accounts.make_user(module_db)
    projects = [make_project(module_db, cycle, author, status=ProjectStatus.ADMITTED,
                             title=f"Проєкт на голосуванні {n}", cost=10_000_000 * n)
                for n in (4, 5, 6)]
    program, measures = make_program(module_db, code="leaks", start=YEAR - 1, end=YEAR + 1)
    cycle.measure_id = measures["1.2"].id
    funding.save_indicator(module_db, actor=None, program=program, year=YEAR, now=utcnow(),
                           data=funding.IndicatorData(IndicatorGroup.PRODUCT, "Учасники",
                                                      "осіб", Decimal(100), None,
                                                      PortalFigure.VOTERS))
    module_db.commit()
    ids = {"cycle": cycle.id, "project": projects[0].id, "program": program.id,
           "program_code": program.code, "year": YEAR}

    def cast_ballots():
        # 2, 3 and 5 votes: counted, the third wins (and the first with it), where with
        # no votes the first two would.
        for chosen in ([2], [1, 2], [0, 2], [2], [1], [0, 1], [2]):
            cast(module_db, cycle, [projects[i] for i in chosen])
        module_db.commit()

    return ids, cast_ballots


#: What differs between two requests of the same page: a form's token (a time and a
#: signature), a script's nonce.
VOLATILE = re.compile(r'"\d{14}##[0-9a-f]+"|nonce="[^"]*"')


def _answer(client, path: str) -> tuple[int, str]:
    response = client.get(path)
    text = response.get_data(as_text=True)
    return response.status_code, VOLATILE.sub("", text)


def _command(app, line: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=line.split())
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def before_and_after(app, vote):
    """Every answer before the ballots and after them, by what was asked."""
    ids, cast_ballots = vote
    paths = [p.format(**ids) for p in WEB + API] + _datasets()
    commands = [c.format(**ids) for c in COMMANDS]

    def everything():
        client = app.test_client()
        return ({path: _answer(client, path) for path in paths},
                {line: _command(app, line) for line in commands})

    before = everything()
    cast_ballots()
    return ids, before, everything()


def _changed(before, after, key) -> list[str]:
    """The lines of the answer to ``key`` that the ballots changed (with its status)."""
    assert before[key][0] < 500 and after[key][0] < 500, (key, before[key][0], after[key][0])
    if before[key] == after[key]:
        return []
    lines = difflib.unified_diff(before[key][1].splitlines(), after[key][1].splitlines(),
                                 lineterm="", n=0)
    return [f"{key} ({before[key][0]} -> {after[key][0]})", *list(lines)[2:12]]


@pytest.mark.parametrize("path", WEB)
def test_no_page_or_export_changes_when_ballots_are_cast(before_and_after, path):
    ids, (pages, _), (pages_after, _) = before_and_after
    assert not _changed(pages, pages_after, path.format(**ids))


def test_no_dataset_changes_when_ballots_are_cast(before_and_after):
    ids, (pages, _), (pages_after, _) = before_and_after
    changed = [_changed(pages, pages_after, p) for p in _datasets()]
    changed = [lines for lines in changed if lines]
    assert not changed
    assert pages_after["/data/results.json"] == (200, "[]\n")


@pytest.mark.parametrize("path", API)
def test_no_api_operation_changes_when_ballots_are_cast(before_and_after, path):
    ids, (pages, _), (pages_after, _) = before_and_after
    assert not _changed(pages, pages_after, path.format(**ids))


def test_the_api_says_an_open_vote_s_results_and_board_are_not_found(before_and_after):
    ids, _before, (pages_after, _) = before_and_after
    assert len(API) > 20  # every dataset under both prefixes, results, board, reports...
    for path in ("/api/v1/cycles/{cycle}/results", f"{IN_COMMUNITY}/cycles/{{cycle}}/board"):
        assert pages_after[path.format(**ids)][0] == 404


@pytest.mark.parametrize("line", COMMANDS)
def test_no_command_changes_when_ballots_are_cast(before_and_after, line):
    ids, (_, commands), (_, commands_after) = before_and_after
    key = line.format(**ids)
    assert not _changed(commands, commands_after, key)
