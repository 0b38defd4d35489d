"""The demo funds the 2019 winners and follows them through their budget year like the 2018
report's participatory budget; the program has money in each of its years."""

from collections import Counter

from sqlalchemy import func, select

from config import TESTING_AUDIT_KEY
from portal.audit.signing import private_key
from portal.clock import utcnow
from portal.demo.accounts import load_accounts
from portal.demo.cycles import load_cycles
from portal.demo.implementation import NOT_IMPLEMENTED_REASON, photo
from portal.demo.programs import load_programs
from portal.demo.review import load_review
from portal.demo.voting import load_voting
from portal.implementation import services
from portal.implementation.models import ImplementationUpdate, UpdatePhoto
from portal.implementation.rules import ImplementationStatus as S
from portal.programs.models import Financing, FundingLine

KEY = private_key(TESTING_AUDIT_KEY)


def test_the_demo_winners_have_a_believable_implementation_history(
        app, db, app_ctx, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    secret = app.config["PERSON_KEY_SECRET"]
    load_accounts(db, secret=secret, now=utcnow())
    load_cycles(db, secret=secret, now=utcnow())
    load_review(db)
    load_voting(db, secret=secret, audit_key=KEY, now=utcnow())
    program = load_programs(db, now=utcnow())

    rows = services.winners_progress(db)
    assert len(rows) == 14 and all(row.line is not None for row in rows)
    # As the 2018 report: 12 implemented, 1 not financed because the location changed.
    assert Counter(row.status for row in rows) == {S.IMPLEMENTED: 12, S.NOT_IMPLEMENTED: 1,
                                                  S.IN_PROGRESS: 1}
    (moved,) = [row for row in rows if row.status is S.NOT_IMPLEMENTED]
    assert moved.reason == NOT_IMPLEMENTED_REASON and moved.line.financed == 0
    for row in rows:
        updates = row.record.updates
        assert len(updates) >= 3 and {u.posted_on.year for u in updates} == {row.line.year}
        assert len({u.posted_on.month for u in updates}) >= 3  # across the year
        if row.status is S.IMPLEMENTED:
            assert 0 < row.line.financed <= row.line.planned and row.record.tender_number
            assert any(u.photos for u in updates)
    photos = db.scalars(select(UpdatePhoto)).all()
    assert photos and all((tmp_path / p.stored_name).is_file() for p in photos)

    # Nothing the staff screens would flag, on any line of the program.
    lines = db.scalars(select(FundingLine)).all()
    assert [line.id for line in lines if services.line_contradictions(line)] == []
    # Money in every year of the program, paid in each.
    years = {line.year for line in lines if line.financed}
    assert years == set(range(program.start_year, program.end_year + 1))

    counts = (db.scalar(select(func.count()).select_from(ImplementationUpdate)),
              db.scalar(select(func.count()).select_from(Financing)), len(photos))
    load_programs(db, now=utcnow())
    assert (db.scalar(select(func.count()).select_from(ImplementationUpdate)),
            db.scalar(select(func.count()).select_from(Financing)),
            db.scalar(select(func.count()).select_from(UpdatePhoto))) == counts


def test_demo_photos_are_drawn_the_same_every_time():
    assert photo(3, 1) == photo(3, 1)
    assert photo(3, 1) != photo(3, 3) and photo(3, 1)[:2] == b"\xff\xd8"
