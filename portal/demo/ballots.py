"""What the demo's votes need: Bakhmut's office accounts acting in them, its districts'
shares of the voters (share in per cent, online share), Kyiv's noon of a day, ballots with
their choices inserted in bulk (receipts made as a voter's would be), and a closed vote
counted and approved at a commission's meeting."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from portal.accounts.models import Role, User, UserRole
from portal.clock import KYIV
from portal.cycles.models import Cycle
from portal.identity.models import Verification, VerificationMethod
from portal.results import tallies
from portal.results.models import Tally
from portal.review import services as review
from portal.review.models import SeatRole
from portal.voting.models import Ballot, BallotChoice
from portal.voting.receipts import new_ballot_uuid, receipt_code, receipt_hash

#: The demo's commission member and ЦНАП verifier, who record what both votes need.
COMMISSION_EMAIL = "commission@demo.bakhmut.ua"
VERIFIER_EMAIL = "verifier@demo.bakhmut.ua"

#: Each district's share of the voters (per cent) and of them the share voting online.
DISTRICT_SHARES = {"Центральний": (34, 0.62), "Забахмутка": (19, 0.55),
                   "Ступки": (14, 0.41), "Молодіжний": (23, 0.71), "Хромове": (10, 0.38)}
VOTERS_SEED = 2018


def kyiv(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=KYIV)


def ballot_rows(cycle: Cycle, people: list[tuple[str, dict]], secret: str,
                 cast_at) -> list[dict]:
    rows = []
    for n, (key, extra) in enumerate(people):
        uuid = new_ballot_uuid()
        rows.append({"uuid": uuid, "cycle_id": cycle.id, "person_key": key,
                     "receipt_hash": receipt_hash(receipt_code(secret, uuid)),
                     "cast_at": cast_at(n), "user_id": None, "entered_by_id": None,
                     "district_id": None, "age_band": None, **extra})
    return rows


def voter_accounts(session: Session, voters: list[tuple], *, email: str, community: str,
                   method: VerificationMethod = VerificationMethod.EID) -> list[int]:
    """Accounts of online voters, in bulk: no password (nobody logs in with them), each
    verified (by e-ID unless ``method`` says otherwise) when it registered. ``voters`` are
    (n, person key, birth date, district id, registered), ``email`` has ``{n}``; returns
    their ids in the order given."""
    user_ids = session.execute(insert(User).returning(User.id, sort_by_parameter_order=True), [
        {"email": email.format(n=n), "display_name": f"Виборець {n}", "password_hash": "!",
         "created_at": registered, "email_confirmed_at": registered, "active": True,
         "locale": "uk", "security_stamp": "0" * 32}
        for n, _key, _birth, _district, registered in voters]).scalars().all()
    session.execute(insert(UserRole), [
        {"user_id": uid, "role": Role.RESIDENT.value, "granted_at": registered}
        for uid, (*_rest, registered) in zip(user_ids, voters, strict=True)])
    session.execute(insert(Verification), [
        {"user_id": uid, "person_key": key, "method": method.value, "birth_date": birth,
         "community": community, "resident": True, "district_id": district,
         "verified_at": registered}
        for uid, (_n, key, birth, district, registered) in zip(user_ids, voters, strict=True)])
    return list(user_ids)


def store_ballots(session: Session, cycle: Cycle, rows: list[dict], choices: list[list[tuple]]):
    """Ballots and their choices ((category id, project id) per ballot), in bulk."""
    for start in range(0, len(rows), 5000):
        session.execute(Ballot.__table__.insert(), rows[start:start + 5000])
    ids = dict(session.execute(
        select(Ballot.uuid, Ballot.id).where(Ballot.cycle_id == cycle.id)).all())
    choice_rows = [
        {"ballot_id": ids[row["uuid"]], "cycle_id": cycle.id, "category_id": category,
         "project_id": project}
        for row, chosen in zip(rows, choices, strict=True) for category, project in chosen
    ]
    for start in range(0, len(choice_rows), 10000):
        session.execute(BallotChoice.__table__.insert(), choice_rows[start:start + 10000])


def count_and_approve(session: Session, cycle: Cycle, *, secretary: User, counted_at: datetime,
                      held_on: date, place: str, audit_key: Ed25519PrivateKey) -> Tally:
    """Count the closed vote at ``counted_at``, then approve the count at the commission's
    next meeting, held on ``held_on`` at 15:00 (the chair, the secretary and four more
    members present); the approval signs a checkpoint of the audit log."""
    tally = tallies.compute_tally(session, cycle=cycle, actor=secretary, now=counted_at)
    meeting = review.create_meeting(
        session, actor=secretary, cycle=cycle, number=review.next_meeting_number(session, cycle),
        held_on=held_on, place=place, agenda="Затвердження результатів голосування",
        now=counted_at)
    seats = review.seats_of(session, cycle)
    present = [s for s in seats if s.role in (SeatRole.CHAIR, SeatRole.SECRETARY)]
    present += [s for s in seats if s not in present][:4]
    review.set_attendance(session, actor=secretary, meeting=meeting,
                          seat_ids={s.id for s in present}, now=counted_at)
    opened = kyiv(held_on, 15)
    review.open_meeting(session, actor=secretary, meeting=meeting, now=opened)
    tallies.approve_tally(session, tally=tally, meeting=meeting, votes=(len(present), 0, 0),
                          actor=secretary, audit_key=audit_key,
                          now=opened + timedelta(minutes=20))
    review.close_meeting(session, actor=secretary, meeting=meeting, now=opened + timedelta(hours=1))
    return tally
