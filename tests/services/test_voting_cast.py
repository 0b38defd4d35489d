"""Casting: the unique constraint is the guard, refusals store nothing, receipts re-show."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.clock import utcnow
from portal.identity.rules import NumberKind, PersonNumber, make_rnokpp
from portal.projects.rules import ProjectStatus
from portal.refusal import Refused
from portal.voting import context, services
from portal.voting.models import Ballot, BallotChoice, Channel
from portal.voting.receipts import receipt_code, receipt_hash
from portal.voting.rules import Choice, Code
from tests.factories.projects import make_project
from tests.factories.voting import make_voting_cycle

SECRET = "testing-person-key-secret-not-for-production"


@pytest.fixture
def election(db, make_user):
    author = make_user()
    cycle = make_voting_cycle(db, make_user(Role.ADMIN))
    projects = [make_project(db, cycle, author, status=ProjectStatus.ADMITTED) for _ in range(3)]
    return cycle, projects


def ballots(db, cycle) -> int:
    return db.scalar(select(func.count()).select_from(Ballot).where(Ballot.cycle_id == cycle.id))


def cast_online(db, cycle, user, projects):
    voter = context.online_voter(db, user)
    choices = [Choice(p.category_id, p.id) for p in projects]
    return services.cast_ballot(db, sheet=context.sheet_of(db, cycle),
                                voter=voter, choices=choices, secret=SECRET,
                                now=utcnow())


def test_an_online_ballot_is_stored_with_its_choices_and_a_receipt(db, make_user, election):
    cycle, projects = election
    voter = make_user(verified=True)
    cast = cast_online(db, cycle, voter, projects[:2])
    ballot = db.get(Ballot, cast.ballot_id)
    assert ballot.channel is Channel.ONLINE and ballot.user_id == voter.id
    assert {c.project_id for c in ballot.choices} == {projects[0].id, projects[1].id}
    assert ballot.receipt_hash == receipt_hash(cast.receipt)
    assert receipt_code(SECRET, ballot.uuid) == cast.receipt
    assert ballot.age_band == "30-44"
    assert db.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "ballot.cast_online", AuditEvent.object_id == str(cycle.id))) == 1


def test_a_second_ballot_gets_already_voted_with_the_existing_receipt(db, make_user, election):
    cycle, projects = election
    voter = make_user(verified=True)
    first = cast_online(db, cycle, voter, projects[:1])
    with pytest.raises(services.AlreadyVoted) as refused:
        cast_online(db, cycle, voter, projects[1:3])
    assert refused.value.receipt == first.receipt
    assert ballots(db, cycle) == 1
    assert db.scalar(select(func.count()).select_from(BallotChoice).where(
        BallotChoice.cycle_id == cycle.id)) == 1


def paper(verifier, stem="400000001", birth=date(1980, 3, 3)):
    return context.paper_voter(number=PersonNumber(NumberKind.RNOKPP, make_rnokpp(stem)),
                                birth_date=birth, resident=True, district_id=None,
                                verifier=verifier, secret=SECRET)


def test_a_paper_ballot_after_an_online_one_is_refused_without_the_receipt(
        db, app, make_user, election):
    cycle, projects = election
    verifier = make_user(Role.VERIFIER)
    resident = make_user()
    from tests.factories.accounts import verify

    verify(db, resident, stem="400000001", birth_date=date(1980, 3, 3))
    cast_online(db, cycle, resident, projects[:1])
    with pytest.raises(services.AlreadyVoted) as refused:
        services.cast_ballot(db, sheet=context.sheet_of(db, cycle), voter=paper(verifier),
                             choices=[Choice(projects[1].category_id, projects[1].id)],
                             secret=SECRET, now=utcnow())
    assert refused.value.receipt is None
    assert ballots(db, cycle) == 1


def test_an_online_ballot_after_a_paper_one_is_refused(db, app, make_user, election):
    cycle, projects = election
    verifier = make_user(Role.VERIFIER)
    cast = services.cast_ballot(db, sheet=context.sheet_of(db, cycle),
                                voter=paper(verifier, "400000002"),
                                choices=[Choice(projects[0].category_id, projects[0].id)],
                                secret=SECRET, now=utcnow())
    assert db.get(Ballot, cast.ballot_id).entered_by_id == verifier.id
    resident = make_user()
    from tests.factories.accounts import verify

    verify(db, resident, stem="400000002", birth_date=date(1980, 3, 3))
    with pytest.raises(services.AlreadyVoted):
        cast_online(db, cycle, resident, projects[1:2])
    assert ballots(db, cycle) == 1
    assert services.own_ballot(db, cycle=cycle, user=resident).id == cast.ballot_id


@pytest.mark.parametrize("case", ["too_many", "other_cycle", "other_category", "duplicate",
                                  "not_admitted", "over_budget", "unverified", "under_age",
                                  "closed"])
def test_a_tampered_or_ineligible_ballot_is_refused_and_stores_nothing(
        db, make_user, election, case):
    cycle, projects = election
    author = make_user()
    voter = make_user(verified=True)
    choices = [Choice(p.category_id, p.id) for p in projects[:1]]
    expected = {
        "too_many": Code.TOO_MANY, "other_cycle": Code.UNKNOWN_PROJECT,
        "other_category": Code.WRONG_CATEGORY, "over_budget": Code.OVER_BUDGET,
        "duplicate": Code.DUPLICATE, "not_admitted": Code.NOT_ADMITTED,
        "unverified": Code.NOT_VERIFIED, "under_age": Code.UNDER_AGE,
        "closed": Code.VOTING_CLOSED,
    }[case]
    now = utcnow()
    if case == "too_many":
        choices = [Choice(p.category_id, p.id) for p in projects]
    elif case == "other_cycle":
        other = make_voting_cycle(db, make_user(Role.ADMIN))
        stranger = make_project(db, other, author, status=ProjectStatus.ADMITTED)
        choices = [Choice(projects[0].category_id, stranger.id)]
    elif case == "other_category":
        from portal.cycles.models import Category
        from portal.cycles.rules import CategoryKind

        second = Category(name="Малі", kind=CategoryKind.CITYWIDE, budget=10**8, min_cost=0,
                          max_cost=10**8)
        cycle.categories.append(second)
        db.flush()
        choices = [Choice(second.id, projects[0].id)]
    elif case == "over_budget":
        from portal.cycles.rules import BallotType

        cycle = make_voting_cycle(db, make_user(Role.ADMIN), ballot_type=BallotType.KNAPSACK,
                                  votes_per_voter=0)
        costly = [make_project(db, cycle, author, status=ProjectStatus.ADMITTED, cost=60_000_000)
                  for _ in range(2)]
        choices = [Choice(p.category_id, p.id) for p in costly]
    elif case == "duplicate":
        choices = choices * 2
    elif case == "not_admitted":
        rejected = make_project(db, cycle, author, status=ProjectStatus.REJECTED)
        choices = [Choice(rejected.category_id, rejected.id)]
    elif case == "unverified":
        voter = make_user()
    elif case == "under_age":
        voter = make_user(verified=True, birth_date=date(now.year - 10, 1, 1))
    elif case == "closed":
        now = cycle.voting_end
    online = context.online_voter(db, voter) or context.Voter(
        "0" * 64, context.voter_facts(db, None), Channel.ONLINE, user_id=voter.id)
    with pytest.raises(Refused) as refused:
        services.cast_ballot(db, sheet=context.sheet_of(db, cycle),
                             voter=online, choices=choices, secret=SECRET,
                             now=now)
    assert expected in [p.code for p in refused.value.problems]
    assert ballots(db, cycle) == 0


def test_parse_choices_refuses_malformed_values():
    assert services.parse_choices(["1:2", "3:4"]) == [Choice(1, 2), Choice(3, 4)]
    assert services.parse_choices(["1:x"]) is None
    assert services.parse_choices(["12"]) is None


def test_the_desk_never_learns_the_receipt_of_an_existing_ballot(db, make_user, election):
    cycle, projects = election
    verifier = make_user(Role.VERIFIER)
    choices = [Choice(projects[0].category_id, projects[0].id)]
    services.cast_ballot(db, sheet=context.sheet_of(db, cycle),
                         voter=paper(verifier, "400000003"), choices=choices,
                         secret=SECRET, now=utcnow())
    with pytest.raises(services.AlreadyVoted) as refused:
        services.cast_ballot(db, sheet=context.sheet_of(db, cycle),
                             voter=paper(make_user(Role.VERIFIER), "400000003"),
                             choices=choices, secret=SECRET, now=utcnow())
    assert refused.value.receipt is None


def test_the_first_cast_of_a_portal_without_an_audit_head_creates_it(db, make_user, election):
    from portal import audit
    from portal.audit.models import AuditHead

    cycle, projects = election
    voter = make_user(verified=True)
    db.execute(AuditEvent.__table__.delete())
    db.execute(AuditHead.__table__.delete())
    db.expire_all()
    cast = cast_online(db, cycle, voter, projects[:1])
    assert db.get(Ballot, cast.ballot_id) is not None
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == 1
    assert db.get(AuditHead, 1).count == 1
    assert audit.verify_chain(db) is None


def test_casts_extend_the_audit_chain_so_that_it_verifies(db, make_user, election):
    from portal import audit

    cycle, projects = election
    for _ in range(3):
        cast_online(db, cycle, make_user(verified=True), projects[:2])
    assert audit.verify_chain(db) is None


def test_the_database_refuses_a_choice_whose_category_or_cycle_is_not_its_projects(
        db, make_user, election):
    """Whatever writes choices (a cast, an import, a hand in the database), a choice names
    its project together with the project's own category and cycle."""
    from sqlalchemy.exc import IntegrityError

    from portal.cycles.models import Category
    from portal.cycles.rules import CategoryKind

    cycle, projects = election
    cast = cast_online(db, cycle, make_user(verified=True), projects[:1])
    other_category = Category(cycle_id=cycle.id, name="Інша", kind=CategoryKind.CITYWIDE,
                              budget=1_000, min_cost=0, max_cost=1_000, position=9)
    db.add(other_category)
    db.flush()
    other_cycle = make_voting_cycle(db, make_user(Role.ADMIN))
    for category_id, cycle_id in ((other_category.id, cycle.id),
                                  (projects[1].category_id, other_cycle.id)):
        with pytest.raises(IntegrityError), db.begin_nested():
            db.execute(BallotChoice.__table__.insert().values(
                ballot_id=cast.ballot_id, cycle_id=cycle_id, category_id=category_id,
                project_id=projects[1].id))
    db.execute(BallotChoice.__table__.insert().values(
        ballot_id=cast.ballot_id, cycle_id=cycle.id, category_id=projects[1].category_id,
        project_id=projects[1].id))
    assert db.scalar(select(func.count()).select_from(BallotChoice).where(
        BallotChoice.ballot_id == cast.ballot_id)) == 2
