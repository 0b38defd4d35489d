"""Counting the winners, approving them, annulling ballots: the commission's use cases.

The count itself is ``portal.results.rules.count``, a pure function; this module builds its
inputs from the stored ballots, stores the outcome with a digest of those inputs, and
records the commission's decisions through the review part (``record_cycle_decision``),
so each one is taken at a meeting with a quorum and a majority. Every function flushes and
never commits; it refuses with ``Refused`` and the problems of ``portal.results.messages``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.accounts.models import User
from portal.cycles.models import Cycle
from portal.cycles.rules import TieRule, WinnerRule
from portal.identity.rules import NumberKind, NumberProblem, parse_person_number, person_key
from portal.implementation.funding import fund_winners
from portal.projects import services as project_services
from portal.projects.models import Project
from portal.projects.rules import ON_BALLOT, Event, ProjectStatus
from portal.refusal import Refused
from portal.results import rules
from portal.results.messages import PROBLEMS, review_problem
from portal.results.models import Tally
from portal.review.decisions import cycle_decisions_in_force, record_cycle_decision
from portal.review.models import Meeting
from portal.review.rules import DecisionKind
from portal.voting.models import Ballot, BallotChoice
from portal.voting.permissions import vote_over

Inputs = tuple[list[rules.Category], list[rules.Project], list[rules.Ballot], rules.RuleConfig]


def rule_inputs(session: Session, cycle: Cycle, *, rule: str | None = None,
                seed: int | None = None) -> tuple[Inputs, int]:
    """The pure rule's inputs (categories, projects on the ballot, valid ballots, config)
    and the money unit they are in (kopecks per unit).

    Project keys are the database ids as text; the tie order is the registration number.
    Identical ballots are grouped with a count, as ``rules.count`` accepts. Money is counted
    in whole hryvnias when every amount is whole (see ``money_unit``).
    """
    on_ballot = session.execute(
        select(Project).where(Project.cycle_id == cycle.id, Project.status.in_(ON_BALLOT))
        .order_by(Project.number)).scalars().all()
    unit = money_unit([c.budget for c in cycle.categories] + [p.total_cost for p in on_ballot])
    target = cycle.leftover_to_category_id
    categories = [
        rules.Category(str(c.id), c.name, c.budget // unit,
                       str(target) if target is not None and target != c.id else None)
        for c in cycle.categories
    ]
    projects = [rules.Project(str(p.id), str(p.category_id), p.total_cost // unit, p.number or 0)
                for p in on_ballot]
    rows = session.execute(
        select(BallotChoice.ballot_id, BallotChoice.project_id)
        .join(Ballot, Ballot.id == BallotChoice.ballot_id)
        .where(Ballot.cycle_id == cycle.id, Ballot.annulled_at.is_(None))
        .order_by(BallotChoice.ballot_id)
    ).all()
    choices: dict[int, list[str]] = {}
    for ballot_id, project_id in rows:
        choices.setdefault(ballot_id, []).append(str(project_id))
    grouped: dict[tuple[str, ...], int] = {}
    for chosen in choices.values():
        key = tuple(sorted(chosen))
        grouped[key] = grouped.get(key, 0) + 1
    ballots = [rules.Ballot(key, n) for key, n in sorted(grouped.items())]
    config = rules.RuleConfig(
        WinnerRule(rule) if rule else cycle.winner_rule, cycle.tie_rule,
        seed=seed, min_votes=cycle.min_votes,
    )
    return (categories, projects, ballots, config), unit


def money_unit(amounts: Sequence[int]) -> int:
    """100 (count in hryvnias) when every amount in kopecks is whole, else 1.

    The completion of Equal Shares raises each voter's share one currency unit at a time,
    as pabulib defines it; counting kopecks would make that a hundred times slower and
    would not be the published method. Greedy rules give the same result either way.
    """
    return 100 if all(amount % 100 == 0 for amount in amounts) else 1


def outcome_document(outcome: rules.Outcome, unit: int) -> dict[str, Any]:
    """Everything the outcome says, as JSON (fractions as text); money in ``unit`` kopecks."""
    document = asdict(outcome)
    document["money_unit"] = unit
    for category in document["categories"]:
        if category["endowment"] is not None:
            category["endowment"] = str(category["endowment"])
        for row in category["projects"]:
            row["reason"] = row["reason"] and str(row["reason"])
    document["rule"] = outcome.rule.value
    document["tie_rule"] = outcome.tie_rule.value
    return document


def lottery_seed(session: Session, cycle: Cycle) -> int | None:
    decisions = cycle_decisions_in_force(session, cycle, DecisionKind.LOTTERY_SEED)
    return int(decisions[-1].data["seed"]) if decisions else None


def compute_tally(session: Session, *, cycle: Cycle, actor: User | None, now: datetime) -> Tally:
    """Count the closed vote under the cycle's rules and store the outcome."""
    if not vote_over(cycle, now):
        raise Refused(PROBLEMS("voting_not_over"))
    seed = None
    if cycle.tie_rule is TieRule.LOTTERY:
        seed = lottery_seed(session, cycle)
        if seed is None:
            raise Refused(PROBLEMS("no_seed"))
    inputs, unit = rule_inputs(session, cycle, seed=seed)
    outcome = rules.count(*inputs)
    tally = Tally(
        cycle_id=cycle.id, rule=cycle.winner_rule, tie_rule=cycle.tie_rule, seed=seed,
        min_votes=cycle.min_votes, leftover_to_category_id=cycle.leftover_to_category_id,
        ballots=sum(b.count for b in inputs[2]), inputs_digest=rules.inputs_digest(*inputs),
        outcome=json.dumps(outcome_document(outcome, unit), ensure_ascii=False, sort_keys=True),
        computed_at=now, computed_by_id=actor.id if actor else None,
    )
    session.add(tally)
    session.flush()
    audit.record(session, actor=actor, action="voting.tallied", object_type="cycle",
                 object_id=cycle.id,
                 details={"tally": tally.id, "digest": tally.inputs_digest,
                          "winners": len(outcome.winners)}, at=now)
    return tally


def _decide(session: Session, *, actor: User, meeting: Meeting, cycle: Cycle, kind: DecisionKind,
            votes: tuple[int, int, int], payload: dict[str, Any], reason_text: str = "",
            now: datetime):
    if meeting.cycle_id != cycle.id:
        raise Refused(PROBLEMS("decision_not_taken"))
    try:
        return record_cycle_decision(
            session, actor=actor, meeting=meeting, kind=kind, votes_for=votes[0],
            votes_against=votes[1], abstained=votes[2], payload=payload,
            reason_text=reason_text, now=now)
    except Refused as refused:
        raise Refused(review_problem(refused)) from None


def approve_tally(
    session: Session, *, tally: Tally, meeting: Meeting, votes: tuple[int, int, int],
    actor: User, audit_key: Ed25519PrivateKey, now: datetime,
) -> Tally:
    """The commission approves a tally: its winners become final and the projects move.

    The audit log is then anchored by a signed checkpoint (``audit_key``), in the same
    transaction: the approval and the signature over it are kept together or not at all
    (a checkpoint taken after the commit could be lost to a crash, leaving approved results
    unanchored, and could never be rolled back with a failed approval), and the chain's
    head, locked since the approval's event, cannot move in between. A log that does not
    check out since the last checkpoint refuses the approval: results are not made final
    on a record known to be tampered with.
    """
    cycle = session.get(Cycle, tally.cycle_id)
    assert cycle is not None
    if session.scalar(select(Tally.id).where(Tally.cycle_id == cycle.id,
                                             Tally.approved_at.is_not(None))):
        raise Refused(PROBLEMS("already_approved"))
    seed = tally.seed
    inputs, _unit = rule_inputs(session, cycle, seed=seed)
    if rules.inputs_digest(*inputs) != tally.inputs_digest:
        raise Refused(PROBLEMS("stale_tally"))
    # A savepoint: a refusal (of the decision or of the checkpoint) leaves this session as
    # it found it, so the page that shows the refusal shows the tally unapproved.
    with session.begin_nested():
        winners = set(tally.data["winners"])
        decision = _decide(session, actor=actor, meeting=meeting, cycle=cycle,
                           kind=DecisionKind.APPROVE_RESULTS, votes=votes, now=now,
                           payload={"tally": tally.id, "inputs_digest": tally.inputs_digest,
                                    "winners": sorted(winners, key=int)})
        tally.approved_at = now
        tally.approved_by_decision_id = decision.id
        session.flush()
        for project in session.execute(
            select(Project).where(Project.cycle_id == cycle.id,
                                  Project.status == ProjectStatus.ADMITTED)
            .order_by(Project.number)
        ).scalars():
            event = Event.SELECT_WINNER if str(project.id) in winners else Event.MARK_NOT_SELECTED
            project_services.change_status(session, project=project, event=event, actor=actor,
                                           now=now,
                                           details={"decision": decision.id, "tally": tally.id})
        audit.record(session, actor=actor, action="voting.results_approved", object_type="cycle",
                     object_id=cycle.id, details={"tally": tally.id, "decision": decision.id},
                     at=now)
        _fund_approved_winners(session, cycle=cycle, actor=actor, now=now)
        audit.take_checkpoint(session, key=audit_key, now=now)
    return tally


def _fund_approved_winners(session: Session, *, cycle: Cycle, actor: User, now: datetime) -> None:
    """Winners become funding lines of the measure that finances the cycle, if it has one.

    A cycle not yet linked to a measure (or budgeted outside the program's term) keeps its
    approved results; staff fund the winners later from the measure's page, and the audit
    log says why it did not happen here.
    """
    if cycle.measure_id is None:
        return
    try:
        with session.begin_nested():
            fund_winners(session, cycle=cycle, actor=actor, now=now)
    except Refused as refused:
        audit.record(session, actor=actor, action="programs.winners_not_funded",
                     object_type="cycle", object_id=cycle.id,
                     details={"reason": str(refused.code)}, at=now)


def record_seed(session: Session, *, cycle: Cycle, meeting: Meeting, seed: int,
                votes: tuple[int, int, int], actor: User, now: datetime):
    """The lottery seed drawn at a meeting, which decides every tie of the count."""
    return _decide(session, actor=actor, meeting=meeting, cycle=cycle,
                   kind=DecisionKind.LOTTERY_SEED, votes=votes, payload={"seed": seed}, now=now)


def ballots_named(session: Session, cycle: Cycle, lines: Sequence[str],
                  secret: str) -> list[Ballot]:
    """The ballots named one per line by receipt hash or by the person's number."""
    found: list[Ballot] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if len(line) == 64 and all(ch in "0123456789abcdef" for ch in line.lower()):
            where = Ballot.receipt_hash == line.lower()
        else:
            parsed = parse_person_number(line, NumberKind.RNOKPP)
            if isinstance(parsed, NumberProblem):
                parsed = parse_person_number(line, NumberKind.DOCUMENT)
            if isinstance(parsed, NumberProblem):
                raise Refused(PROBLEMS("bad_line", line=number))
            where = Ballot.person_key == person_key(parsed, secret)
        ballot = session.execute(
            select(Ballot).where(Ballot.cycle_id == cycle.id, where)).scalar_one_or_none()
        if ballot is None:
            raise Refused(PROBLEMS("unknown_ballot", line=number))
        if ballot.annulled or ballot in found:
            raise Refused(PROBLEMS("already_annulled", line=number))
        found.append(ballot)
    if not found:
        raise Refused(PROBLEMS("nothing_to_annul"))
    return found


def annul_ballots(
    session: Session, *, cycle: Cycle, lines: Sequence[str], reason: str, meeting: Meeting,
    votes: tuple[int, int, int], actor: User, secret: str, now: datetime,
) -> list[Ballot]:
    """Annul the listed ballots by a decision at a meeting; they stay on the board, marked."""
    if not reason.strip():
        raise Refused(PROBLEMS("reason_required"))
    if session.scalar(select(Tally.id).where(Tally.cycle_id == cycle.id,
                                             Tally.approved_at.is_not(None))):
        raise Refused(PROBLEMS("already_approved"))
    ballots = ballots_named(session, cycle, lines, secret)
    decision = _decide(session, actor=actor, meeting=meeting, cycle=cycle,
                       kind=DecisionKind.ANNUL_BALLOTS, votes=votes, now=now,
                       reason_text=reason,
                       payload={"ballots": [b.receipt_hash for b in ballots]})
    for ballot in ballots:
        ballot.annulled_at = now
        ballot.annulled_by_decision_id = decision.id
        ballot.annul_reason = reason.strip()
    session.flush()
    audit.record(session, actor=actor, action="voting.ballots_annulled", object_type="cycle",
                 object_id=cycle.id, details={"decision": decision.id, "ballots": len(ballots)},
                 at=now)
    return ballots
