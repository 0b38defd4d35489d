"""The data of ``bench_platform.py``: one realistic community, and the same community many
times over in set-based SQL.

1. ``build_template``: Bakhmut's part of the demo (``portal.demo``: accounts, the 2019
   cycle reviewed, voted on, counted, approved, funded and implemented, the program with its
   annual report, the next cycle accepting projects, the school budget voting today,
   comments and follows), loaded by the demo's own builders into a fresh database, without
   its generated photos. Its accounts are then brought down to ``accounts`` (the voters
   beyond it become paper ballots entered at the desk, as a resident without an account
   votes) and its ballots up to ``ballots`` (paper ballots like the ones there).
2. ``replicate``: in a copy of that database (``CREATE DATABASE ... TEMPLATE``), the
   template community copied ``copies`` times, one ``INSERT ... SELECT ... CROSS JOIN
   generate_series`` per table and batch of copies. Every id is shifted by the copy's
   number times the table's largest id, and every column that refers to a row (a foreign
   key, the polymorphic ``target_id`` of follows and announcements, ``audit_head.id``) by
   the offset of the table it refers to, which the catalogue says; what must be unique
   platform-wide (emails, person keys, receipts, hashes, codes, slugs) is derived anew per
   copy. Foreign-key triggers are off while copying (``session_replication_role =
   replica``): the rows are consistent by construction, and ``check_keys`` then checks
   every foreign key, the communities' twins among them, with one anti-join each.
3. ``add_residents``: verified residents of a community who have not voted, signed in,
   for the cast.
"""

# The statements name tables and columns read from the database's own catalogue; values
# are bound.
# ruff: noqa: S608

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Callable
from datetime import date

import psycopg

#: Tables copied with their community: every table that has a ``community_id``, and the
#: users (platform-wide; the template community's people). Sessions, mail, files, job
#: failures and the demo's mark are not copied.
NOT_COPIED = {"alembic_version", "account_sessions", "census_locks", "made_files",
              "stored_files", "demo_loads", "outgoing_mail", "job_failures",
              "community_domains"}
#: What the polymorphic ``target`` / ``object_type`` columns name.
TARGETS = {"project": "projects", "cycle": "cycles", "district": "districts",
           "comment": "comments", "measure": "measures", "meeting": "meetings",
           "program": "programs", "fundingline": "funding_lines", "user": "users",
           "department": "departments", "indicator": "program_indicators",
           "category": "categories", "implementation": "implementations"}
GENESIS = "0" * 64


def dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def build_template(url: str, *, secret: str, ballots: int, accounts: int) -> int:
    """Bakhmut's demo community in the empty, migrated database ``url``, with ``ballots``
    ballots (at least the demo's) and ``accounts`` accounts (at most the demo's); its id."""
    from portal import create_app

    app = create_app(None, {"DATABASE_URL": url, "FAST_PASSWORD_HASHES": True,
                            "PERSON_KEY_SECRET": secret})
    with app.app_context():
        from portal.audit.signing import configured_key
        from portal.clock import utcnow
        from portal.db import db_session
        from portal.demo.loading import COMMUNITIES
        from portal.tenancy import scope

        session = db_session()
        now = utcnow()
        bakhmut = COMMUNITIES[0]
        community = bakhmut.place(session, now)
        with scope.inside(community):
            bakhmut.load(session, secret=secret, audit_key=configured_key(app.config), now=now)
        session.commit()
    app.extensions["portal.db"].engine.dispose()
    with psycopg.connect(dsn(url)) as db:
        trim_accounts(db, community, accounts)
        top_up_ballots(db, community, ballots)
    return community


def _references(db, table: str) -> list[tuple[str, str]]:
    """(table, column) of every single-column foreign key to ``table``.id."""
    return db.execute("""
        SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND c.confrelid = %s::regclass AND array_length(c.conkey, 1) = 1
    """, (table,)).fetchall()


def trim_accounts(db, community: int, keep: int) -> None:
    """Remove the newest voters' accounts beyond ``keep``: their online ballots become paper
    ballots entered by the desk's verifier. Only accounts nothing but their ballot,
    verification, roles, follows and notices refers to are removed."""
    count = db.execute("SELECT count(*) FROM users").fetchone()[0]
    if count <= keep:
        return
    own = {"ballots": "user_id", "verifications": "user_id", "user_roles": "user_id",
           "follows": "user_id", "notices": "user_id", "notice_preferences": "user_id",
           "account_sessions": "user_id", "census_locks": "user_id"}
    others = [f"NOT EXISTS (SELECT 1 FROM {t} r WHERE r.{c} = u.id)"
              for t, c in _references(db, "users") if own.get(t) != c]
    db.execute(f"""CREATE TEMP TABLE gone AS SELECT id FROM users u
                   WHERE {' AND '.join(others)} ORDER BY id DESC LIMIT %s""",
               (count - keep,))
    db.execute("CREATE UNIQUE INDEX ON gone (id)")
    verifier = db.execute("SELECT min(entered_by_id) FROM ballots WHERE community_id = %s",
                          (community,)).fetchone()[0]
    db.execute("UPDATE ballots SET channel = 'paper', user_id = NULL, entered_by_id = %s "
               "WHERE user_id IN (SELECT id FROM gone)", (verifier,))
    for table, column in own.items():
        if table != "ballots":
            db.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT id FROM gone)")
    db.execute("DELETE FROM users WHERE id IN (SELECT id FROM gone)")
    db.execute("DROP TABLE gone")


def top_up_ballots(db, community: int, total: int) -> None:
    """Paper ballots in the finished cycle, each choosing what one of its paper ballots
    chose, until the community holds ``total``."""
    have = db.execute("SELECT count(*) FROM ballots WHERE community_id = %s",
                      (community,)).fetchone()[0]
    if have >= total:
        return
    cycle = db.execute("SELECT cycle_id FROM tallies WHERE approved_at IS NOT NULL AND "
                       "community_id = %s", (community,)).fetchone()[0]
    db.execute("""CREATE TEMP TABLE source AS SELECT id, row_number() OVER (ORDER BY id) AS n
                  FROM ballots WHERE cycle_id = %s AND channel = 'paper'""", (cycle,))
    db.execute("""
        CREATE TEMP TABLE extra AS
        SELECT g, s.id AS source, md5('top-up ' || g) AS uuid FROM generate_series(1, %s) g
        JOIN source s ON s.n = 1 + (g - 1) %% (SELECT count(*) FROM source)""",
               (total - have,))
    db.execute("""
        INSERT INTO ballots (uuid, cycle_id, person_key, channel, entered_by_id, cast_at,
                             receipt_hash, district_id, age_band, community_id)
        SELECT e.uuid, b.cycle_id,
               encode(sha256(convert_to('top-up person ' || e.g, 'UTF8')), 'hex'), 'paper',
               b.entered_by_id, b.cast_at,
               encode(sha256(convert_to('top-up receipt ' || e.g, 'UTF8')), 'hex'),
               b.district_id, b.age_band, b.community_id
        FROM extra e JOIN ballots b ON b.id = e.source""")
    db.execute("""
        INSERT INTO ballot_choices (ballot_id, cycle_id, category_id, project_id, community_id)
        SELECT n.id, c.cycle_id, c.category_id, c.project_id, c.community_id
        FROM extra e JOIN ballots n ON n.uuid = e.uuid
        JOIN ballot_choices c ON c.ballot_id = e.source""")
    db.execute("DROP TABLE extra; DROP TABLE source")


def clone_database(base_dsn: str, source: str, target: str) -> None:
    """``target`` made as a file copy of ``source`` (no one may be connected to it)."""
    with psycopg.connect(base_dsn, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


class Catalogue:
    """What the database says of its tables: columns, serial ids, foreign keys."""

    def __init__(self, db) -> None:
        rows = db.execute("""
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                   pg_get_expr(d.adbin, d.adrelid)
            FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
            LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
            WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
              AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum""")
        self.columns: dict[str, list[str]] = {}
        self.serial: set[str] = set()
        for table, column, _type, default in rows:
            self.columns.setdefault(table, []).append(column)
            if column == "id" and default and default.startswith("nextval"):
                self.serial.add(table)
        self.keys: dict[tuple[str, str], tuple[str, str]] = {}
        for table, column, parent, parent_column in db.execute("""
                SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text,
                       p.attname
                FROM pg_constraint c, unnest(c.conkey, c.confkey) AS k(local, remote)
                JOIN pg_attribute a ON true JOIN pg_attribute p ON true
                WHERE c.contype = 'f' AND a.attrelid = c.conrelid AND a.attnum = k.local
                  AND p.attrelid = c.confrelid AND p.attnum = k.remote"""):
            if column != "community_id" or parent == "communities":
                self.keys.setdefault((table, column), (parent, parent_column))
        self.foreign = db.execute("""
            SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE contype = 'f' ORDER BY 1, 2""").fetchall()

    def refers_to(self, table: str, column: str) -> str | None:
        """The table whose ids ``table.column`` holds (following keys to keys), if any."""
        if (table, column) == ("audit_head", "id"):  # a chain's head is its community's
            return "communities"
        if column == "id" and table in self.serial:
            return table
        if (table, column) in self.keys:
            return self.refers_to(*self.keys[(table, column)])
        if (table, column) == ("audit_checkpoints", "last_event_id"):
            return "audit_events"
        return None


def _hex(expression: str, length: int = 64) -> str:
    """A new value for a unique hex column, different in each copy ``k``."""
    digest = f"encode(sha256(convert_to({expression} || ':' || k, 'UTF8')), 'hex')"
    return digest if length == 64 else f"left({digest}, {length})"


#: Columns that must differ in each copy, and how: (table, column) -> SQL of the copy ``k``.
UNIQUE = {
    ("users", "email"): "CASE WHEN email IS NULL THEN NULL ELSE 'c' || k || '.' || email END",
    ("verifications", "person_key"): _hex("person_key"),
    ("ballots", "person_key"): _hex("person_key"),
    ("supports", "person_key"): _hex("person_key"),
    ("census_entries", "person_key"): _hex("person_key"),
    ("ballots", "receipt_hash"): _hex("receipt_hash"),
    ("ballots", "uuid"): _hex("uuid", 32),
    ("coauthors", "token_hash"): _hex("token_hash"),
    ("attachments", "stored_name"): "'c' || k || '-' || stored_name",
    ("implementation_photos", "stored_name"): "'c' || k || '-' || stored_name",
    ("audit_events", "hash"): _hex("hash"),
    ("audit_events", "prev_hash"):
        f"CASE WHEN prev_hash = '{GENESIS}' THEN prev_hash ELSE {_hex('prev_hash')} END",
    ("audit_head", "last_hash"):
        f"CASE WHEN last_hash = '{GENESIS}' THEN last_hash ELSE {_hex('last_hash')} END",
}


def number_of(community: int) -> str:
    return str(community)


def community_columns(first: int) -> dict[str, str]:
    """The copy's code (a КАТОТТГ-shaped "UA" and 17 digits, unique), slug and names."""
    n = f"({first} + k)"
    return {
        "code": f"'UA' || lpad((98000000000000000 + {n})::text, 17, '0')",
        "slug": f"'hromada-' || {n}",
        "name": f"'Громада № ' || {n}",
        "name_en": f"'Community No. ' || {n}",
        "mail_sender": "''",
    }


def copy_statement(catalogue: Catalogue, table: str, offsets: dict[str, int],
                   template: int) -> str:
    """INSERT ... SELECT of ``table``'s template rows, once for each ``k`` in [%s, %s]."""
    columns = catalogue.columns[table]
    values = []
    for column in columns:
        target = catalogue.refers_to(table, column)
        if table == "communities" and column in community_columns(0):
            values.append(community_columns(template)[column])
        elif (table, column) in UNIQUE:
            values.append(UNIQUE[(table, column)])
        elif column == "target_id" and "target" in columns:
            cases = " ".join(f"WHEN '{kind}' THEN {offsets[name]}"
                             for kind, name in TARGETS.items() if name in offsets)
            values.append(f"target_id + k * (CASE target {cases} ELSE 0 END)")
        elif column == "object_id" and table == "audit_events":
            cases = " ".join(f"WHEN '{kind}' THEN {offsets[name]}"
                             for kind, name in TARGETS.items() if name in offsets)
            values.append(f"CASE WHEN object_id ~ '^[0-9]{{1,9}}$' THEN (object_id::integer + k * "
                          f"(CASE object_type {cases} ELSE 0 END))::text ELSE object_id END")
        elif target is not None:
            values.append(f"{column} + k * {offsets[target]}")
        else:
            values.append(f'"{column}"')
    if table == "users":
        where = "true"
    elif table in ("communities", "audit_head"):
        where = f"id = {template}"
    elif table == "user_roles":
        where = f"(community_id = {template} OR community_id IS NULL)"
    else:
        where = f"community_id = {template}"
    if table in catalogue.serial and table != "communities":
        where += f" AND id <= {offsets[table]}"  # the template's rows, not earlier copies
    names = ", ".join(f'"{c}"' for c in columns)
    return (f'INSERT INTO "{table}" ({names}) SELECT {", ".join(values)} '
            f'FROM "{table}" CROSS JOIN generate_series(%s::int, %s::int) AS k WHERE {where}')


def replicate(url: str, template: int, copies: int, *, batch: int = 25,
              say: Callable[[str], None] = print) -> None:
    """``copies`` copies of the template community (ids template + 1 ...) in ``url``."""
    with psycopg.connect(dsn(url)) as db:
        catalogue = Catalogue(db)
        tables = [t for t in catalogue.columns
                  if t not in NOT_COPIED and ("community_id" in catalogue.columns[t]
                                              or t in ("users", "communities", "audit_head"))]
        offsets = {t: db.execute(f'SELECT coalesce(max(id), 0) FROM "{t}"').fetchone()[0]
                   for t in catalogue.serial}
        offsets["communities"] = max(offsets["communities"], template)
        statements = {t: copy_statement(catalogue, t, offsets, template) for t in tables}
    for first in range(1, copies + 1, batch):
        last = min(copies, first + batch - 1)
        started = time.monotonic()
        with psycopg.connect(dsn(url)) as db:
            db.execute("SET session_replication_role = replica")
            db.execute("SET synchronous_commit = off")
            for statement in statements.values():
                db.execute(statement, (first, last))
            fix_json(db, offsets, first, last)
        say(f"copies {first}-{last} of {copies} in {time.monotonic() - started:.0f} s")
    with psycopg.connect(dsn(url), autocommit=True) as db:
        for table in catalogue.serial:
            db.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                       f"(SELECT coalesce(max(id), 1) FROM \"{table}\"))")


def _shift_json(value, k: int, offsets: dict[str, int]):
    """A tally's outcome or a decision's payload with the copy's ids: projects (``project_id``,
    ``winners``), categories (``key``) and the tally (``tally``)."""
    if isinstance(value, list):
        return [_shift_json(item, k, offsets) for item in value]
    if not isinstance(value, dict):
        return value
    shifted = {}
    for key, item in value.items():
        if key == "project_id" and item is not None:
            item = str(int(item) + k * offsets["projects"])
        elif key == "winners" and isinstance(item, list):
            item = [str(int(p) + k * offsets["projects"]) for p in item]
        elif key == "key" and isinstance(item, str) and item.isdigit():
            item = str(int(item) + k * offsets["categories"])
        elif key == "tally" and isinstance(item, int):
            item = item + k * offsets["tallies"]
        else:
            item = _shift_json(item, k, offsets)
        shifted[key] = item
    return shifted


def fix_json(db, offsets: dict[str, int], first: int, last: int) -> None:
    """The ids inside the JSON of the copies' tallies and decisions."""
    for table, column in (("tallies", "outcome"), ("decisions", "payload")):
        rows = db.execute(f"SELECT id, {column} FROM {table} WHERE id <= %s AND {column} "
                          "NOT IN ('', '{}')", (offsets[table],)).fetchall()
        updates = [(json.dumps(_shift_json(json.loads(text), k, offsets), ensure_ascii=False),
                    row_id + k * offsets[table])
                   for row_id, text in rows for k in range(first, last + 1)]
        with db.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE id = %s", updates)


def check_keys(url: str) -> list[str]:
    """Every foreign key that some row breaks (checked with one anti-join per key)."""
    broken = []
    with psycopg.connect(dsn(url), autocommit=True) as db:
        for table, name, definition in Catalogue(db).foreign:
            local = definition.split("(", 1)[1].split(")", 1)[0]
            parent, remote = definition.split("REFERENCES ", 1)[1].split("(", 1)
            remote = remote.split(")", 1)[0]
            pairs = list(zip(local.split(", "), remote.split(", "), strict=True))
            join = " AND ".join(f"p.{r} = t.{c}" for c, r in pairs)
            present = " AND ".join(f"t.{c} IS NOT NULL" for c, _ in pairs)
            bad = db.execute(f"SELECT count(*) FROM {table} t WHERE {present} AND NOT EXISTS "
                             f"(SELECT 1 FROM {parent} p WHERE {join})").fetchone()[0]
            if bad:
                broken.append(f"{name}: {bad} rows")
    return broken


def add_residents(url: str, community: int, count: int) -> list[tuple[int, str]]:
    """``count`` verified residents of ``community`` who have not voted, each signed in:
    (user id, session token). Their person keys are made up (unique): the cast reads the
    key from the verification and never works it out again."""
    tokens = [secrets.token_urlsafe(32) for _ in range(count)]
    batch = secrets.token_hex(4)  # a database kept from an earlier run has residents too
    with psycopg.connect(dsn(url)) as db:
        name = db.execute("SELECT name FROM communities WHERE id = %s",
                          (community,)).fetchone()[0]
        with db.cursor() as cursor:
            ids = []
            for n in range(count):
                ids.append(cursor.execute(
                    "INSERT INTO users (email, display_name, password_hash, locale, created_at, "
                    "email_confirmed_at, active, security_stamp) VALUES (%s, %s, '!', 'uk', "
                    "now(), now(), true, %s) RETURNING id",
                    (f"caster{n}-{community}-{batch}@bench.test", f"Виборець {n}", "0" * 32),
                ).fetchone()[0])
            cursor.executemany(
                "INSERT INTO user_roles (user_id, role, granted_at) VALUES (%s, 'resident', now())",
                [(uid,) for uid in ids])
            cursor.executemany(
                "INSERT INTO account_sessions (user_id, token_hash, created_at, last_seen_at, "
                "remembered, address, device) VALUES (%s, %s, now(), now(), false, '', '')",
                [(uid, hashlib.sha256(token.encode()).hexdigest())
                 for uid, token in zip(ids, tokens, strict=True)])
            cursor.executemany(
                "INSERT INTO verifications (user_id, person_key, method, birth_date, community, "
                "resident, verified_at, community_id) VALUES (%s, %s, 'in_person', %s, %s, true, "
                "now(), %s)",
                [(uid, hashlib.sha256(f"bench caster {uid}".encode()).hexdigest(),
                  date(1985, 5, 1), name, community) for uid in ids])
    return list(zip(ids, tokens, strict=True))


def sizes(url: str) -> dict[str, int]:
    """Row counts of the tables that make the scale."""
    with psycopg.connect(dsn(url)) as db:
        return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("communities", "users", "verifications", "user_roles", "cycles",
                              "projects", "ballots", "ballot_choices", "tallies",
                              "funding_lines", "implementations", "audit_events")}
