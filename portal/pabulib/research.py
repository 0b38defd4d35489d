"""The research format: a pabulib .pb file loaded as a finished cycle.

An imported election becomes a cycle whose voting closed on the file's ``date_end``, with
one category holding the file's budget, its projects admitted (numbered by their
``project_id`` when every id is a number, else by their place in the file), and its
ballots on the ``imported`` channel. Amounts are stored in hundredths of the file's
currency, as the portal stores kopecks. What the portal's tables do not hold is kept in
``portal.pabulib.models`` (the file's META, its project ids and every field, each vote's
voter id and fields), so ``export.export_cycle`` writes the file again. The rows go in
with bulk inserts: Wrocław 2017 has 62,529 ballots.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.cycles.models import Category, Cycle
from portal.cycles.rules import KYIV, BallotType, CategoryKind, TieRule, WinnerRule
from portal.cycles.services import series_for
from portal.pabulib import format as pabulib
from portal.pabulib.messages import problem
from portal.pabulib.models import PbProject, PbSource, PbVote
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus
from portal.refusal import Refused
from portal.voting.models import Ballot, BallotChoice, Channel
from portal.voting.receipts import new_ballot_uuid, receipt_hash
from portal.voting.rules import band_of_age

IMPORT_ACCOUNT = "research-import@portal.invalid"
CHUNK = 5000


def _import_account(session: Session, now: datetime) -> User:
    """The inactive account named as the author of imported projects (it cannot log in)."""
    user = session.execute(select(User).where(User.email == IMPORT_ACCOUNT)).scalar_one_or_none()
    if user is None:
        # "!" is no Argon2 hash: no password matches it, and the account is inactive.
        user = User(email=IMPORT_ACCOUNT, display_name="pabulib",
                    password_hash="!", created_at=now, active=False)  # noqa: S106
        session.add(user)
        session.flush()
    return user


def _date(text: str | None) -> date | None:
    try:
        day, month, year = (int(part) for part in (text or "").split("."))
        return date(year, month, day)
    except ValueError:
        return None


def _amount(text: str, what: str) -> int:
    """Hundredths of the currency unit from a file amount ("1200", "1200.5")."""
    try:
        value = Decimal(text.strip()) * 100
    except InvalidOperation:
        raise Refused(problem("bad_amount", f"{what}={text!r}")) from None
    if value != value.to_integral_value() or value < 0:
        raise Refused(problem("bad_amount", f"{what}={text!r}"))
    return int(value)


def _unique_name(session: Session, name: str) -> str:
    taken = set(session.execute(select(Cycle.name).where(Cycle.name.like(f"{name}%"))).scalars())
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} ({n})"
    return candidate


def _cycle_for(session: Session, data: pabulib.PbFile, source: str, now: datetime) -> Cycle:
    meta = data.meta
    if meta.get("vote_type", "approval") != "approval":
        raise Refused(problem("unsupported_vote_type", meta.get("vote_type", "")))
    rule = meta.get("rule", "greedy")
    if rule not in {r.value for r in WinnerRule}:
        raise Refused(problem("unsupported_rule", rule))
    closed = _date(meta.get("date_end")) or (now - timedelta(days=30)).date()
    opened = _date(meta.get("date_begin")) or closed - timedelta(days=14)
    voting_start = datetime.combine(opened, time(0), KYIV).astimezone(UTC)
    voting_end = datetime.combine(closed + timedelta(days=1), time(0), KYIV).astimezone(UTC)
    year = meta.get("instance", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= 2200 else closed.year
    threshold = meta.get("min_project_score_threshold")
    budget = _amount(meta.get("budget", ""), "budget")
    name = f"{meta.get('description') or source} {meta.get('instance', '')}".strip()[:180]
    cycle = Cycle(
        name=_unique_name(session, name), budget_year=year, total_budget=budget,
        description=f"pabulib: {source}",
        submission_start=voting_start - timedelta(days=90),
        submission_end=voting_start - timedelta(days=60),
        review_start=voting_start - timedelta(days=59), review_end=voting_start,
        voting_start=voting_start, voting_end=voting_end, results_date=voting_end,
        votes_per_voter=int(meta.get("max_length") or 0), ballot_type=BallotType.APPROVAL,
        winner_rule=WinnerRule(rule), tie_rule=TieRule.REGISTRATION,
        min_votes=int(Decimal(threshold)) if threshold else None, created_at=now,
        registration_series=series_for(session, year),
    )
    cycle.categories.append(Category(name=(meta.get("description") or source)[:200],
                                     kind=CategoryKind.CITYWIDE, budget=budget, min_cost=0,
                                     max_cost=budget))
    session.add(cycle)
    session.flush()
    return cycle


def import_pb(session: Session, *, text: str, source: str, now: datetime) -> Cycle:
    """Load a .pb file as a finished cycle; refuses (``Refused``) a file it cannot read or
    cannot take as a cycle, with the problems of ``portal.pabulib.messages``."""
    try:
        data = pabulib.parse(text)
    except pabulib.PabulibError as error:
        raise Refused(problem(error.code, error.detail, line=error.line)) from None
    cycle = _cycle_for(session, data, source, now)
    author = _import_account(session, now)
    category = cycle.categories[0]
    ids = [row["project_id"] for row in data.projects]
    numbered = all(i.isdigit() and int(i) > 0 for i in ids) and len(set(ids)) == len(ids)
    rows = []
    for position, row in enumerate(data.projects, start=1):
        cost = _amount(row["cost"], f"cost of {row['project_id']}")
        if cost > category.budget:
            category.max_cost = category.budget = max(category.budget, cost)
        rows.append({
            "cycle_id": cycle.id, "category_id": category.id, "author_id": author.id,
            "number": int(row["project_id"]) if numbered else position,
            "status": ProjectStatus.ADMITTED, "title": (row.get("name") or row["project_id"])[:200],
            "total_cost": cost, "created_at": now, "updated_at": now, "submitted_at": now,
            "status_changed_at": now, "search_text": "",
        })
    project_ids = session.execute(
        insert(Project).returning(Project.id, sort_by_parameter_order=True), rows).scalars().all()
    by_file_id = dict(zip(ids, project_ids, strict=True))
    cycle.last_project_number = max(r["number"] for r in rows) if rows else 0
    session.add(PbSource(cycle_id=cycle.id, file_name=source[:255], imported_at=now,
                         meta=_json(list(data.meta.items())),
                         project_columns=_json(data.project_columns),
                         vote_columns=_json(data.vote_columns)))
    session.execute(insert(PbProject), [
        {"project_id": by_file_id[row["project_id"]], "cycle_id": cycle.id,
         "file_id": row["project_id"], "fields": _json(row),
         "community_id": cycle.community_id} for row in data.projects])
    _import_votes(session, cycle, category, data, by_file_id, source, now)
    session.flush()
    return cycle


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _import_votes(session: Session, cycle: Cycle, category: Category, data: pabulib.PbFile,
                  projects: dict[str, int], source: str, now: datetime) -> None:
    salt = hashlib.sha256(f"{source}:{cycle.id}".encode()).hexdigest()[:16]
    # Plain executemany without RETURNING (one statement per chunk on every driver); the
    # ids are read back by the random uuids afterwards.
    uuids = []
    ballot_rows = []
    for row in data.votes:
        uuid = new_ballot_uuid()
        uuids.append(uuid)
        ballot_rows.append({
            "uuid": uuid, "cycle_id": cycle.id, "channel": Channel.IMPORTED.value,
            "person_key": hashlib.sha256(f"{salt}:{row['voter_id']}".encode()).hexdigest(),
            "cast_at": now, "receipt_hash": receipt_hash(uuid), "user_id": None,
            "entered_by_id": None, "district_id": None, "age_band": _band(row.get("age")),
        })
    for start in range(0, len(ballot_rows), CHUNK):
        session.execute(Ballot.__table__.insert(), ballot_rows[start:start + CHUNK])
    if session.get_bind().dialect.name == "postgresql":
        # Every choice and kept vote below has its ballot looked up by its keys. Statistics
        # taken while the table was empty (0022_platform_indexes ANALYZEs it at migration)
        # make PostgreSQL plan those look-ups as scans of the whole table: tens of minutes
        # for Wrocław's 62,529 ballots. Counted again (the rows just inserted included),
        # the look-ups use the index. A role that does not own the table is only warned.
        session.execute(text("ANALYZE ballots"))
    ids = dict(session.execute(
        select(Ballot.uuid, Ballot.id).where(Ballot.cycle_id == cycle.id)).all())
    choice_rows = []
    for uuid, row in zip(uuids, data.votes, strict=True):
        chosen = dict.fromkeys(c.strip() for c in row.get("vote", "").split(",") if c.strip())
        for choice in chosen:
            if choice not in projects:
                raise Refused(problem("unknown_project", choice))
            choice_rows.append({"ballot_id": ids[uuid], "cycle_id": cycle.id,
                                "category_id": category.id, "project_id": projects[choice]})
    for start in range(0, len(choice_rows), CHUNK):
        session.execute(BallotChoice.__table__.insert(), choice_rows[start:start + CHUNK])
    vote_rows = [
        {"ballot_id": ids[uuid], "cycle_id": cycle.id, "community_id": cycle.community_id,
         "voter_id": row.get("voter_id", ""),
         "fields": _json({k: v for k, v in row.items() if k not in ("voter_id", "vote")})}
        for uuid, row in zip(uuids, data.votes, strict=True)]
    for start in range(0, len(vote_rows), CHUNK):
        session.execute(PbVote.__table__.insert(), vote_rows[start:start + CHUNK])


def _band(age: str | None) -> str | None:
    return band_of_age(int(age)) if age and age.strip().isdigit() else None
