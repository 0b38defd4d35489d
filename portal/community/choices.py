"""The community's districts as choices of a select field, in the order the city set."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import SelectChoice

from portal.community.models import District


def district_choices(session: Session, blank_label: str) -> list[SelectChoice]:
    """A blank choice labelled ``blank_label`` first, then every district."""
    districts = session.execute(select(District).order_by(District.position, District.name))
    return [SelectChoice("", blank_label)] + [
        SelectChoice(str(d.id), d.name) for d in districts.scalars()
    ]
