"""The demo vote: 2019 counted by its rule and approved (14 winners), a cycle voting today
with thousands of ballots, and a second load that changes nothing."""

from sqlalchemy import func, select

from config import TESTING_AUDIT_KEY
from portal.audit.models import AuditCheckpoint, AuditEvent
from portal.audit.signing import private_key
from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.cycles.rules import Phase
from portal.demo.accounts import load_accounts
from portal.demo.cycles import load_cycles
from portal.demo.review import load_review
from portal.demo.voting import FINISHED, SCHOOL, load_voting
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus
from portal.results.models import Tally
from portal.results.rules import inputs_digest
from portal.results.tallies import rule_inputs
from portal.review.models import Decision
from portal.review.rules import DecisionKind
from portal.voting.models import Ballot

KEY = private_key(TESTING_AUDIT_KEY)


def test_the_demo_vote_loads_once_with_approved_results_and_an_open_ballot(app, db, app_ctx):
    secret = app.config["PERSON_KEY_SECRET"]
    load_accounts(db, secret=secret, now=utcnow())
    load_cycles(db, secret=secret, now=utcnow())
    load_review(db)
    load_voting(db, secret=secret, audit_key=KEY, now=utcnow())

    finished = db.execute(select(Cycle).where(Cycle.name == FINISHED)).scalar_one()
    tally = db.execute(select(Tally).where(Tally.cycle_id == finished.id)).scalar_one()
    assert tally.approved_at is not None and len(tally.data["winners"]) == 14
    decision = db.get(Decision, tally.approved_by_decision_id)
    assert decision.kind is DecisionKind.APPROVE_RESULTS
    assert db.scalar(select(func.count()).select_from(Project).where(
        Project.cycle_id == finished.id, Project.status == ProjectStatus.WINNER)) == 14
    inputs, _unit = rule_inputs(db, finished)
    assert inputs_digest(*inputs) == tally.inputs_digest  # anyone can reproduce it
    # The approval anchored the audit log with a signed checkpoint, at its moment.
    checkpoint = db.execute(select(AuditCheckpoint)).scalar_one()
    approved = db.execute(select(AuditEvent).where(
        AuditEvent.action == "voting.results_approved")).scalar_one()
    assert checkpoint.last_event_id >= approved.id and checkpoint.at == tally.approved_at

    school = db.execute(select(Cycle).where(Cycle.name == SCHOOL)).scalar_one()
    assert school.phase(utcnow()) is Phase.VOTING
    assert db.scalar(select(func.count()).select_from(Ballot)
                     .where(Ballot.cycle_id == school.id)) == 3000

    ballots = db.scalar(select(func.count()).select_from(Ballot))
    load_voting(db, secret=secret, audit_key=KEY, now=utcnow())
    assert db.scalar(select(func.count()).select_from(Ballot)) == ballots
