"""The OpenAPI description of the programs' annual report endpoint.

``openapi.py`` merges ``PATHS`` into the document's ``paths`` and ``SCHEMAS`` into
``components.schemas``.
"""

from __future__ import annotations

from typing import Any

from portal.api.openapi_parts import ERROR, ID_SCHEMA

_AMOUNTS = {
    "type": "object",
    "description": "Planned and financed money: exact kopecks, and as printed (thousands of "
                   "hryvnias, one decimal, decimal comma).",
    "required": ["planned_kopecks", "financed_kopecks", "planned", "financed", "percent"],
    "properties": {
        "planned_kopecks": {"type": "integer"},
        "financed_kopecks": {"type": "integer"},
        "planned": {"type": "string", "example": "809,5"},
        "financed": {"type": "string", "example": "764,3"},
        "percent": {"type": ["string", "null"], "example": "94,4",
                    "description": "Financed over planned, one decimal; null when nothing "
                                   "was planned."},
    },
}

SCHEMAS: dict[str, Any] = {
    "ProgramAmounts": _AMOUNTS,
    "ProgramReportMeasure": {
        "type": "object",
        "properties": {
            "number": {"type": "string", "example": "3.3"},
            "content": {"type": "string"},
            "term": {"type": "string", "example": "2017-2020 роки"},
            "executors": {"type": "string"},
            "funded": {"type": "boolean"},
            "sources": {"type": "array", "items": {"allOf": [
                {"$ref": "#/components/schemas/ProgramAmounts"},
                {"type": "object", "properties": {"source": {
                    "type": "string", "enum": ["city_budget", "state_budget", "other"]}}},
            ]}},
            "execution_text": {"type": "string"},
        },
        "allOf": [{"$ref": "#/components/schemas/ProgramAmounts"}],
    },
    "ProgramAnnualReport": {
        "type": "object",
        "description": "The annual execution report of a target program, computed from the "
                       "portal's records when requested.",
        "required": ["report", "program", "year", "tasks", "totals", "indicators",
                     "effectiveness"],
        "properties": {
            "report": {"type": "string", "enum": ["annual"]},
            "program": {"type": "object", "properties": {
                "id": {"type": "integer"}, "code": {"type": "string"},
                "title": {"type": "string"}, "approval": {"type": "string"},
                "amendments": {"type": "array", "items": {"type": "string"}},
                "responsible_executor": {"type": "string"},
                "start_year": {"type": "integer"}, "end_year": {"type": "integer"}}},
            "year": {"type": "integer", "example": 2018},
            "period": {"type": "null"},
            "units": {"type": "object", "additionalProperties": {"type": "string"}},
            "tasks": {"type": "array", "items": {"type": "object", "properties": {
                "number": {"type": "integer"}, "title": {"type": "string"},
                "measures": {"type": "array",
                             "items": {"$ref": "#/components/schemas/ProgramReportMeasure"}}}}},
            "totals": {"type": "object", "properties": {
                "all": {"$ref": "#/components/schemas/ProgramAmounts"},
                "city_budget": {"$ref": "#/components/schemas/ProgramAmounts"},
                "other": {"$ref": "#/components/schemas/ProgramAmounts"},
                "by_source": {"type": "object", "additionalProperties": {
                    "$ref": "#/components/schemas/ProgramAmounts"}}}},
            "indicators": {"type": "array", "items": {"type": "object", "properties": {
                "group": {"type": "string",
                          "enum": ["cost", "product", "efficiency", "quality"]},
                "rows": {"type": "array", "items": {"type": "object", "properties": {
                    "name": {"type": "string"}, "unit": {"type": "string"},
                    "computed": {"type": "boolean"},
                    "planned": {"type": "string"}, "actual": {"type": ["string", "null"]},
                    "planned_value": {"type": "string"},
                    "actual_value": {"type": ["string", "null"]},
                    "percent": {"type": ["string", "null"]},
                    "reasons": {"type": "string"}, "remedies": {"type": "string"}}}}}}},
            "effectiveness": {"type": "string", "example": "94,4"},
            "notes": {"type": "array", "items": {"type": "string"}},
        },
    },
}

PATHS: dict[str, Any] = {
    "/programs/{program_id}/reports/{year}": {
        "get": {
            "operationId": "getProgramAnnualReport",
            "summary": "Annual execution report of a target program",
            "description": "The report in the structure of the council's annual report: "
                           "table 1 (measures, funding by source, financed, %), table 2 "
                           "(indicators by group) and the overall effectiveness. The same "
                           "JSON as `flask report annual PROGRAM YEAR --format json`.",
            "tags": ["programs"],
            "parameters": [
                {"name": "program_id", "in": "path", "required": True, "schema": ID_SCHEMA},
                {"name": "year", "in": "path", "required": True,
                 "schema": {**ID_SCHEMA, "example": 2018},
                 "description": "A budget year within the program's term."},
            ],
            "responses": {
                "200": {"description": "The report.", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ProgramAnnualReport"}}}},
                "404": {"description": "No such published program, or the year is outside "
                                       "its term (an id or a year that is not ASCII digits "
                                       "within the schema's range names none).",
                        "content": ERROR},
            },
        }
    }
}
