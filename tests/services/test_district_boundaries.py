"""District boundaries stored and refused: one district's geometry, a FeatureCollection for
several, and the collection the maps read."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.clock import utcnow
from portal.community import services
from portal.community.models import District
from portal.refusal import Refused
from tests.factories.community import make_districts

SQUARE = [[38.0, 48.59], [38.01, 48.59], [38.01, 48.60], [38.0, 48.60], [38.0, 48.59]]
POLYGON = {"type": "Polygon", "coordinates": [SQUARE]}


@pytest.fixture
def admin(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def districts(db):
    return make_districts(db, "Ступки", "Хромове")


def test_a_districts_boundary_is_stored_read_back_and_audited(db, app_ctx, admin, districts):
    stupky = districts[0]
    feature = {"type": "Feature", "properties": {"name": "x"}, "geometry": POLYGON}
    services.set_boundary(db, district=stupky, text=json.dumps(feature), actor=admin,
                          now=utcnow())
    db.expire_all()
    assert json.loads(db.get(District, stupky.id).boundary) == POLYGON
    collection = services.boundaries_collection(db)
    assert collection["type"] == "FeatureCollection"
    assert [(f["properties"]["name"], f["geometry"]) for f in collection["features"]] == [
        ("Ступки", POLYGON)]
    assert db.execute(select(AuditEvent.action).where(
        AuditEvent.object_type == "district", AuditEvent.object_id == str(stupky.id))
    ).scalars().all() == ["district.boundary_set"]
    services.set_boundary(db, district=stupky, text="  ", actor=admin, now=utcnow())
    assert stupky.boundary is None and services.boundaries_collection(db)["features"] == []


@pytest.mark.parametrize(("text", "code"), [
    ("{not json", "not_json"),
    ('{"type": "Point", "coordinates": [38, 48]}', "not_a_shape"),
    (json.dumps({"type": "Polygon", "coordinates": [SQUARE[:4] + [[38.0, 48.0]]]}),
     "not_closed"),
])
def test_bad_geojson_is_refused_with_a_clear_message_and_changes_nothing(
        db, app_ctx, admin, districts, text, code):
    stupky = districts[0]
    services.set_boundary(db, district=stupky, text=json.dumps(POLYGON), actor=admin,
                          now=utcnow())
    with pytest.raises(Refused) as refused:
        services.set_boundary(db, district=stupky, text=text, actor=admin, now=utcnow())
    (problem,) = refused.value.problems
    assert (problem.code, problem.field) == (code, "boundary")
    assert len(str(problem)) > 30
    assert json.loads(stupky.boundary) == POLYGON


def test_a_collection_sets_the_districts_it_names_all_or_nothing(db, app_ctx, admin, districts):
    stupky, khromove = districts
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "Ступки"}, "geometry": POLYGON}]}
    changed = services.import_boundaries(db, text=json.dumps(collection), actor=admin,
                                         now=utcnow())
    assert changed == [stupky] and khromove.boundary is None
    collection["features"].append(
        {"type": "Feature", "properties": {"name": "Марс"}, "geometry": POLYGON})
    collection["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [SQUARE[:3]]}
    with pytest.raises(Refused) as refused:
        services.import_boundaries(db, text=json.dumps(collection), actor=admin, now=utcnow())
    words = [str(p) for p in refused.value.problems]
    assert len(words) == 2
    assert "«Ступки»" in words[0] and "«Марс»" in words[1]
    assert json.loads(stupky.boundary) == POLYGON  # refused: nothing changed


def test_an_empty_upload_is_refused(db, app_ctx, admin, districts):
    with pytest.raises(Refused) as refused:
        services.import_boundaries(db, text="", actor=admin, now=utcnow())
    assert [p.code for p in refused.value.problems] == ["nothing"]
