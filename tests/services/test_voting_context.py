"""What a cast reads before the ballot: the cycle's rules, with its phase extensions and
suspension, and the voter behind the account, in one query of plain columns. It must agree
with the rules worked out from the ORM's cycle, which every other page uses."""

from __future__ import annotations

from datetime import timedelta

from portal.accounts.models import Role
from portal.clock import utcnow
from portal.cycles.models import PhaseExtension
from portal.cycles.rules import Phase
from portal.identity.services import active_verification, revoke_verification
from portal.voting import context
from portal.voting.models import Channel
from portal.voting.rules import Code, window_problems
from tests.factories.voting import make_voting_cycle


def test_an_unknown_cycle_has_no_context(db, make_user):
    assert context.casting_context(db, 999_999, make_user(verified=True).id) is None


def test_the_context_holds_the_verified_voter_and_the_cycles_rules(db, make_user):
    cycle = make_voting_cycle(db, make_user(Role.ADMIN), votes_per_voter=4, min_age=18)
    user = make_user(verified=True)
    found = context.casting_context(db, cycle.id, user.id)
    verification = active_verification(db, user)
    assert found.rules == context.cycle_rules(cycle)
    assert found.rules.votes_per_voter == 4 and found.rules.min_age == 18
    assert found.voter == context.Voter(
        verification.person_key, context.voter_facts(db, verification),
        Channel.ONLINE, user_id=user.id)
    assert found.sheet_key == context.SheetKey(cycle.id, cycle.budget_year,
                                                cycle.registration_series, cycle.created_at,
                                                cycle.last_project_number)


def test_an_account_without_an_active_verification_has_no_voter(db, make_user):
    cycle = make_voting_cycle(db, make_user(Role.ADMIN))
    unverified = make_user()
    assert context.casting_context(db, cycle.id, unverified.id).voter is None
    revoked = make_user(verified=True)
    revoke_verification(db, verification=active_verification(db, revoked),
                        reason="Документ недійсний", actor=make_user(), now=utcnow())
    db.flush()
    assert context.casting_context(db, cycle.id, revoked.id).voter is None


def test_extensions_and_a_suspension_reach_the_rules_as_they_do_on_every_other_page(
        db, make_user):
    cycle = make_voting_cycle(db, make_user(Role.ADMIN))
    user = make_user(verified=True)
    now = utcnow()
    longer = cycle.voting_end + timedelta(days=3)
    for phase, previous, new_end in (
            (Phase.VOTING, cycle.voting_end, longer - timedelta(days=1)),
            (Phase.VOTING, longer - timedelta(days=1), longer),
            (Phase.REVIEW, cycle.review_end, cycle.review_end + timedelta(hours=2))):
        db.add(PhaseExtension(cycle_id=cycle.id, phase=phase, previous_end=previous,
                              new_end=new_end, reason="Збій зв'язку", at=now))
    db.flush()
    db.expire(cycle)
    rules = context.casting_context(db, cycle.id, user.id).rules
    assert rules == context.cycle_rules(cycle)
    assert rules.closes == longer
    assert rules.opens == cycle.review_end + timedelta(hours=2)
    cycle.suspended_at = now - timedelta(minutes=1)
    cycle.suspension_reason = "Перевірка"
    db.flush()
    rules = context.casting_context(db, cycle.id, user.id).rules
    assert rules.suspended
    assert Code.VOTING_SUSPENDED in [p.code for p in window_problems(rules, now)]
