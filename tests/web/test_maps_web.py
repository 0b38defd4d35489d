"""Maps through the test client: the districts' boundaries an administrator uploads, the
projects map (its cycle, its list, its empty state) and the policy that lets tiles in."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest

from portal.accounts.models import Role
from portal.projects.rules import ProjectStatus
from portal.security import content_security_policy
from tests.conftest import post_form, sign_in
from tests.factories.community import make_districts
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project

SQUARE = [[38.0, 48.59], [38.01, 48.59], [38.01, 48.60], [38.0, 48.60], [38.0, 48.59]]
POLYGON = {"type": "Polygon", "coordinates": [SQUARE]}


@pytest.fixture
def districts(db):
    return make_districts(db, "Ступки", "Хромове")


@pytest.fixture
def admin_client(client, make_user):
    sign_in(client, make_user(Role.ADMIN))
    return client


def collection(*names, geometry=POLYGON):
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name}, "geometry": geometry}
        for name in names]})


def test_the_admin_pastes_a_collection_and_the_maps_get_the_boundaries(
        admin_client, db, districts):
    page = admin_client.get("/admin/districts/").get_data(as_text=True)
    assert "Ступки" in page and "ще немає" in page
    assert 'href="/districts/boundaries.geojson" download' in page  # download, edit, upload
    response = post_form(admin_client, "/admin/districts/", {"geojson": collection("Ступки")},
                         follow_redirects=True)
    assert "Межу 1 району збережено" in response.get_data(as_text=True)
    data = admin_client.get("/districts/boundaries.geojson")
    assert data.headers["Content-Type"] == "application/geo+json"
    assert [(f["properties"]["name"], f["geometry"]) for f in data.get_json()["features"]] == [
        ("Ступки", POLYGON)]


def test_a_geojson_file_can_be_uploaded(admin_client, db, districts):
    body = collection("Ступки", "Хромове").encode()
    response = post_form(admin_client, "/admin/districts/", {
        "geojson": "", "file": (io.BytesIO(body), "rayony.geojson", "application/geo+json")},
        token_from="/admin/districts/", content_type="multipart/form-data",
        follow_redirects=True)
    assert "Межі 2 районів збережено" in response.get_data(as_text=True)
    db.expire_all()
    assert all(d.boundary for d in districts)


@pytest.mark.parametrize(("text", "words"), [
    ("{oops", "Це не GeoJSON: текст не є правильним JSON."),
    (collection("Марс"), "Об’єкт «Марс»: У громаді немає району з такою назвою."),
    (collection("Ступки", geometry={"type": "Point", "coordinates": [38, 48.6]}),
     "Polygon або MultiPolygon"),
])
def test_bad_geojson_gets_a_clear_message_and_changes_nothing(
        admin_client, db, districts, text, words):
    response = post_form(admin_client, "/admin/districts/", {"geojson": text})
    assert response.status_code == 200
    assert words in response.get_data(as_text=True)
    db.expire_all()
    assert districts[0].boundary is None


def test_one_districts_boundary_is_edited_and_bad_input_is_refused(admin_client, db, districts):
    url = f"/admin/districts/{districts[1].id}"
    bad = post_form(admin_client, url, {"boundary": '{"type": "Polygon", "coordinates": [[]]}'})
    assert bad.status_code == 200 and "щонайменше чотири точки" in bad.get_data(as_text=True)
    good = post_form(admin_client, url, {"boundary": json.dumps(POLYGON)}, follow_redirects=True)
    assert "Межу району Хромове збережено" in good.get_data(as_text=True)
    db.expire_all()
    assert json.loads(districts[1].boundary) == POLYGON
    assert admin_client.get("/admin/districts/999999").status_code == 404


def test_a_map_without_points_says_so_instead_of_an_empty_box(client, db, make_user):
    cycle = make_cycle(db, make_user(Role.ADMIN))
    make_project(db, cycle, make_user(verified=True), status=ProjectStatus.ADMITTED)
    page = client.get(f"/projects/map?cycle={cycle.id}").get_data(as_text=True)
    assert "Жоден проєкт цього вибору ще не має місця на мапі." in page
    assert 'id="project-map"' not in page


def test_the_map_opens_on_the_newest_cycle_with_points_and_lists_them(client, db, make_user):
    admin, author = make_user(Role.ADMIN), make_user(verified=True)
    with_points = make_cycle(db, admin, budget_year=2041, name="З точками")
    make_project(db, with_points, author, status=ProjectStatus.WINNER, title="Фонтан",
                 latitude=Decimal("48.595"), longitude=Decimal("38.005"))
    make_project(db, with_points, author, status=ProjectStatus.ADMITTED, title="Лавки",
                 latitude=Decimal("48.596"), longitude=Decimal("38.006"))
    newer = make_cycle(db, admin, budget_year=2042, name="Без точок")
    make_project(db, newer, author, status=ProjectStatus.ADMITTED)
    page = client.get("/projects/map").get_data(as_text=True)
    assert f'<option selected value="{with_points.id}">' in page
    assert 'role="img"' not in page
    assert 'role="region" aria-label="Мапа проєктів"' in page
    assert 'data-boundaries-url="/districts/boundaries.geojson"' in page
    # The legend names each status once; the list links each project, coloured alike.
    assert page.count('class="map-legend-item"') == 2
    assert "Переможець" in page and "Допущено до голосування" in page
    assert page.count('<li data-lat="48.595') == 1 and "Фонтан</a>" in page
    assert "<script>" not in page


def test_the_policy_lets_in_images_of_the_tile_host_only(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tile.openstreetmap.org;" in policy
    assert "img-src 'self' data:;" in content_security_policy({"MAP_TILE_URL": ""})
    assert "https://*.tile.example.org" in content_security_policy(
        {"MAP_TILE_URL": "https://{s}.tile.example.org/{z}/{x}/{y}.png"})
