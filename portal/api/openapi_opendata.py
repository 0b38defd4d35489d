"""The OpenAPI description of the open datasets (``portal.opendata``): the list and each
dataset's rows, with a schema per dataset made from its columns.

``openapi.py`` merges ``PATHS`` into the document's ``paths`` and ``SCHEMAS`` into
``components.schemas``.
"""

from __future__ import annotations

from typing import Any

from portal.api.openapi_parts import ERROR
from portal.opendata.datasets import DATASETS, Dataset, Kind

_TYPES: dict[Kind, dict[str, Any]] = {
    Kind.TEXT: {"type": ["string", "null"]},
    Kind.INTEGER: {"type": ["integer", "null"]},
    Kind.DECIMAL: {"type": ["number", "null"]},
    Kind.BOOLEAN: {"type": ["boolean", "null"]},
    Kind.DATE: {"type": ["string", "null"], "format": "date"},
    Kind.DATETIME: {"type": ["string", "null"], "format": "date-time"},
}


def _row_name(dataset: Dataset) -> str:
    return "DatasetRow" + dataset.name.title()


def _row(dataset: Dataset) -> dict[str, Any]:
    names = [column.name for column in dataset.columns]
    return {"type": "object", "required": names, "additionalProperties": False,
            "properties": {c.name: {**_TYPES[c.kind], "description": str(c.meaning)}
                           for c in dataset.columns}}


_DATASET = {"type": "object", "required": [
    "name", "title", "description", "keywords", "rows", "modified", "columns", "csv",
    "json", "api"], "properties": {
        "name": {"type": "string", "enum": list(DATASETS)},
        "title": {"type": "string"}, "description": {"type": "string"},
        "keywords": {"type": "array", "items": {"type": "string"}},
        "rows": {"type": "integer", "minimum": 0},
        "modified": {"type": ["string", "null"], "format": "date-time"},
        "columns": {"type": "array", "items": {"type": "object", "required": [
            "name", "type", "meaning"], "properties": {
                "name": {"type": "string"},
                "type": {"type": "string", "enum": [kind.value for kind in Kind]},
                "meaning": {"type": "string"}}}},
        "csv": {"type": "string", "format": "uri"}, "json": {"type": "string", "format": "uri"},
        "api": {"type": "string", "format": "uri"}}}

SCHEMAS: dict[str, Any] = {
    "Datasets": {"type": "object", "required": ["publisher", "licence", "catalog", "datasets"],
                 "properties": {
                     "publisher": {"type": "object", "required": ["name", "identifier", "email"],
                                   "description": "The community that publishes the data "
                                                  "(its КАТОТТГ code) and its e-mail",
                                   "properties": {
                                       "name": {"type": "string"},
                                       "identifier": {"type": "string"},
                                       "email": {"type": ["string", "null"]}}},
                     "licence": {"type": "string", "format": "uri"},
                     "catalog": {"type": "string", "format": "uri",
                                 "description": "The catalogue as DCAT (JSON-LD)"},
                     "datasets": {"type": "array", "items": _DATASET}}},
    **{_row_name(d): _row(d) for d in DATASETS.values()},
}

PATHS: dict[str, Any] = {
    "/datasets": {"get": {
        "summary": "The community's open datasets",
        "description": "Each dataset's name, what it holds, its columns with their meaning "
                       "and type, when it last changed, and the addresses of its CSV and "
                       "JSON files (licence CC BY 4.0). Texts in Ukrainian.",
        "operationId": "datasets", "tags": ["open data"],
        "responses": {"200": {"description": "The catalogue", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Datasets"}}}}}}},
    "/datasets/{name}": {"get": {
        "summary": "The rows of one open dataset",
        "description": "The same JSON as the dataset's file: an array of objects, one per "
                       "row. Numbers are JSON numbers, exact, never with an exponent; money "
                       "in hryvnias (columns ending in `_uah`); times ISO 8601 in UTC. "
                       "Results appear only once the commission approved them.",
        "operationId": "dataset", "tags": ["open data"],
        "parameters": [{"name": "name", "in": "path", "required": True,
                        "schema": {"type": "string", "enum": list(DATASETS)}}],
        "responses": {
            "200": {"description": "The rows", "content": {"application/json": {"schema": {
                "anyOf": [{"type": "array",
                           "items": {"$ref": f"#/components/schemas/{_row_name(d)}"}}
                          for d in DATASETS.values()]}}}},
            "404": {"description": "No dataset of that name", "content": ERROR}}}},
}
