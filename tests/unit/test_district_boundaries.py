"""District boundaries: what GeoJSON is a boundary, and which point lies inside one."""

from __future__ import annotations

import json

import pytest

from portal.community.rules import (
    BoundaryProblem,
    Finding,
    boundary_problems,
    canonical,
    contains,
    named_boundaries,
    parse,
)

SQUARE = [[38.0, 48.59], [38.01, 48.59], [38.01, 48.60], [38.0, 48.60], [38.0, 48.59]]
HOLE = [[38.004, 48.594], [38.006, 48.594], [38.006, 48.596], [38.004, 48.596],
        [38.004, 48.594]]
POLYGON = {"type": "Polygon", "coordinates": [SQUARE]}


def test_a_polygon_a_multipolygon_and_a_feature_are_boundaries():
    assert boundary_problems(POLYGON) == []
    assert boundary_problems({"type": "MultiPolygon", "coordinates": [[SQUARE], [SQUARE]]}) == []
    assert boundary_problems({"type": "Feature", "properties": {}, "geometry": POLYGON}) == []


@pytest.mark.parametrize(("value", "problem"), [
    ({"type": "Point", "coordinates": [38.0, 48.59]}, BoundaryProblem.NOT_A_SHAPE),
    ([1, 2], BoundaryProblem.NOT_A_SHAPE),
    ({"type": "Feature", "geometry": None}, BoundaryProblem.NOT_A_SHAPE),
    ({"type": "Polygon", "coordinates": []}, BoundaryProblem.BAD_RING),
    ({"type": "Polygon", "coordinates": [SQUARE[:3]]}, BoundaryProblem.BAD_RING),
    ({"type": "Polygon", "coordinates": [[*SQUARE[:4], [38.0, "48.59"]]]},
     BoundaryProblem.BAD_POSITION),
    ({"type": "Polygon", "coordinates": [[*SQUARE[:4], [True, 48.59]]]},
     BoundaryProblem.BAD_POSITION),
    ({"type": "Polygon", "coordinates": [[[48.59, 238.0], *SQUARE[1:4], [48.59, 238.0]]]},
     BoundaryProblem.OUT_OF_RANGE),
    ({"type": "Polygon", "coordinates": [SQUARE[:4] + [[38.0, 48.5]]]},
     BoundaryProblem.NOT_CLOSED),
])
def test_what_is_not_a_boundary_says_why(value, problem):
    assert boundary_problems(value) == [problem]


def test_a_boundary_of_too_many_points_is_refused():
    ring = [[38.0 + i / 1e6, 48.59] for i in range(20_001)] + [[38.0, 48.59]]
    assert boundary_problems({"type": "Polygon", "coordinates": [ring]}) == [
        BoundaryProblem.TOO_BIG]


def test_text_that_is_not_json_is_found_out():
    assert parse("{'type': 'Polygon'") == (None, [Finding(BoundaryProblem.NOT_JSON)])
    assert parse(json.dumps(POLYGON))[1] == []


def test_the_stored_text_is_the_geometry_alone():
    feature = {"type": "Feature", "properties": {"name": "Ступки"}, "geometry": POLYGON}
    assert json.loads(canonical(feature)) == POLYGON


def test_a_collection_is_matched_by_district_name_and_every_bad_feature_is_named():
    good = {"type": "Feature", "properties": {"name": " Ступки "}, "geometry": POLYGON}
    found, findings = named_boundaries({"type": "FeatureCollection", "features": [good]},
                                       {"Ступки", "Хромове"})
    assert list(found) == ["Ступки"] and findings == []
    bad = {"type": "FeatureCollection", "features": [
        good, good,
        {"type": "Feature", "properties": {"name": "Марс"}, "geometry": POLYGON},
        {"type": "Feature", "properties": {}, "geometry": POLYGON},
        {"type": "Feature", "properties": {"name": "Хромове"}, "geometry": {"type": "Point"}},
    ]}
    _found, findings = named_boundaries(bad, {"Ступки", "Хромове"})
    assert findings == [Finding(BoundaryProblem.REPEATED_NAME, "Ступки"),
                        Finding(BoundaryProblem.UNKNOWN_NAME, "Марс"),
                        Finding(BoundaryProblem.NO_NAME, "4"),
                        Finding(BoundaryProblem.NOT_A_SHAPE, "Хромове")]
    assert named_boundaries({"type": "FeatureCollection", "features": []}, {"Ступки"})[1] == [
        Finding(BoundaryProblem.NO_FEATURES)]


def test_a_point_is_inside_a_boundary_but_not_in_its_hole():
    with_hole = {"type": "Polygon", "coordinates": [SQUARE, HOLE]}
    assert contains(with_hole, 48.592, 38.002)
    assert not contains(with_hole, 48.595, 38.005)
    assert not contains(with_hole, 48.61, 38.005)
    assert contains({"type": "MultiPolygon", "coordinates": [[HOLE], [SQUARE]]}, 48.595, 38.005)
