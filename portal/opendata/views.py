"""The open data pages: the catalogue (``/data/``), each dataset as CSV and JSON
(``/data/<name>.csv``, ``/data/<name>.json``) and the catalogue as DCAT
(``/data/catalog.jsonld``; as RDF/XML ``/data/catalog.rdf``). These addresses are stable:
harvesters and scripts keep them. Each community has its own, under its own address
(``/<slug>/data/...``)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, g, render_template

from portal.accounts.access import guard_blueprint
from portal.clock import utcnow
from portal.db import db_session
from portal.opendata import catalogue, dcat, writers
from portal.opendata.datasets import DATASETS, KIND_LABELS
from portal.pagecache import public_page

bp = Blueprint("opendata", __name__, url_prefix="/data")
guard_blueprint(bp, public=["index", "download", "catalog", "catalog_rdf"])


def publisher() -> catalogue.Publisher:
    """The community of the request as the publisher of its datasets."""
    place = g.community
    return catalogue.publisher_of(db_session(), place.id,
                                  place.mail_sender or current_app.config["MAIL_SENDER"])


def dataset_entry(name: str) -> catalogue.Entry:
    """The dataset named ``name`` with its rows read now, or 404."""
    if name not in DATASETS:
        abort(404)
    return catalogue.entry(db_session(), DATASETS[name], utcnow())


def dataset_file(entry: catalogue.Entry, fmt: str) -> Response:
    names = [column.name for column in entry.dataset.columns]
    if fmt == "csv":
        return Response(writers.to_csv(names, entry.rows), mimetype="text/csv",
                        headers={"Content-Disposition":
                                 f'attachment; filename="{entry.name}.csv"'})
    return Response(writers.to_json(names, entry.rows), mimetype="application/json")


@bp.route("/")
@public_page
def index():
    return render_template("opendata/index.html",
                           entries=catalogue.entries(db_session(), utcnow()),
                           licence_url=catalogue.LICENCE_URL,
                           licence_title=catalogue.LICENCE_TITLE, kinds=KIND_LABELS)


@bp.route("/<name>.<any(csv, json):fmt>")
def download(name: str, fmt: str):
    return dataset_file(dataset_entry(name), fmt)


def _catalog() -> dict:
    return dcat.catalog(catalogue.entries(db_session(), utcnow()), publisher())


@bp.route("/catalog.jsonld")
def catalog():
    return Response(json.dumps(_catalog(), ensure_ascii=False, indent=1),
                    mimetype="application/ld+json")


@bp.route("/catalog.rdf")
def catalog_rdf():
    return Response(dcat.as_rdf_xml(_catalog()), mimetype="application/rdf+xml")
