"""The catalogue of a community's datasets: each with its rows, when it last changed, who
publishes it and under which licence, and the addresses of its files.

The catalogue page, the DCAT metadata (``dcat.py``) and the API's list all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.utils import parseaddr
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from portal.links import external_url
from portal.opendata.datasets import DATASETS, Dataset
from portal.tenancy.models import Community

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_NAME = "CC BY 4.0"
LICENCE_TITLE = _l("Creative Commons Attribution 4.0 International")
FORMATS = ("csv", "json")
MEDIA_TYPES = {"csv": "text/csv", "json": "application/json"}


@dataclass(frozen=True)
class Publisher:
    """The розпорядник: the community, by its name and КАТОТТГ code, and its e-mail."""

    name: str
    code: str
    email: str
    since: datetime  # when the community came to the portal: its datasets' first issue


def publisher_of(session: Session, community_id: int, sender: str) -> Publisher:
    """The community's publisher; ``sender`` is its mail sender ("Name <address>")."""
    row = session.get(Community, community_id)
    assert row is not None
    return Publisher(row.name, row.code, parseaddr(sender)[1], row.created_at)


@dataclass(frozen=True)
class Entry:
    dataset: Dataset
    rows: list[dict[str, Any]]
    modified: datetime | None

    @property
    def name(self) -> str:
        return self.dataset.name

    def url(self, fmt: str) -> str:
        return external_url("opendata.download", name=self.name, fmt=fmt)


def _modified(dataset: Dataset, rows: list[dict[str, Any]]) -> datetime | None:
    if dataset.stamp is None:
        return None
    stamps = [row[dataset.stamp] for row in rows if row[dataset.stamp] is not None]
    latest = max(stamps, default=None)
    if isinstance(latest, date) and not isinstance(latest, datetime):
        return datetime.combine(latest, time(), tzinfo=UTC)
    return latest


def entry(session: Session, dataset: Dataset, now: datetime) -> Entry:
    rows = dataset.rows(session, now)
    return Entry(dataset, rows, _modified(dataset, rows))


def entries(session: Session, now: datetime) -> list[Entry]:
    """Every dataset of the current community, read now."""
    return [entry(session, dataset, now) for dataset in DATASETS.values()]


def described(entry: Entry) -> dict[str, Any]:
    """A dataset as the API lists it: what it holds, its columns, when it changed, where
    its files are."""
    dataset = entry.dataset
    return {
        "name": dataset.name, "title": str(dataset.title),
        "description": str(dataset.description),
        "keywords": [word.strip() for word in str(dataset.keywords).split(",")],
        "rows": len(entry.rows),
        "modified": entry.modified.isoformat(timespec="seconds") if entry.modified else None,
        "columns": [{"name": c.name, "type": c.kind.value, "meaning": str(c.meaning)}
                    for c in dataset.columns],
        "csv": entry.url("csv"), "json": entry.url("json"),
        "api": external_url("api.dataset", name=dataset.name),
    }
