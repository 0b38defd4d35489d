"""The open data pages as a journalist and a program meet them: the catalogue, the files
with their headers, the API that serves the same rows, the DCAT document, and each
community's datasets holding its own rows and none of another's."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from config import TESTING_AUDIT_KEY
from portal.accounts.models import Role
from portal.audit.signing import private_key
from portal.clock import utcnow
from portal.opendata.datasets import DATASETS
from portal.projects.rules import ProjectStatus
from portal.results import tallies
from portal.tenancy import scope
from tests.conftest import TEST_COMMUNITY
from tests.factories import accounts
from tests.factories.communities import make_community
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project
from tests.factories.voting import make_vote

pytestmark = pytest.mark.module_transaction

OURS, THEIRS = "Сквер біля ратуші НАШ", "Фонтан на площі ЧУЖИЙ"


@pytest.fixture(scope="module")
def two_communities(module_db):
    """Ours (served without a prefix) and "other" (``/other/...``), each with a public
    project and an approved vote."""
    other = make_community(module_db, slug="other", name="Інша громада")
    made = {}
    for community_id, title in ((1, OURS), (other.id, THEIRS)):
        with scope.inside(community_id):
            admin = accounts.make_user(module_db, Role.ADMIN)
            cycle = make_cycle(module_db, admin)
            project = make_project(module_db, cycle, admin, status=ProjectStatus.SUBMITTED,
                                   title=title, cost=150_000_55)
            voted, on_ballot, commission, meeting, _ = make_vote(module_db)
            tally = tallies.compute_tally(module_db, cycle=voted, actor=commission, now=utcnow())
            tallies.approve_tally(module_db, tally=tally, meeting=meeting, votes=(3, 0, 0),
                                  actor=commission, audit_key=private_key(TESTING_AUDIT_KEY),
                                  now=utcnow())
            made[community_id] = project, on_ballot
    module_db.commit()
    return made, other


def test_the_catalogue_lists_each_dataset_with_its_files_columns_and_licence(client,
                                                                               two_communities):
    page = client.get("/data/").get_data(as_text=True)
    for name, dataset in DATASETS.items():
        assert f'href="/data/{name}.csv"' in page and f'href="/data/{name}.json"' in page
        assert f"<code>{dataset.columns[0].name}</code>" in page
    assert "https://creativecommons.org/licenses/by/4.0/" in page
    assert 'href="/data/catalog.jsonld"' in page
    assert "<code>cost_uah</code>" in page and "CC BY 4.0" in page


def test_the_footer_leads_to_open_data(client, two_communities):
    assert 'href="/data/"' in client.get("/").get_data(as_text=True)


def test_a_csv_file_opens_in_a_spreadsheet_and_in_pandas_plainly(client, two_communities):
    response = client.get("/data/projects.csv")
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="projects.csv"'
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    (ours,) = [r for r in rows if r["title"] == OURS]
    assert Decimal(ours["cost_uah"]) == Decimal("150000.55") and "," not in ours["cost_uah"]


def test_the_api_serves_the_same_rows_as_the_files(client, two_communities):
    listing = client.get("/api/v1/datasets").get_json()
    assert [d["name"] for d in listing["datasets"]] == list(DATASETS)
    assert listing["publisher"]["identifier"] == TEST_COMMUNITY["code"]
    for name in DATASETS:
        assert client.get(f"/api/v1/datasets/{name}").get_data() == \
            client.get(f"/data/{name}.json").get_data()
    results = client.get("/api/v1/datasets/results").get_json()
    assert {r["votes"] for r in results} == {3, 2} and any(r["selected"] for r in results)


@pytest.mark.parametrize("path", ["/data/nothing.csv", "/data/projects.xml",
                                  "/api/v1/datasets/nothing"])
def test_an_unknown_dataset_is_not_found(client, two_communities, path):
    response = client.get(path)
    assert response.status_code == 404
    if path.startswith("/api/"):
        assert response.get_json()["error"]["code"] == 404


def test_the_dcat_document_is_json_ld_naming_the_community(client, two_communities):
    response = client.get("/data/catalog.jsonld")
    assert response.mimetype == "application/ld+json"
    document = json.loads(response.get_data(as_text=True))
    assert document["dct:publisher"]["dct:identifier"] == TEST_COMMUNITY["code"]
    assert document["dct:publisher"]["foaf:name"]["@value"] == TEST_COMMUNITY["name"]
    assert len(document["dcat:dataset"]) == len(DATASETS)


def test_the_same_catalogue_as_rdf_xml(client, two_communities):
    response = client.get("/data/catalog.rdf")
    assert response.mimetype == "application/rdf+xml"
    root = ElementTree.fromstring(response.get_data())  # noqa: S314 (the portal's own answer)
    rdf, dcat, dct = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                      "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/")
    assert root.tag == f"{{{rdf}}}RDF"
    (catalog,) = root
    assert catalog.tag == f"{{{dcat}}}Catalog"
    datasets = catalog.findall(f"{{{dcat}}}dataset/{{{dcat}}}Dataset")
    assert len(datasets) == len(DATASETS)
    title = datasets[0].find(f"{{{dct}}}title")
    assert title.text == "Проєкти бюджету участі"
    assert title.get("{http://www.w3.org/XML/1998/namespace}lang") == "uk"
    downloads = [e.get(f"{{{rdf}}}resource") for e in datasets[0].iter(f"{{{dcat}}}downloadURL")]
    assert [d.rsplit("/", 1)[1] for d in downloads] == ["projects.csv", "projects.json"]
    modified = datasets[0].find(f"{{{dct}}}modified")
    assert modified.get(f"{{{rdf}}}datatype") == "http://www.w3.org/2001/XMLSchema#dateTime"


@pytest.mark.parametrize("name", list(DATASETS))
def test_a_community_s_datasets_hold_its_rows_and_none_of_another_s(client, two_communities,
                                                                      name):
    (made, other) = two_communities
    ours_page = client.get(f"/data/{name}.json").get_data(as_text=True)
    theirs_page = client.get(f"/other/data/{name}.json").get_data(as_text=True)
    theirs_api = client.get(f"/api/v1/communities/{other.code}/datasets/{name}")
    assert theirs_api.get_data(as_text=True) == theirs_page
    ids = {r.get("project_id") for r in json.loads(ours_page)}
    their_ids = {r.get("project_id") for r in json.loads(theirs_page)}
    assert not (ids - {None}) & (their_ids - {None})
    assert THEIRS not in ours_page and OURS not in theirs_page
    if name == "projects":
        assert OURS in ours_page and THEIRS in theirs_page
    if name == "results":
        assert {p.id for p in made[1][1]} == ids
        assert {p.id for p in made[other.id][1]} == their_ids


def test_every_answer_of_every_api_operation_is_declared_with_its_body(client, two_communities):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        responses = item["get"]["responses"]
        assert all("content" in answer for answer in responses.values()), path
        if path not in ("/openapi.json", "/communities"):
            assert {"404", "503"} <= set(responses), path
        if item["get"].get("parameters"):
            assert "400" in responses, path
    # A NUL is refused before anything is read, with the declared error body.
    response = client.get("/api/v1/datasets/pro%00jects")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == 400
