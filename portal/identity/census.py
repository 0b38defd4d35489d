"""Reading the register of eligible residents from CSV, as a pure function.

The file has a header row with the columns ``number``, ``birth_date`` and, where the city
has districts, ``district`` (Ukrainian headers ``номер``, ``дата_народження``, ``район`` are
accepted too). A 10-digit number is a tax number; anything else is an ID document number.
Dates are ``YYYY-MM-DD`` or ``DD.MM.YYYY``. Either the whole file is valid or nothing is
stored, and every bad line is reported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from portal.identity.rules import NumberKind, NumberProblem, PersonNumber, parse_person_number

HEADER_ALIASES = {
    "number": "number", "номер": "number", "рнокпп": "number",
    "birth_date": "birth_date", "дата_народження": "birth_date",
    "district": "district", "район": "district",
}


@dataclass(frozen=True)
class CensusRow:
    line: int
    number: PersonNumber
    birth_date: date
    district: str | None


@dataclass(frozen=True)
class CensusProblem:
    line: int
    code: str  # "header", "number:<NumberProblem>", "birth_date", "duplicate", "district", "empty"
    value: str = ""


def parse_date(raw: str) -> date | None:
    raw = raw.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return None


def guess_kind(raw: str) -> NumberKind:
    digits = "".join(ch for ch in raw if not ch.isspace())
    return NumberKind.RNOKPP if digits.isdigit() and len(digits) == 10 else NumberKind.DOCUMENT


def parse_census(
    text: str, *, known_districts: set[str], today: date
) -> tuple[list[CensusRow], list[CensusProblem]]:
    sample = text[:2048]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows: list[CensusRow] = []
    problems: list[CensusProblem] = []
    header = next(reader, None)
    if not header:
        return [], [CensusProblem(1, "empty")]
    columns = [HEADER_ALIASES.get(h.strip().lower().lstrip("\ufeff")) for h in header]
    if "number" not in columns or "birth_date" not in columns:
        return [], [CensusProblem(1, "header", ";".join(header))]
    seen: dict[PersonNumber, int] = {}
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        record = {col: val.strip() for col, val in zip(columns, values, strict=False) if col}
        number = parse_person_number(record.get("number", ""), guess_kind(record.get("number", "")))
        if isinstance(number, NumberProblem):
            problems.append(CensusProblem(line, f"number:{number.value}"))
            continue
        birth = parse_date(record.get("birth_date", ""))
        if birth is None or birth > today or birth.year < 1900:
            problems.append(CensusProblem(line, "birth_date", record.get("birth_date", "")))
            continue
        district = record.get("district") or None
        if district is not None and district not in known_districts:
            problems.append(CensusProblem(line, "district", district))
            continue
        if number in seen:
            problems.append(CensusProblem(line, "duplicate", str(seen[number])))
            continue
        seen[number] = line
        rows.append(CensusRow(line, number, birth, district))
    if not rows and not problems:
        problems.append(CensusProblem(1, "empty"))
    return rows, problems
