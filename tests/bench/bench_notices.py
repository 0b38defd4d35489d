"""Benchmark: voting opens for 100,000 verified residents.

The announcer (``portal.main.announcements``, run by the worker every quarter of an hour;
no request waits for it) stores a notice for each verified resident in one statement, then
writes the e-mail of each who wants it at once (everyone, by default) and queues them in
batches. Then a real worker (``flask --app portal worker``, Redis queue) delivers them to a
local SMTP server (aiosmtpd) with the rate limit lifted, and the delivery rate is measured
for ``DELIVERY_SECONDS``. PostgreSQL, a scratch database filled by ``tests.served.populate``.
Figures go to ``tests/bench/results/notices.md``.
"""

from __future__ import annotations

import datetime
import os
import platform
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, make_url, select  # noqa: E402

from tests import served  # noqa: E402
from tests.jobs.conftest import Inbox  # noqa: E402

BASE_URL = os.environ.get("BENCH_DATABASE_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench_notices")
NAME = make_url(BASE_URL).database or "portal_bench_notices"
RESIDENTS = int(os.environ.get("BENCH_RESIDENTS", "100000"))
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
DELIVERY_SECONDS = int(os.environ.get("BENCH_DELIVERY_SECONDS", "60"))
RESULT = Path(__file__).resolve().parent / "results" / "notices.md"


def main() -> int:
    from aiosmtpd.controller import Controller

    url = served.scratch_database(BASE_URL, NAME)
    started = time.perf_counter()
    election = served.populate(url, voters=RESIDENTS)
    filled = time.perf_counter() - started
    port = served.free_port()
    queue_name = f"bench-notices-{uuid.uuid4().hex[:8]}"
    settings = {"DATABASE_URL": url, "JOBS_URL": REDIS, "JOBS_NAME": queue_name,
                "MAIL_BACKEND": "smtp", "MAIL_SMTP_HOST": "127.0.0.1",
                "MAIL_SMTP_PORT": str(port), "MAIL_SMTP_STARTTLS": "0",
                "MAIL_RATE_PER_MINUTE": "100000000", "PORTAL_ENV": "development",
                "SECRET_KEY": served.SECRET_KEY, "PERSON_KEY_SECRET": served.PERSON_KEY_SECRET,
                "PUBLIC_URL": "http://portal.test"}
    os.environ.update(settings)
    from portal import create_app
    from portal.clock import utcnow
    from portal.db import db_session
    from portal.mail.models import OutgoingMail
    from portal.main.announcements import announce
    from portal.notifications.models import Notice

    app = create_app(None, {"MAIL_SMTP_PORT": port, "MAIL_SMTP_STARTTLS": False})
    with app.app_context():
        session = db_session()
        started = time.perf_counter()
        stored = announce(session, utcnow())
        told = time.perf_counter() - started
        notices = session.scalar(select(func.count()).select_from(Notice))
        mails = session.scalar(select(func.count()).select_from(OutgoingMail))
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    log = ROOT / "tests" / "artifacts" / "bench-notices-worker.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        worker = subprocess.Popen(
            [str(Path(sys.executable).with_name("flask")), "--app", "portal", "worker"],
            cwd=ROOT, env={**os.environ, **settings}, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
    samples = []
    try:
        begin = time.perf_counter()
        while time.perf_counter() - begin < DELIVERY_SECONDS:
            time.sleep(1)
            samples.append((time.perf_counter() - begin, len(inbox.messages)))
            if len(inbox.messages) >= mails:
                break
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        controller.stop()
    app.extensions["portal.db"].engine.dispose()
    served.drop_database(BASE_URL, NAME)
    served.drop_queue(REDIS, queue_name)
    seconds, delivered = samples[-1]
    rate = delivered / seconds if seconds else 0.0
    ok = stored >= RESIDENTS and mails >= RESIDENTS
    lines = [
        "# Voting opens: notices for every verified resident",
        "",
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC by "
        f"`tests/bench/bench_notices.py` on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, PostgreSQL; {RESIDENTS:,} verified residents "
        f"(filled in {filled:.0f} s). The announcer runs in the worker: no request waits "
        "for it.",
        "",
        "| step | figure |",
        "|---|---|",
        f"| notices stored (one statement) and e-mails written and queued, in the worker | "
        f"{stored:,} notices, {mails:,} e-mails in {told:.1f} s ({stored / told:,.0f} "
        f"residents/s; the request that opens voting waits for none of it: voting opens by "
        f"the calendar, and the announcer finds it) |",
        f"| notices in the table | {notices:,} |",
        f"| worker delivering to a local SMTP server (aiosmtpd), rate limit lifted, "
        f"batches of 100 on one connection each | {delivered:,} delivered in {seconds:.0f} s: "
        f"{rate:,.0f} e-mails/s |",
        "",
        "Delivered over time (seconds: messages): "
        + ", ".join(f"{s:.0f}: {n:,}" for s, n in samples[4::5]) + ".",
        "",
        f"In production the rate is `MAIL_RATE_PER_MINUTE` (600 by default: {RESIDENTS:,} "
        f"e-mails leave over {RESIDENTS / 600 / 60:.1f} hours), the relay's limit.",
        "",
    ]
    RESULT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    del election
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
