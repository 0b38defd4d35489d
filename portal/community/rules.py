"""District boundaries as GeoJSON: what a boundary may be, and whether a point lies in it.

Pure: plain dicts and lists in, problem codes (an enum) out. A boundary is a ``Polygon`` or a
``MultiPolygon`` geometry (RFC 7946), positions as ``[longitude, latitude]``; a ``Feature``
is accepted for its geometry. The services store the geometry as compact JSON text.
"""

from __future__ import annotations

import enum
import json
import math
from dataclasses import dataclass
from typing import Any

#: More positions than a city's district needs; a bigger file is most likely not a boundary.
MAX_POSITIONS = 20_000


class BoundaryProblem(enum.StrEnum):
    NOT_JSON = "not_json"
    NOT_A_SHAPE = "not_a_shape"
    BAD_RING = "bad_ring"
    BAD_POSITION = "bad_position"
    OUT_OF_RANGE = "out_of_range"
    NOT_CLOSED = "not_closed"
    TOO_BIG = "too_big"
    NO_FEATURES = "no_features"
    NO_NAME = "no_name"
    UNKNOWN_NAME = "unknown_name"
    REPEATED_NAME = "repeated_name"


@dataclass(frozen=True)
class Finding:
    """One problem, with the feature (its name or number) it concerns when there are many."""

    problem: BoundaryProblem
    feature: str = ""


def parse(text: str) -> tuple[Any, list[Finding]]:
    """The JSON value of ``text``, or a finding that it is not JSON."""
    try:
        return json.loads(text), []
    except (ValueError, RecursionError):
        return None, [Finding(BoundaryProblem.NOT_JSON)]


def _position_problem(position: Any) -> BoundaryProblem | None:
    if not isinstance(position, list) or len(position) < 2 or not all(
            isinstance(n, int | float) and not isinstance(n, bool) and math.isfinite(n)
            for n in position):
        return BoundaryProblem.BAD_POSITION
    lon, lat = position[0], position[1]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return BoundaryProblem.OUT_OF_RANGE
    return None


def _polygon_problems(rings: Any) -> tuple[list[BoundaryProblem], int]:
    if not isinstance(rings, list) or not rings:
        return [BoundaryProblem.BAD_RING], 0
    count = 0
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            return [BoundaryProblem.BAD_RING], count
        for position in ring:
            problem = _position_problem(position)
            if problem:
                return [problem], count
        count += len(ring)
        if ring[0][:2] != ring[-1][:2]:
            return [BoundaryProblem.NOT_CLOSED], count
    return [], count


def geometry_of(value: Any) -> Any:
    """The geometry of a Feature, or the value itself."""
    if isinstance(value, dict) and value.get("type") == "Feature":
        return value.get("geometry")
    return value


def boundary_problems(value: Any) -> list[BoundaryProblem]:
    """Why ``value`` (a geometry or a Feature) is not a district's boundary; empty if it is."""
    geometry = geometry_of(value)
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return [BoundaryProblem.NOT_A_SHAPE]
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        return [BoundaryProblem.BAD_RING]
    total = 0
    for rings in polygons:
        problems, count = _polygon_problems(rings)
        if problems:
            return problems
        total += count
        if total > MAX_POSITIONS:
            return [BoundaryProblem.TOO_BIG]
    return []


def canonical(value: Any) -> str:
    """The stored text of a valid boundary: its geometry alone, compact, positions as given."""
    geometry = geometry_of(value)
    return json.dumps({"type": geometry["type"], "coordinates": geometry["coordinates"]},
                      separators=(",", ":"), ensure_ascii=False)


def named_boundaries(collection: Any, known: set[str]) -> tuple[dict[str, Any], list[Finding]]:
    """The boundaries of a FeatureCollection by district name (``properties.name``).

    Every feature must name a district in ``known`` once and carry a valid boundary; the
    findings say which feature fails (by its name, or its number from 1 when it has none).
    """
    features = collection.get("features") if isinstance(collection, dict) else None
    if isinstance(collection, dict) and collection.get("type") == "Feature":
        features = [collection]
    if not isinstance(features, list) or not features:
        return {}, [Finding(BoundaryProblem.NO_FEATURES)]
    found: dict[str, Any] = {}
    findings: list[Finding] = []
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        name = properties.get("name") if isinstance(properties, dict) else None
        if not isinstance(name, str) or not name.strip():
            findings.append(Finding(BoundaryProblem.NO_NAME, str(number)))
            continue
        name = name.strip()
        if name not in known:
            findings.append(Finding(BoundaryProblem.UNKNOWN_NAME, name))
        elif name in found:
            findings.append(Finding(BoundaryProblem.REPEATED_NAME, name))
        findings.extend(Finding(p, name) for p in boundary_problems(feature))
        found[name] = feature
    return found, findings


def _in_ring(lon: float, lat: float, ring: list) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def contains(geometry: dict, latitude: float, longitude: float) -> bool:
    """Whether the point lies inside the boundary (holes excluded); even-odd rule."""
    polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                else geometry["coordinates"])
    return any(_in_ring(longitude, latitude, rings[0])
               and not any(_in_ring(longitude, latitude, hole) for hole in rings[1:])
               for rings in polygons)
