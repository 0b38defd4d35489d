"""One person, one ballot under real concurrency, and no acknowledged ballot lost to a crash.

These run against PostgreSQL with several processes writing at once, each in a scratch
database of its own (so the committed rows never meet the other tests' rolled-back ones).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text

from tests import served

pytestmark = pytest.mark.postgres

BASE_URL = os.environ.get("TEST_DATABASE_URL", "")
needs_postgres = pytest.mark.skipif(
    not BASE_URL.startswith("postgresql"),
    reason="needs PostgreSQL: several processes writing at once (SQLite serialises writers "
           "in one file, so the race cannot happen there)")


def _cast_many(url, election, start_at, index, results):
    """One process: 10 threads casting for the same person, half online, half on paper."""
    from datetime import date

    from portal.clock import utcnow
    from portal.cycles.models import Cycle
    from portal.db import make_engine
    from portal.identity.rules import NumberKind, PersonNumber, person_key
    from portal.voting import context, services
    from portal.voting.models import Channel
    from portal.voting.rules import Choice

    engine = make_engine(url)

    def one(n: int):
        from sqlalchemy.orm import Session

        with Session(engine, expire_on_commit=False) as session:
            cycle = session.get(Cycle, election.cycle_id)
            user_id, _token, number = election.voters[0]
            if (index + n) % 2:
                facts = context.VoterFacts(True, True, date(1985, 1, 1), None)
                voter = context.Voter(
                    person_key(PersonNumber(NumberKind.RNOKPP, number),
                               served.PERSON_KEY_SECRET), facts, Channel.ONLINE,
                    user_id=user_id)
            else:
                voter = context.paper_voter(
                    number=PersonNumber(NumberKind.RNOKPP, number), birth_date=date(1985, 1, 1),
                    resident=True, district_id=None,
                    verifier=session.get(services.User, election.verifier[0]),
                    secret=served.PERSON_KEY_SECRET)
            choices = [Choice(election.category_id, election.project_ids[(index + n) % 5])]
            while time.time() < start_at:
                time.sleep(0.001)
            try:
                cast = services.cast_ballot(session, sheet=context.sheet_of(session, cycle),
                                            voter=voter, choices=choices,
                                            secret=served.PERSON_KEY_SECRET, now=utcnow())
                session.commit()
                return ("created", voter.channel.value, cast.receipt)
            except services.AlreadyVoted as already:
                session.rollback()
                return ("already", voter.channel.value, already.receipt)

    with ThreadPoolExecutor(10) as pool:
        results.extend(list(pool.map(one, range(10))))
    engine.dispose()


@needs_postgres
def test_fifty_concurrent_casts_for_one_person_store_exactly_one_ballot(scratch):
    election = served.populate(scratch, voters=1)
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        results = manager.list()
        start_at = time.time() + 4
        workers = [context.Process(target=_cast_many,
                                   args=(scratch, election, start_at, i, results))
                   for i in range(5)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(120)
        outcomes = list(results)
    assert len(outcomes) == 50
    created = [o for o in outcomes if o[0] == "created"]
    assert len(created) == 1
    receipt = created[0][2]
    for kind, channel, shown in outcomes:
        if kind == "already":
            # The voter online gets the receipt back; the desk never learns one.
            assert shown == (receipt if channel == "online" else None)
    from portal.db import make_engine
    from portal.voting.models import Ballot, BallotChoice

    engine = make_engine(scratch)
    with engine.connect() as db:
        assert db.scalar(select(func.count()).select_from(Ballot)) == 1
        assert db.scalar(select(func.count()).select_from(BallotChoice)) == 1
    _assert_one_audit_event_per_ballot_and_chain_intact(engine)
    engine.dispose()


def _assert_one_audit_event_per_ballot_and_chain_intact(engine):
    """Every stored ballot has its audit event (written in the same transaction), no refused
    or crashed cast left one, and the chain appended under concurrency verifies."""
    from sqlalchemy.orm import Session

    from portal import audit
    from portal.audit.models import AuditEvent, AuditHead
    from portal.voting.models import Ballot

    with Session(engine) as session:
        ballots = session.scalar(select(func.count()).select_from(Ballot))
        events = session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action.like("ballot.cast_%")))
        assert events == ballots
        assert session.get(AuditHead, 1).count == session.scalar(
            select(func.count()).select_from(AuditEvent))
        assert audit.verify_chain(session) is None


@needs_postgres
def test_a_killed_server_loses_no_acknowledged_ballot_and_a_retry_gets_the_receipt(scratch):
    election = served.populate(scratch, voters=150)
    server = served.Gunicorn(scratch, workers=2, threads=4).start()
    acknowledged: dict[int, list[str]] = {}
    lock = threading.Lock()
    stop = threading.Event()
    choice_of = [f"{election.category_id}:{p}" for p in election.project_ids]

    def vote(n: int):
        user_id, token, _number = election.voters[n]
        chosen = [choice_of[n % 5], choice_of[(n + 1) % 5]]
        if stop.is_set():
            return
        try:
            response = served.Voter(server.base, user_id, token).cast(election.cycle_id, chosen)
        except Exception:  # noqa: BLE001 - the server is being killed: no answer, no promise
            return
        if response.status_code == 302 and response.headers["Location"].endswith("/my-ballot"):
            with lock:
                acknowledged[n] = chosen

    try:
        with ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(vote, n) for n in range(150)]
            while len(acknowledged) < 40:
                time.sleep(0.01)
            server.kill()
            stop.set()
            for future in futures:
                future.result()
    finally:
        if server.process.poll() is None:
            server.kill()
    assert len(acknowledged) >= 40
    from portal.db import make_engine
    from portal.voting.models import Ballot, BallotChoice

    engine = make_engine(scratch)
    with engine.connect() as db:
        db.execute(text("SELECT 1"))
        stored = {row.user_id: row.id for row in db.execute(select(Ballot.user_id, Ballot.id))}
        for n, chosen in acknowledged.items():
            user_id = election.voters[n][0]
            assert user_id in stored, f"acknowledged ballot of voter {n} is missing"
            projects = set(db.execute(select(BallotChoice.project_id).where(
                BallotChoice.ballot_id == stored[user_id])).scalars())
            assert projects == {int(c.split(":")[1]) for c in chosen}
    _assert_one_audit_event_per_ballot_and_chain_intact(engine)
    with served.served(scratch, workers=2, threads=2) as again:
        for n in list(acknowledged)[:10]:
            user_id, token, _ = election.voters[n]
            voter = served.Voter(again.base, user_id, token)
            retry = voter.cast(election.cycle_id, acknowledged[n])
            assert retry.status_code == 302
            code = voter.receipt(election.cycle_id)
            with engine.connect() as db:
                stored_hash = db.scalar(select(Ballot.receipt_hash).where(
                    Ballot.user_id == user_id))
            assert served.receipt_hash(code) == stored_hash
    engine.dispose()
