"""The OpenAPI 3.1 document of ``/api/v1``: results and the board here, the programs' reports
in ``openapi_programs.py``, the open datasets in ``openapi_opendata.py``.

A test checks that every ``/api/v1`` rule of the URL map is described here. Paths are
relative to the one server, ``PUBLIC_URL`` + ``/api/v1``.
"""

from __future__ import annotations

from typing import Any

from portal.api import openapi_opendata as opendata_openapi
from portal.api import openapi_programs as programs_openapi
from portal.api.openapi_parts import ERROR, ID_SCHEMA

_ID = {"name": "cycle_id", "in": "path", "required": True, "schema": ID_SCHEMA}
_NOT_PUBLISHED = {"description": "No such cycle (an id that is not ASCII digits within "
                                  "the schema's range names none), or not published until "
                                  "voting closes",
                  "content": ERROR}
_PAGE = {"name": "page", "in": "query", "required": False,
         "description": "1 when absent; a page past the last one answers the last page.",
         "schema": {"type": "integer", "minimum": 1}}
_UNAVAILABLE = {"description": "The database cannot be reached for the moment; try again after "
                                "the seconds that Retry-After gives",
                "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
                "content": ERROR}
_BAD_PAGE = {"description": "The page is not a whole number of at least 1 (ASCII digits)",
             "content": ERROR}

PATHS: dict[str, Any] = {
    "/openapi.json": {"get": {
        "summary": "This document", "operationId": "openapi",
        "responses": {"200": {"description": "OpenAPI 3.1 document", "content": {
            "application/json": {"schema": {"type": "object",
                                            "required": ["openapi", "info", "paths"]}}}}}}},
    "/cycles/{cycle_id}/results": {"get": {
        "summary": "Votes, costs, winners and participation of a cycle",
        "description": "Public once voting has closed (or during voting when the cycle "
                       "publishes live counts). Counts are at most `stale_seconds` old; "
                       "`final` is true once the commission approved the tally. Money in "
                       "kopecks.",
        "operationId": "cycleResults", "parameters": [_ID],
        "responses": {"200": {"description": "Results", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Results"}}}},
            "404": _NOT_PUBLISHED}}},
    "/cycles/{cycle_id}/board": {"get": {
        "summary": "The bulletin board: every ballot as receipt hash and choices",
        "description": "Ballots in random order (by receipt hash), 100 per page. Annulled "
                       "ballots are listed and marked.",
        "operationId": "cycleBoard",
        "parameters": [_ID, _PAGE],
        "responses": {"200": {"description": "One page of the board", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Board"}}}},
            "400": _BAD_PAGE,
            "404": _NOT_PUBLISHED}}},
    "/audit/checkpoints": {"get": {
        "summary": "Signed checkpoints of the audit log, and the key that checks them",
        "description": "Each checkpoint's `statement` (canonical JSON: the number of events "
                       "in the hash-chained audit log, the last event's id and hash, the "
                       "previous statement's SHA-256) is signed with Ed25519; `signature` "
                       "is base64, checked with `key.public_key` (base64 of the 32 raw "
                       "bytes). Newest first, 100 per page.",
        "operationId": "auditCheckpoints",
        "parameters": [_PAGE],
        "responses": {"200": {"description": "One page of checkpoints", "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Checkpoints"}}}},
            "400": _BAD_PAGE}}},
}

SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
        "code": {"type": "integer"}, "title": {"type": "string"},
        "message": {"type": "string"}}}}},
    "Results": {"type": "object", "required": ["cycle", "final", "participation",
                                               "categories"],
                "properties": {
                    "cycle": {"type": "object"}, "final": {"type": "boolean"},
                    "tally": {"type": ["object", "null"]},
                    "participation": {"type": "object", "properties": {
                        "voters": {"type": "integer"}, "annulled": {"type": "integer"},
                        "by_channel": {"type": "object"}, "by_district": {"type": "object"},
                        "by_age_band": {"type": "object"}}},
                    "categories": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "name": {"type": "string"},
                        "budget": {"type": "integer"},
                        "projects": {"type": "array", "items": {"type": "object", "properties": {
                            "number": {"type": "integer"}, "code": {"type": "string"},
                            "title": {"type": "string"}, "cost": {"type": "integer"},
                            "votes": {"type": "integer"},
                            "selected": {"type": ["boolean", "null"]}}}}}}},
                    "stale_seconds": {"type": "integer"}, "board": {"type": "string"}}},
    "Board": {"type": "object", "properties": {
        "cycle": {"type": "integer"}, "page": {"type": "integer"}, "pages": {"type": "integer"},
        "total": {"type": "integer"},
        "ballots": {"type": "array", "items": {"type": "object", "properties": {
            "receipt_hash": {"type": "string"}, "annulled": {"type": "boolean"},
            "annul_reason": {"type": ["string", "null"]},
            "choices": {"type": "array", "items": {"type": "object", "properties": {
                "category": {"type": "string"},
                "projects": {"type": "array", "items": {"type": "string"}}}}}}}}}},
    "Communities": {"type": "object", "required": ["communities"], "properties": {
        "communities": {"type": "array", "items": {"type": "object", "required": [
            "code", "slug", "name", "name_en", "address", "api"], "properties": {
                "code": {"type": "string", "pattern": "^UA[0-9]{17}$"},
                "slug": {"type": "string"}, "name": {"type": "string"},
                "name_en": {"type": "string"},
                "address": {"type": "string", "format": "uri"},
                "api": {"type": "string", "format": "uri"}}}}}},
    "Checkpoints": {"type": "object", "required": ["key", "page", "pages", "total",
                                                   "checkpoints"], "properties": {
        "key": {"type": "object", "required": ["id", "algorithm", "public_key"], "properties": {
            "id": {"type": "string"}, "algorithm": {"const": "Ed25519"},
            "public_key": {"type": "string"}, "pem": {"type": "string"},
            "statement_type": {"type": "string"}}},
        "page": {"type": "integer"}, "pages": {"type": "integer"}, "total": {"type": "integer"},
        "checkpoints": {"type": "array", "items": {"type": "object", "required": [
            "number", "at", "count", "last_event_id", "head", "key_id", "statement",
            "signature"], "properties": {
                "number": {"type": "integer"}, "at": {"type": "string", "format": "date-time"},
                "count": {"type": "integer"}, "last_event_id": {"type": "integer"},
                "head": {"type": "string"}, "key_id": {"type": "string"},
                "statement": {"type": "string"}, "signature": {"type": "string"}}}}}},
}

_CODE = {"name": "community_code", "in": "path", "required": True,
         "description": "The community's КАТОТТГ code (`/communities` lists them)",
         "schema": {"type": "string", "pattern": "^UA[0-9]{17}$"}}
_NO_COMMUNITY = {"description": "No community with this code on the platform",
                 "content": ERROR}

COMMUNITIES: dict[str, Any] = {"/communities": {"get": {
    "summary": "The communities on the platform",
    "description": "Each community's КАТОТТГ code (permanent), names, the address of its "
                   "pages and of its API (`/communities/{community_code}/...`: every "
                   "path of this document, for that community). Without the prefix, the "
                   "paths answer for the platform's default community.",
    "operationId": "communities",
    "responses": {"200": {"description": "The communities", "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Communities"}}}}}}}}


def _in_community(path: str, item: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A path once more under ``/communities/{community_code}``."""
    def operation(op: dict[str, Any]) -> dict[str, Any]:
        responses = op["responses"]
        return {**op, "operationId": op["operationId"] + "InCommunity",
                "parameters": [_CODE, *op.get("parameters", [])],
                "responses": {**responses, "404": responses.get("404", _NO_COMMUNITY)}}

    return "/communities/{community_code}" + path, {m: operation(op) for m, op in item.items()}


def document(server: str) -> dict[str, Any]:
    """The whole /api/v1 description: voting's paths and those of the target programs, as
    served from ``server`` (the public address of ``/api/v1``), each also under
    ``/communities/{community_code}``."""
    own = {**PATHS, **programs_openapi.PATHS, **opendata_openapi.PATHS}
    every = {**own, **COMMUNITIES,
             **dict(_in_community(path, item) for path, item in own.items()
                    if path != "/openapi.json")}
    paths = {path: {method: _every_answer(path, operation) for method, operation in item.items()}
             for path, item in every.items()}
    schemas = {**SCHEMAS, **programs_openapi.SCHEMAS, **opendata_openapi.SCHEMAS}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Participatory budget portal API", "version": "1"},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


_NO_DEFAULT = {"description": "No community at this address: the host serves no default "
                               "community (ask under `/communities/{community_code}`), or "
                               "what the address names is not found",
               "content": ERROR}
_NUL = {"description": "A parameter holds a NUL character, which no request may carry",
        "content": ERROR}


def _every_answer(path: str, operation: dict[str, Any]) -> dict[str, Any]:
    """The operation with the answers every operation of its kind can give besides its own:
    503 where it reads the database (all but this document), 404 where it is a community's
    (a host without a default community has none), 400 where it takes a parameter (a NUL
    character is refused before anything is read)."""
    if path == "/openapi.json":
        return operation
    responses = {**operation["responses"], "503": _UNAVAILABLE}
    if path != "/communities":
        responses.setdefault("404", _NO_DEFAULT)
    if operation.get("parameters"):
        responses.setdefault("400", _NUL)
    return {**operation, "responses": responses}
