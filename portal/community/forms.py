"""The administrators' forms for district boundaries."""

from __future__ import annotations

from wtforms import FileField, TextAreaField
from wtforms.validators import Length

from portal.forms import BaseForm
from portal.i18n import _l

#: A GeoJSON text longer than this is refused before it is read (20,000 points fit).
MAX_GEOJSON_CHARS = 2_000_000


class BoundariesForm(BaseForm):
    """A FeatureCollection for several districts, pasted or uploaded."""

    geojson = TextAreaField(
        _l("GeoJSON of the districts"), [Length(max=MAX_GEOJSON_CHARS)],
        description=_l("A FeatureCollection: one Feature per district, its property \"name\" "
                       "the district's name as listed below, its geometry a Polygon or "
                       "MultiPolygon in longitude, latitude (WGS 84)."))
    file = FileField(_l("Or a .geojson file"))


class BoundaryForm(BaseForm):
    """One district's boundary; left empty it removes the boundary."""

    boundary = TextAreaField(
        _l("Boundary (GeoJSON)"), [Length(max=MAX_GEOJSON_CHARS)],
        description=_l("A Polygon or MultiPolygon geometry, or a Feature with one, in "
                       "longitude, latitude. Leave empty to remove the boundary."))
