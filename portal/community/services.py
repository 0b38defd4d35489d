"""Use cases of districts: setting their boundaries (one, or many from a FeatureCollection)
and handing them to the maps."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.community import rules
from portal.community.messages import PROBLEMS, finding_problem
from portal.community.models import District
from portal.refusal import Refused


def _refuse(findings: list[rules.Finding], field: str | None) -> None:
    if findings:
        raise Refused(*(finding_problem(f, field) for f in findings[:10]))


def all_districts(session: Session) -> list[District]:
    return list(session.execute(
        select(District).order_by(District.position, District.name)).scalars())


def _record(session: Session, district: District, actor: Any, now: datetime) -> None:
    audit.record(session, actor=actor, at=now, action="district.boundary_set",
                 object_type="district", object_id=district.id,
                 details={"name": district.name, "has_boundary": district.boundary is not None})


def set_boundary(session: Session, *, district: District, text: str, actor: Any,
                 now: datetime, field: str | None = "boundary") -> District:
    """Give ``district`` the boundary in ``text`` (a GeoJSON geometry or Feature); empty text
    removes it. Invalid GeoJSON is refused with what is wrong, and nothing changes."""
    text = text.strip()
    if not text:
        district.boundary = None
    else:
        value, findings = rules.parse(text)
        _refuse(findings or [rules.Finding(p) for p in rules.boundary_problems(value)], field)
        district.boundary = rules.canonical(value)
    session.flush()
    _record(session, district, actor, now)
    return district


def import_boundaries(session: Session, *, text: str, actor: Any, now: datetime,
                      field: str | None = "geojson") -> list[District]:
    """Set the boundaries of the districts named in a FeatureCollection; all or nothing.
    Districts the file does not name keep theirs."""
    if not text.strip():
        raise Refused(PROBLEMS("nothing", field))
    value, findings = rules.parse(text)
    _refuse(findings, field)
    districts = {d.name: d for d in all_districts(session)}
    found, findings = rules.named_boundaries(value, set(districts))
    _refuse(findings, field)
    changed = []
    for name, feature in found.items():
        district = districts[name]
        district.boundary = rules.canonical(feature)
        changed.append(district)
    session.flush()
    for district in changed:
        _record(session, district, actor, now)
    return changed


def boundaries_collection(session: Session) -> dict[str, Any]:
    """Every district with a boundary as a GeoJSON FeatureCollection (id and name)."""
    rows = session.execute(
        select(District.id, District.name, District.boundary)
        .where(District.boundary.is_not(None)).order_by(District.position, District.name))
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": row.id, "properties": {"name": row.name},
         "geometry": json.loads(row.boundary)} for row in rows]}
