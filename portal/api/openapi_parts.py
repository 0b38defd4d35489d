"""What the OpenAPI descriptions of ``/api/v1`` share: the error body and the schema of an id.

An id in an address is ASCII digits within the database's ``INTEGER`` range
(``portal.parsing``); any other answers 404 like an id that names nothing.
"""

from __future__ import annotations

from typing import Any

from portal.parsing import DB_INT_MAX

ID_SCHEMA: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": DB_INT_MAX}
ERROR: dict[str, Any] = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
