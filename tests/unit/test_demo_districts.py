"""The demo's districts have boundaries of different sizes around Bakhmut, and every demo
project's point lies inside its own district (and no other)."""

from __future__ import annotations

import json
from pathlib import Path

from portal.community.rules import boundary_problems, contains, named_boundaries
from portal.demo.accounts import BOUNDARIES, DISTRICTS

CYCLES = Path(BOUNDARIES).with_name("cycles.json")


def _area(ring: list) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False))) / 2


def test_every_demo_district_has_a_valid_boundary_near_bakhmut():
    shapes, findings = named_boundaries(json.loads(BOUNDARIES.read_text(encoding="utf-8")),
                                        set(DISTRICTS))
    assert findings == [] and set(shapes) == set(DISTRICTS)
    for feature in shapes.values():
        assert boundary_problems(feature) == []
        for lon, lat in feature["geometry"]["coordinates"][0]:
            assert 48.55 < lat < 48.65 and 37.95 < lon < 38.05
    areas = sorted(_area(f["geometry"]["coordinates"][0]) for f in shapes.values())
    assert areas[-1] > 2.5 * areas[0]  # districts of different sizes


def test_every_demo_point_lies_in_its_own_district():
    shapes = {f["properties"]["name"]: f["geometry"]
              for f in json.loads(BOUNDARIES.read_text(encoding="utf-8"))["features"]}
    data = json.loads(CYCLES.read_text(encoding="utf-8"))
    projects = data["finished"]["projects"] + data["open"]["projects"]
    assert len(projects) > 30
    for project in projects:
        point = float(project["latitude"]), float(project["longitude"])
        inside = [name for name, shape in shapes.items() if contains(shape, *point)]
        assert inside == [project["district"]], (project["title"], point, inside)
