"""Read and write the pabulib .pb format (https://pabulib.org/format).

A file has three sections, META, PROJECTS and VOTES, each a header line followed by
semicolon-separated rows (quoted fields allowed). Every column is kept as text, so a
parse/write/parse round trip is lossless; ``to_rule_inputs`` turns a file into the
inputs of ``rules.count``. Pabulib elections have one budget: their ``category``
column is thematic, so the whole file becomes a single category.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TextIO

from portal.cycles.rules import WinnerRule
from portal.results.rules import Ballot, Category, Project, RuleConfig

SECTIONS = ("META", "PROJECTS", "VOTES")


class PabulibError(ValueError):
    """Malformed input, with a stable ``code`` and the 1-based ``line`` it was found on."""

    def __init__(self, code: str, line: int, detail: str = "") -> None:
        super().__init__(f"{code} at line {line}{': ' + detail if detail else ''}")
        self.code = code
        self.line = line
        self.detail = detail


@dataclass(frozen=True)
class PbFile:
    meta: dict[str, str]
    project_columns: tuple[str, ...]
    projects: tuple[dict[str, str], ...]
    vote_columns: tuple[str, ...]
    votes: tuple[dict[str, str], ...]


def parse(source: str | TextIO) -> PbFile:
    """Parse a .pb text; raises PabulibError on malformed input."""
    text = source if isinstance(source, str) else source.read()
    section: str | None = None
    header: list[str] | None = None
    meta: dict[str, str] = {}
    columns: dict[str, tuple[str, ...]] = {}
    rows: dict[str, list[dict[str, str]]] = {"PROJECTS": [], "VOTES": []}
    reader = csv.reader(io.StringIO(text), delimiter=";", quotechar='"')
    for fields in reader:
        line = reader.line_num
        if not fields or all(not f.strip() for f in fields):
            continue
        first = fields[0].strip()
        if len(fields) == 1 and first.upper() in SECTIONS:
            section, header = first.upper(), None
            continue
        if section is None:
            raise PabulibError("content_before_section", line)
        if header is None:
            header = [f.strip() for f in fields]
            columns[section] = tuple(header)
            continue
        if len(fields) > len(header):
            raise PabulibError("too_many_fields", line, f"{len(fields)} > {len(header)}")
        values = dict(zip(header, (f.strip() for f in fields), strict=False))
        if section == "META":
            meta[values[header[0]]] = values.get(header[1], "") if len(header) > 1 else ""
        else:
            rows[section].append(values)
    for name in SECTIONS:
        if name not in columns:
            raise PabulibError("missing_section", reader.line_num, name)
    if "project_id" not in columns["PROJECTS"] or "cost" not in columns["PROJECTS"]:
        raise PabulibError("missing_column", 0, "project_id and cost are required")
    return PbFile(meta, columns["PROJECTS"], tuple(rows["PROJECTS"]), columns["VOTES"],
                  tuple(rows["VOTES"]))


def write(data: PbFile) -> str:
    """Write ``data`` as .pb text (the inverse of ``parse``)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quotechar='"', lineterminator="\n")
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in data.meta.items():
        writer.writerow([key, value])
    out.write("PROJECTS\n")
    writer.writerow(data.project_columns)
    for row in data.projects:
        writer.writerow([row.get(c, "") for c in data.project_columns])
    out.write("VOTES\n")
    writer.writerow(data.vote_columns)
    for row in data.votes:
        writer.writerow([row.get(c, "") for c in data.vote_columns])
    return out.getvalue()


def export(
    meta: Mapping[str, str], projects: Iterable[Mapping[str, str]],
    ballots: Iterable[tuple[Iterable[str], Mapping[str, str]]],
) -> str:
    """An anonymous .pb: voters numbered 1.., only choices and optional age (or age band),
    sex and district."""
    extra = ("age", "age_band", "sex", "district")
    ballots = list(ballots)
    used = [c for c in extra if any(c in details for _, details in ballots)]
    project_rows = tuple(dict(p) for p in projects)
    project_columns = tuple(dict.fromkeys(c for p in project_rows for c in p))
    votes = tuple(
        {"voter_id": str(n), "vote": ",".join(choices),
         **{c: details.get(c, "") for c in used}}
        for n, (choices, details) in enumerate(ballots, start=1)
    )
    return write(PbFile(dict(meta), project_columns, project_rows,
                        ("voter_id", "vote", *used), votes))


def to_rule_inputs(
    data: PbFile,
) -> tuple[list[Category], list[Project], list[Ballot], RuleConfig]:
    """One category holding the file's budget; ties by file order; the file's rule."""
    budget = int(float(data.meta["budget"]))
    category = Category("all", data.meta.get("description", "all"), budget)
    projects = [
        Project(row["project_id"], "all", int(float(row["cost"])), number)
        for number, row in enumerate(data.projects, start=1)
    ]
    grouped: dict[tuple[str, ...], int] = {}
    for row in data.votes:
        choices = tuple(c.strip() for c in row.get("vote", "").split(",") if c.strip())
        grouped[choices] = grouped.get(choices, 0) + 1
    ballots = [Ballot(choices, n) for choices, n in grouped.items()]
    rule_name = data.meta.get("rule", "greedy")
    threshold = data.meta.get("min_project_score_threshold")
    config = RuleConfig(
        WinnerRule(rule_name), min_votes=int(float(threshold)) if threshold else None
    )
    return [category], projects, ballots, config


def differences(original: PbFile, other: PbFile) -> list[str]:
    """How ``other`` differs in meaning from ``original``; empty when they are equal.

    Equal in meaning: the same META keys and values (``num_votes`` and ``num_projects``
    must equal the counts of both), the same projects with the same fields, and the same
    multiset of votes with their fields; the order of the votes, of the columns and of
    the ids within an approval vote may differ. Amounts compare as numbers.
    """
    found = [f"meta {key}: {original.meta.get(key)!r} != {other.meta.get(key)!r}"
             for key in sorted(original.meta.keys() | other.meta.keys())
             if not _same(original.meta.get(key), other.meta.get(key))]
    for data, which in ((original, "original"), (other, "other")):
        for key, rows in (("num_votes", data.votes), ("num_projects", data.projects)):
            if key in data.meta and int(data.meta[key]) != len(rows):
                found.append(f"{which} {key} {data.meta[key]} != {len(rows)}")
    mine = {row["project_id"]: row for row in original.projects}
    theirs = {row["project_id"]: row for row in other.projects}
    found += [f"project {p} only in one file" for p in sorted(mine.keys() ^ theirs.keys())]
    for project in sorted(mine.keys() & theirs.keys()):
        a, b = mine[project], theirs[project]
        found += [f"project {project} {c}: {a.get(c)!r} != {b.get(c)!r}"
                  for c in sorted(a.keys() | b.keys()) if not _same(a.get(c), b.get(c))]
    if _votes(original) != _votes(other):
        found.append("the votes differ")
    return found


def _same(a: str | None, b: str | None) -> bool:
    if a == b or (a or "") == (b or ""):
        return True
    try:
        return Decimal(a or "") == Decimal(b or "")
    except InvalidOperation:
        return False


def _votes(data: PbFile) -> Counter:
    return Counter(
        tuple(sorted((c, ",".join(sorted(v.split(","))) if c == "vote" else v)
                     for c, v in row.items() if v != ""))
        for row in data.votes)
