"""What ``flask --app portal audit verify`` prints for each tampering of the audit log
(issue 10, point 6), on SQLite and PostgreSQL, in Ukrainian and English.

For each case a fresh database is migrated, a chain of 12 events is appended with
checkpoints signed after the 5th and the 10th (``tests.factories.audit.build_chain``), the
tampering is done in SQL and committed, and the real command runs in a subprocess. The
column "chain alone" is what the check before checkpoints (``verify_chain``, the whole of
``audit verify`` until now) said about the same database.

Writes tests/bench/results/audit_tampering.md. Run with ``make bench`` or directly:
``python tests/bench/bench_audit_tampering.py``; ``BENCH_AUDIT_URLS`` (comma-separated
database URLs) adds PostgreSQL, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/portal_test_audit``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from portal import audit, create_app  # noqa: E402
from tests.conftest import prepare_database  # noqa: E402
from tests.factories import audit as tamper  # noqa: E402

OUT = ROOT / "tests" / "bench" / "results" / "audit_tampering.md"
FLASK = str(Path(sys.executable).with_name("flask"))

CASES: list[tuple[str, Callable]] = [
    ("nothing (intact)", lambda s, e: None),
    ("the last 4 events deleted, `audit_head` rewritten to the new last event and count",
     lambda s, e: tamper.truncate(s, e, keep=8)),
    ("the last event deleted, `audit_head` left", lambda s, e: tamper.delete_last_only(s, e)),
    ("event 4's details rewritten, its hash and every later hash and link recomputed, "
     "`audit_head` moved to match", lambda s, e: tamper.rewrite_and_rehash(s, e, index=3)),
    ("event 7's details edited, nothing recomputed",
     lambda s, e: tamper.edit_without_rehash(s, e[6])),
    ("events 3 and 7 swapped (their ids exchanged)", lambda s, e: tamper.swap(s, e[2], e[6])),
    ("event 8 deleted from the middle", lambda s, e: tamper.delete_middle(s, e[7])),
    ("a checkpoint 3 added, well formed and linked, signed with another Ed25519 key",
     lambda s, e: tamper.forge_checkpoint(s, key=Ed25519PrivateKey.generate())),
    ("the last 4 events deleted and checkpoint 2's stored count lowered to 8",
     lambda s, e: (tamper.truncate(s, e, keep=8), tamper.lower_checkpoint_count(s, 2, 8))),
    ("checkpoint 1 deleted", lambda s, e: tamper.delete_checkpoint(s, 1)),
]


def run_case(url: str, action: Callable) -> dict:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    prepare_database(url)
    app = create_app("testing", {"DATABASE_URL": url})
    database = app.extensions["portal.db"]
    try:
        with app.app_context():
            session = database.sessionmaker()
            events = tamper.build_chain(session)
            session.commit()
            action(session, events)
            session.commit()
            broken = audit.verify_chain(session)
            session.close()
    finally:
        database.engine.dispose()
    printed = {}
    for language in ("uk", "en"):
        env = {**os.environ, "PORTAL_ENV": "testing", "TEST_DATABASE_URL": url}
        done = subprocess.run(  # noqa: S603 (our own command, fixed arguments)
            [FLASK, "--app", "portal", "audit", "verify", "--language", language],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
        printed[language] = (done.stdout + done.stderr).replace("\u202f", " ").strip()
        printed["code"] = done.returncode
    printed["alone"] = "intact" if broken is None else f"broken at event {broken[0]}"
    return printed


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        urls = [f"sqlite:///{folder}/audit.sqlite3"]
        urls += [u.strip() for u in os.environ.get("BENCH_AUDIT_URLS", "").split(",")
                 if u.strip()]
        results = {url: [run_case(url, action) for _name, action in CASES] for url in urls}
    lines = [
        "# What `audit verify` printed for each tampering",
        "",
        "Written by `tests/bench/bench_audit_tampering.py`. Each case: a fresh database, 12",
        "events, checkpoints signed after the 5th and the 10th, then the tampering in SQL",
        "(committed), then `flask --app portal audit verify --language uk|en` in a",
        "subprocess. \"Chain alone\" is what the check without checkpoints (all that",
        "`audit verify` did before) said. Event numbers are the events' ids.",
        "",
    ]
    for url, rows in results.items():
        dialect = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        lines += [f"## {dialect}", ""]
        for (name, _action), row in zip(CASES, rows, strict=True):
            lines += [f"### {name}", "",
                      f"Exit code {row['code']}; chain alone: {row['alone']}.", "",
                      "```", row["uk"], "", row["en"], "```", ""]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(OUT.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
