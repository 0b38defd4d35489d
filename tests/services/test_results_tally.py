"""Counting a closed vote, approving it at a meeting, annulling ballots, the lottery seed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from config import TESTING_AUDIT_KEY
from portal.accounts.models import Role
from portal.audit import signing
from portal.audit.models import AuditCheckpoint, AuditEvent
from portal.audit.signing import private_key
from portal.clock import utcnow
from portal.cycles.rules import TieRule, WinnerRule
from portal.identity.rules import make_rnokpp
from portal.projects.rules import ProjectStatus
from portal.refusal import Refused
from portal.results import counting, tallies
from portal.results.rules import inputs_digest
from portal.review.rules import DecisionKind
from portal.voting import context, services
from portal.voting.models import Ballot
from portal.voting.rules import Choice
from tests.factories.projects import make_project
from tests.factories.voting import close_voting, make_vote, make_voting_cycle

SECRET = "testing-person-key-secret-not-for-production"
KEY = private_key(TESTING_AUDIT_KEY)


# The vote is built once; each test counts in a savepoint rolled back after it.
pytestmark = pytest.mark.module_transaction


@pytest.fixture(scope="module")
def vote(module_db):
    return make_vote(module_db)


def test_a_tally_is_refused_while_voting_is_open(db, make_user):
    cycle = make_voting_cycle(db, make_user(Role.ADMIN))
    with pytest.raises(Refused) as refused:
        tallies.compute_tally(db, cycle=cycle, actor=None, now=utcnow())
    assert refused.value.code == "voting_not_over"


def test_the_tally_stores_rule_digest_and_winners_with_the_registration_tie_rule(db, vote):
    cycle, (a, b, c), commission, _meeting, _ = vote
    tally = tallies.compute_tally(db, cycle=cycle, actor=commission, now=utcnow())
    # a and b tie on 3 votes; a was registered first, so a wins and b no longer fits.
    assert tally.data["winners"] == [str(a.id), str(c.id)]
    assert tally.rule is WinnerRule.GREEDY and tally.ballots == 5
    inputs, _unit = tallies.rule_inputs(db, cycle)
    assert tally.inputs_digest == inputs_digest(*inputs)


def test_approval_at_a_meeting_makes_winners_final(db, vote):
    cycle, (a, b, c), commission, meeting, _ = vote
    tally = tallies.compute_tally(db, cycle=cycle, actor=commission, now=utcnow())
    tallies.approve_tally(db, tally=tally, meeting=meeting, votes=(3, 0, 0), actor=commission,
                          audit_key=KEY, now=utcnow())
    assert tally.approved_by_decision_id is not None
    assert [p.status for p in (a, b, c)] == [
        ProjectStatus.WINNER, ProjectStatus.NOT_SELECTED, ProjectStatus.WINNER]
    with pytest.raises(Refused) as again:
        tallies.approve_tally(db, tally=tally, meeting=meeting, votes=(3, 0, 0),
                              actor=commission, audit_key=KEY, now=utcnow())
    assert again.value.code == "already_approved"


def test_approval_signs_a_checkpoint_of_the_log_up_to_its_last_event(db, vote):
    cycle, _projects, commission, meeting, _ = vote
    tally = tallies.compute_tally(db, cycle=cycle, actor=commission, now=utcnow())
    before = db.scalar(select(AuditCheckpoint.number).order_by(AuditCheckpoint.number.desc()))
    tallies.approve_tally(db, tally=tally, meeting=meeting, votes=(3, 0, 0), actor=commission,
                          audit_key=KEY, now=utcnow())
    checkpoint = db.execute(select(AuditCheckpoint).order_by(AuditCheckpoint.number.desc())
                            ).scalars().first()
    assert checkpoint is not None and checkpoint.number == (before or 0) + 1
    last = db.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
    approved = db.execute(select(AuditEvent).where(
        AuditEvent.action == "voting.results_approved")).scalar_one()
    assert checkpoint.last_event_id == last.id >= approved.id
    assert checkpoint.head_hash == last.hash
    assert checkpoint.event_count == db.scalar(select(func.count()).select_from(AuditEvent))
    public = signing.public_key_text(KEY)
    assert signing.signature_valid(public, checkpoint.statement, checkpoint.signature)


def test_approval_over_a_log_tampered_since_the_last_checkpoint_is_refused(db, vote):
    cycle, projects, commission, meeting, _ = vote
    tally = tallies.compute_tally(db, cycle=cycle, actor=commission, now=utcnow())
    db.execute(text("UPDATE audit_events SET details = '{}' WHERE id = "
                    "(SELECT max(id) FROM audit_events)"))
    with pytest.raises(Refused) as refused:
        tallies.approve_tally(db, tally=tally, meeting=meeting, votes=(3, 0, 0),
                              actor=commission, audit_key=KEY, now=utcnow())
    assert refused.value.code == "broken_event"


def test_approval_without_a_majority_changes_nothing(db, vote):
    cycle, projects, commission, meeting, _ = vote
    tally = tallies.compute_tally(db, cycle=cycle, actor=commission, now=utcnow())
    with pytest.raises(Refused) as refused:
        tallies.approve_tally(db, tally=tally, meeting=meeting, votes=(1, 2, 0),
                              actor=commission, audit_key=KEY, now=utcnow())
    assert refused.value.code == "review"
    assert all(p.status is ProjectStatus.ADMITTED for p in projects)


def test_annulled_ballots_stay_on_record_marked_and_out_of_the_count(db, vote):
    cycle, (a, b, c), commission, meeting, voters = vote
    before = tallies.compute_tally(db, cycle=cycle, actor=commission, now=utcnow())
    first = db.execute(select(Ballot).where(Ballot.user_id == voters[0].id)).scalar_one()
    stem = f"{300000000 + voters[1].id:09d}"  # the number tests.conftest.verify used
    annulled = tallies.annul_ballots(
        db, cycle=cycle, lines=[first.receipt_hash, make_rnokpp(stem)],
        reason="Підроблена особа (перевірка реєстру)", meeting=meeting, votes=(3, 0, 0),
        actor=commission, secret=SECRET, now=utcnow())
    assert len(annulled) == 2 and all(b.annulled for b in annulled)
    counts = counting.count_now(db, cycle.id)
    assert (counts.votes[a.id], counts.votes[b.id], counts.voters, counts.annulled) == (
        1, 2, 3, 2)
    with pytest.raises(Refused) as stale:
        tallies.approve_tally(db, tally=before, meeting=meeting, votes=(3, 0, 0),
                              actor=commission, audit_key=KEY, now=utcnow())
    assert stale.value.code == "stale_tally"
    after = tallies.compute_tally(db, cycle=cycle, actor=commission, now=utcnow())
    assert after.data["winners"] == [str(b.id), str(c.id)]


def test_annulment_names_the_bad_line(db, vote):
    cycle, _projects, commission, meeting, _ = vote
    with pytest.raises(Refused) as refused:
        tallies.annul_ballots(db, cycle=cycle, lines=["", "nonsense"], reason="x",
                              meeting=meeting, votes=(3, 0, 0), actor=commission,
                              secret=SECRET, now=utcnow())
    assert (refused.value.code, refused.value.problems[0].values) == ("bad_line", {"line": 2})


def test_a_lottery_tie_rule_needs_the_seed_decision_and_uses_it(db, vote):
    cycle, (a, b, c), commission, meeting, _ = vote
    cycle.tie_rule = TieRule.LOTTERY
    db.flush()
    with pytest.raises(Refused) as refused:
        tallies.compute_tally(db, cycle=cycle, actor=commission, now=utcnow())
    assert refused.value.code == "no_seed"
    decision = tallies.record_seed(db, cycle=cycle, meeting=meeting, seed=20191,
                                   votes=(3, 0, 0), actor=commission, now=utcnow())
    assert decision.kind is DecisionKind.LOTTERY_SEED
    tally = tallies.compute_tally(db, cycle=cycle, actor=commission, now=utcnow())
    assert tally.seed == 20191 and len(tally.data["winners"]) == 2


def test_money_left_in_a_category_moves_to_the_cycle_s_target(db, make_user):
    from portal.community.models import District

    district = District(name="Тестовий район")
    db.add(district)
    db.flush()
    author = make_user()
    cycle = make_voting_cycle(db, make_user(Role.ADMIN), district_id=district.id)
    citywide, local = cycle.categories
    cycle.leftover_to_category_id = citywide.id
    small = make_project(db, cycle, author, status=ProjectStatus.ADMITTED, category=local,
                         cost=10_000_000)
    big = make_project(db, cycle, author, status=ProjectStatus.ADMITTED, category=citywide,
                       cost=140_000_000)
    voter = make_user(verified=True, district_id=district.id)
    services.cast_ballot(db, sheet=context.sheet_of(db, cycle),
                         voter=context.online_voter(db, voter),
                         choices=[Choice(local.id, small.id), Choice(citywide.id, big.id)],
                         secret=SECRET, now=utcnow())
    close_voting(db, cycle)
    tally = tallies.compute_tally(db, cycle=cycle, actor=None, now=utcnow())
    # 1 000 000 + (500 000 - 100 000) left in the district = 1 400 000: the big one fits.
    assert set(tally.data["winners"]) == {str(small.id), str(big.id)}


def test_the_worker_counts_a_closed_vote_again_only_when_its_inputs_changed(db, vote):
    from portal.results.jobs import recount
    from portal.results.models import Tally

    cycle, (a, _b, c), _commission, _meeting, _ = vote
    [made] = recount(db, utcnow())
    tally = db.get(Tally, made)
    assert tally.computed_by_id is None and tally.data["winners"] == [str(a.id), str(c.id)]
    assert recount(db, utcnow()) == []  # nothing changed: no second tally
    tally.inputs_digest = "0" * 64  # as if a late paper ballot had come in since
    db.flush()
    assert len(recount(db, utcnow())) == 1
