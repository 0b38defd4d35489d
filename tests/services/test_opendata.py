"""The open datasets against the records: what each holds and what it leaves out, money to
the kopeck, files that the csv module and json read back with numbers as numbers, formulas
neutralised, and the DCAT catalogue with the fields data.gov.ua reads."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest

from config import TESTING_AUDIT_KEY
from portal.accounts.models import Role
from portal.audit.signing import private_key
from portal.clock import utcnow
from portal.community.models import District
from portal.opendata import catalogue, dcat, writers
from portal.opendata.datasets import DATASETS
from portal.projects.rules import ProjectStatus
from portal.results import tallies
from tests.factories import accounts
from tests.factories.cycles import make_cycle
from tests.factories.programs import make_program, plan
from tests.factories.projects import make_project
from tests.factories.voting import make_vote

pytestmark = pytest.mark.usefixtures("app_ctx")

FORMULA = '=HYPERLINK("http://evil.example","Клікніть")'


def rows(db, name: str) -> list[dict]:
    return DATASETS[name].rows(db, utcnow())


def read_csv(name: str, data: list[dict]) -> list[dict]:
    names = [c.name for c in DATASETS[name].columns]
    text = writers.to_csv(names, data).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def projects(db):
    admin = accounts.make_user(db, Role.ADMIN)
    district = District(name="Центральний район")
    db.add(district)
    db.flush()
    cycle = make_cycle(db, admin)
    public = make_project(db, cycle, admin, status=ProjectStatus.SUBMITTED, title=FORMULA,
                          lines=[("Лава", Decimal(1), "шт.", 123_456_789)],
                          district_id=district.id, latitude=Decimal("48.595123"),
                          longitude=Decimal("37.999321"))
    draft = make_project(db, cycle, admin, title="Чернетка, якої ніхто не бачить")
    return cycle, public, draft


def test_projects_hold_every_public_project_and_no_draft(db, projects):
    cycle, public, _draft = projects
    (row,) = rows(db, "projects")
    assert row["project_id"] == public.id and row["cycle_id"] == cycle.id
    assert row["registration_code"] == public.registration_code
    assert row["status"] == "submitted" and row["status_name"] == "Подано"
    assert row["cost_uah"] == Decimal("1234567.89")  # to the kopeck
    assert row["district"] == "Центральний район"
    assert (row["latitude"], row["longitude"]) == (Decimal("48.595123"), Decimal("37.999321"))
    assert row["url"].endswith(f"/projects/{public.id}")
    assert not {"author", "email", "author_id"} & set(row)


def test_the_csv_reads_back_with_numbers_as_numbers_and_formulas_neutralised(db, projects):
    (row,) = read_csv("projects", rows(db, "projects"))
    assert row["title"] == "'" + FORMULA  # shown as text, never run
    assert row["cost_uah"] == "1234567.89" and float(row["cost_uah"]) == 1234567.89
    assert Decimal(row["latitude"]) == Decimal("48.595123")
    assert row["district"] == "Центральний район" and row["address"] == "вул. Миру, 1"


def test_the_json_has_exact_numbers_and_the_text_as_it_is(db, projects):
    names = [c.name for c in DATASETS["projects"].columns]
    text = writers.to_json(names, rows(db, "projects")).decode("utf-8")
    (row,) = json.loads(text, parse_float=Decimal)
    assert row["cost_uah"] == Decimal("1234567.89") and row["title"] == FORMULA
    assert row["submitted_at"].endswith("+00:00") and row["district"] == "Центральний район"
    assert set(row) == set(names)


def test_numbers_are_never_written_with_an_exponent():
    assert writers.json_value(Decimal(40_000_000) / 100_000) == "400"
    assert writers.json_value(Decimal("0.01")) == "0.01"
    assert writers.json_value(Decimal("-5.50")) == "-5.5"
    assert json.loads(writers.to_json(["a", "b", "c"], [{"a": Decimal("1E+3"), "b": None,
                                                          "c": True}])) == [
        {"a": 1000, "b": None, "c": True}]
    # A negative amount stays a number in CSV; text that starts like one is neutralised.
    assert "-5.5,'-5" in writers.to_csv(["a", "b"], [{"a": Decimal("-5.5"),
                                                      "b": "-5"}]).decode()


def test_cycles_and_categories_say_budgets_calendar_and_phase(db, projects):
    cycle = projects[0]
    (row,) = rows(db, "cycles")
    assert row["total_budget_uah"] == Decimal(cycle.total_budget) / 100
    assert row["phase"] == "submission" and row["phase_name"]
    assert row["voting_start"] == cycle.voting_start
    categories = rows(db, "categories")
    assert [c["name"] for c in categories] == [c.name for c in cycle.categories]
    assert categories[0]["budget_uah"] == Decimal(cycle.categories[0].budget) / 100


@pytest.fixture
def vote(db):
    return make_vote(db)


def test_results_appear_only_once_the_commission_approved_them(db, vote):
    cycle, (a, b, c), commission, meeting, _voters = vote
    assert rows(db, "results") == []  # the vote is over, nothing counted yet
    tally = tallies.compute_tally(db, cycle=cycle, actor=commission, now=utcnow())
    assert rows(db, "results") == []  # counted, not approved
    tallies.approve_tally(db, tally=tally, meeting=meeting, votes=(3, 0, 0), actor=commission,
                          audit_key=private_key(TESTING_AUDIT_KEY), now=utcnow())
    found = {r["project_id"]: r for r in rows(db, "results")}
    assert {p: (found[p.id]["votes"], found[p.id]["selected"]) for p in (a, b, c)} == {
        a: (3, True), b: (3, False), c: (2, True)}
    assert found[a.id]["cost_uah"] == Decimal(600_000)
    assert found[a.id]["approved_at"] == tally.approved_at
    (selected,) = [r for r in read_csv("results", list(found.values()))
                   if r["project_id"] == str(c.id)]
    assert selected["selected"] == "true" and int(selected["votes"]) == 2


@pytest.fixture
def funded(db):
    """A published program with a line paid in part, a draft program's line, and a winner
    of a cycle linked to the published program's measure, funded."""
    from portal.implementation.funding import fund_winners

    program, measures = make_program(db, code="opendata", start=2026, end=2028)
    plan(db, measures["1.1"], 2027, 250_000_50, payments=[(date(2027, 3, 1), 100_000_25)])
    _draft, draft_measures = make_program(db, code="draft", published=False,
                                          title="Чернетка програми")
    plan(db, draft_measures["1.1"], 2024, 999_00)
    admin = accounts.make_user(db, Role.ADMIN)
    cycle = make_cycle(db, admin, budget_year=2027)
    winner = make_project(db, cycle, admin, status=ProjectStatus.WINNER, title="Сквер")
    cycle.measure_id = measures["1.2"].id
    fund_winners(db, cycle=cycle, actor=None, now=utcnow())
    return program, winner


def test_financing_holds_the_lines_of_published_programs_only(db, funded):
    found = rows(db, "financing")
    assert {r["program_code"] for r in found} == {"opendata"}
    (paid,) = [r for r in found if r["measure_number"] == "1.1"]
    assert (paid["planned_uah"], paid["financed_uah"]) == (Decimal("250000.5"),
                                                           Decimal("100000.25"))
    assert paid["last_paid_on"] == date(2027, 3, 1) and paid["source"] == "city_budget"
    (line,) = [r for r in found if r["project_id"] == funded[1].id]
    assert line["measure_number"] == "1.2" and line["financed_uah"] == 0


def test_implementation_follows_the_public_implementation_pages(db, funded):
    program, winner = funded
    (row,) = rows(db, "implementation")
    assert (row["project_id"], row["status"], row["progress_percent"]) == (
        winner.id, "planned", 0)
    assert row["planned_uah"] == Decimal(winner.total_cost) / 100
    program.published = False  # its money is then not public: the winner stays, planned
    db.flush()
    (row,) = rows(db, "implementation")
    assert row["planned_uah"] is None and row["financed_uah"] is None


def test_the_dcat_catalogue_has_what_data_gov_ua_reads(db, projects):
    publisher = catalogue.Publisher("Бахмутська міська територіальна громада",
                                    "UA14020010000053517", "budget@bakhmut.example",
                                    utcnow())
    document = dcat.catalog(catalogue.entries(db, utcnow()), publisher)
    assert json.loads(json.dumps(document, ensure_ascii=False)) == document
    assert document["@type"] == "dcat:Catalog"
    used = {key.split(":")[0] for key in json.dumps(document).split('"') if ":" in key
            and key.split(":")[0] in {"dcat", "dct", "foaf", "vcard", "xsd"}}
    assert used <= set(document["@context"])
    datasets = {d["dct:identifier"]: d for d in document["dcat:dataset"]}
    assert set(datasets) == {f"UA14020010000053517-{name}" for name in DATASETS}
    projects_set = datasets["UA14020010000053517-projects"]
    for field in ("dct:title", "dct:description", "dcat:keyword", "dct:publisher",
                  "dcat:contactPoint", "dct:accrualPeriodicity", "dct:issued", "dct:modified",
                  "dct:language", "dct:license", "dcat:landingPage", "dcat:distribution"):
        assert projects_set[field], field
    assert len(projects_set["dct:title"]["@value"]) <= 254
    assert projects_set["dcat:contactPoint"]["vcard:hasEmail"] == {
        "@id": "mailto:budget@bakhmut.example"}
    assert projects_set["dct:license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
    csv_file, json_file = projects_set["dcat:distribution"]
    assert csv_file["dcat:mediaType"]["@id"].endswith("/text/csv")
    assert csv_file["dcat:downloadURL"]["@id"].endswith("/data/projects.csv")
    assert json_file["dcat:accessURL"]["@id"].endswith("/data/projects.json")
