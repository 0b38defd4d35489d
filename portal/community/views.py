"""The districts' boundaries for the maps, as GeoJSON anyone may read."""

from __future__ import annotations

from flask import Blueprint

from portal.accounts.access import guard_blueprint
from portal.community import services
from portal.db import db_session

bp = Blueprint("community", __name__, url_prefix="/districts")
guard_blueprint(bp, public=["boundaries"])


@bp.route("/boundaries.geojson")
def boundaries():
    response = services.boundaries_collection(db_session())
    return response, 200, {"Content-Type": "application/geo+json"}
