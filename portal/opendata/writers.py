"""Rows as files: CSV for spreadsheets and JSON for programs.

CSV (RFC 4180): UTF-8 with a byte order mark (so that Excel reads the Cyrillic right),
commas between cells, a header row of the column names, numbers with a decimal point and
no grouping, text a spreadsheet would run as a formula neutralised (``portal.tabular``).
JSON: an array of objects, one per row, keyed by the column names; numbers are JSON
numbers written exactly (``money.machine_decimal``: digits and a decimal point, never an
exponent), times and dates ISO 8601 strings, an empty cell ``null``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from portal.money import machine_decimal
from portal.tabular import cell

BOM = "\ufeff"


def _plain(value: Any) -> Any:
    """Dates and times as ISO 8601 (times in UTC); anything else as it is."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_csv(names: Sequence[str], rows: Iterable[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(names)
    for row in rows:
        writer.writerow([cell(_plain(row[name])) for name in names])
    return out.getvalue().encode("utf-8")


def json_value(value: Any) -> str:
    """One value as JSON text; numbers exact and without an exponent."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | Decimal):
        return machine_decimal(value)
    return json.dumps(_plain(value), ensure_ascii=False)


def to_json(names: Sequence[str], rows: Iterable[dict[str, Any]]) -> bytes:
    objects = ("{" + ", ".join(f"{json.dumps(name)}: {json_value(row[name])}" for name in names)
               + "}" for row in rows)
    return ("[" + ",\n ".join(objects) + "]\n").encode("utf-8")
