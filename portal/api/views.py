"""The open JSON API, version 1: results, the bulletin board and the programs' annual
reports, described by OpenAPI (``openapi.py``).

Everything here is public and anonymous; what the HTML pages hide while voting is open is
hidden here too (404 with a JSON error body). The annual report's body is exactly
``flask report annual PROGRAM YEAR --format json``.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, g, jsonify
from flask_babel import force_locale
from sqlalchemy import select

from portal.api.openapi import document
from portal.audit.checkpoints import checkpoint_page, published_checkpoint
from portal.audit.views import published_key
from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.db import db_session
from portal.links import external_url, public_url
from portal.opendata import catalogue
from portal.opendata.views import dataset_entry, dataset_file, publisher
from portal.parsing import page_arg
from portal.refusal import Refused
from portal.reports.services import (
    ReportFormat,
    ReportKind,
    ReportSpec,
    generate,
)
from portal.reports.views import visible_program
from portal.results import counting
from portal.results.views import background_session
from portal.tenancy import scope
from portal.tenancy.models import Community
from portal.voting import board
from portal.voting.permissions import counts_public, vote_over

bp = Blueprint("api", __name__, url_prefix="/api/v1")
#: What is the platform's, not a community's: the document and the list of communities.
platform = Blueprint("api_platform", __name__, url_prefix="/api/v1")
#: The same endpoints for a community named by its code (``/api/v1/communities/<code>/...``):
#: ``portal.tenancy.routing`` takes the community from it.
IN_COMMUNITY = "/api/v1/communities/<community_code>"


@bp.url_value_preprocessor
def community_from_path(_endpoint: str | None, values: dict | None) -> None:
    if values and "community_code" in values:
        g.api_community = values.pop("community_code")


@bp.url_defaults
def community_into_path(endpoint: str, values: dict) -> None:
    if endpoint.startswith("api_in.") and "community_code" not in values:
        values["community_code"] = g.get("api_community")


@platform.route("/communities")
def communities():
    """The communities on the platform: code, names, where their pages and API are."""
    session = db_session()
    found = []
    with scope.everywhere():
        rows = session.scalars(select(Community).where(Community.active)
                               .order_by(Community.code)).all()
    for row in rows:
        with scope.inside(row.id):
            address = external_url("main.index")
        found.append({"code": row.code, "slug": row.slug, "name": row.name,
                      "name_en": row.name_en or row.name, "address": address,
                      "api": f"{public_url()}/api/v1/communities/{row.code}"})
    return jsonify({"communities": found})


def _cycle(cycle_id: int) -> Cycle:
    return db_session().get(Cycle, cycle_id) or abort(404)


@platform.route("/openapi.json")
def openapi():
    return jsonify(document(public_url() + platform.url_prefix))


@bp.route("/cycles/<int:cycle_id>/results")
def results(cycle_id: int):
    session = db_session()
    cycle = _cycle(cycle_id)
    now = utcnow()
    if not counts_public(cycle, now):
        abort(404)
    phase = cycle.phase(now)
    summary = counting.results_summary(session, cycle, background_session())
    tally = summary.tally
    return jsonify({
        "cycle": {"id": cycle.id, "name": cycle.name, "budget_year": cycle.budget_year,
                  "phase": phase.value, "winner_rule": cycle.winner_rule.value,
                  "tie_rule": cycle.tie_rule.value},
        "final": summary.approved,
        "tally": None if tally is None else {
            "id": tally.id, "rule": tally.rule.value, "tie_rule": tally.tie_rule.value,
            "seed": tally.seed, "inputs_digest": tally.inputs_digest,
            "computed_at": tally.computed_at.isoformat(),
            "approved_at": tally.approved_at.isoformat() if tally.approved_at else None,
            "approved_by_decision": tally.approved_by_decision_id,
        },
        "participation": {
            "voters": summary.counts.voters, "annulled": summary.counts.annulled,
            "by_channel": summary.counts.by_channel,
            "by_district": {g.label: g.ballots for g in summary.districts},
            "by_age_band": {g.label: g.ballots for g in summary.age_bands},
        },
        "categories": [
            {"id": c.category.id, "name": c.category.name, "budget": c.category.budget,
             "projects": [
                 {"number": line.project.number, "code": line.project.registration_code,
                  "title": line.project.title, "cost": line.project.total_cost,
                  "votes": line.votes, "selected": line.selected}
                 for line in c.lines]}
            for c in summary.categories
        ],
        "stale_seconds": counting.CACHE_SECONDS,
        "board": external_url("api.board", cycle_id=cycle.id),
    })


@bp.route("/cycles/<int:cycle_id>/board", endpoint="board")
def board_json(cycle_id: int):
    session = db_session()
    cycle = _cycle(cycle_id)
    if not vote_over(cycle, utcnow()):
        abort(404)
    listing = board.page_of(session, cycle, page=page_arg())
    return jsonify({
        "cycle": cycle.id, "page": listing.page, "pages": listing.pages,
        "total": listing.total, "ballots": [e.as_json() for e in listing.entries],
    })


@bp.route("/audit/checkpoints")
def audit_checkpoints():
    listing = checkpoint_page(db_session(), page=page_arg(), size=100)
    return jsonify({
        "key": published_key(), "page": listing.page, "pages": listing.pages,
        "total": listing.total,
        "checkpoints": [published_checkpoint(c) for c in listing.checkpoints],
    })


@bp.route("/programs/<int:program_id>/reports/<int:year>")
def annual_report(program_id: int, year: int):
    program = visible_program(program_id)
    spec = ReportSpec(ReportKind.ANNUAL, year)
    try:
        spec.check(program)
    except Refused:
        abort(404)
    # Open data speaks the report's own language, whatever the caller's browser says.
    with force_locale("uk"):
        output = generate(db_session(), program, spec, ReportFormat.JSON)
    return Response(output.content, mimetype="application/json")


@bp.route("/datasets")
def datasets():
    """The community's open datasets (the catalogue of ``/data/``), in Ukrainian."""
    with force_locale("uk"):
        found = [catalogue.described(e) for e in catalogue.entries(db_session(), utcnow())]
    owner = publisher()
    return jsonify({"publisher": {"name": owner.name, "identifier": owner.code,
                                  "email": owner.email or None},
                    "licence": catalogue.LICENCE_URL,
                    "catalog": external_url("opendata.catalog"), "datasets": found})


@bp.route("/datasets/<name>")
def dataset(name: str):
    """One dataset's rows: the same JSON as ``/data/<name>.json``."""
    return dataset_file(dataset_entry(name), "json")
