"""The worker counts a closed vote again whenever what it counts has changed: at the close
(the count is ready when the commission meets), and after late paper ballots or annulled
ones, until the commission approves a tally. A count whose inputs are those of the newest
tally is not stored twice (``Tally.inputs_digest``)."""

from __future__ import annotations

from datetime import datetime

from huey import crontab
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.cycles.rules import TieRule
from portal.db import db_session
from portal.i18n import _l
from portal.jobs import periodic
from portal.refusal import Refused
from portal.results import rules, tallies
from portal.results.models import Tally
from portal.voting.permissions import vote_over


def recount(session: Session, now: datetime) -> list[int]:
    """Count again each closed, unapproved vote whose inputs changed; the new tallies' ids."""
    made = []
    approved = select(Tally.cycle_id).where(Tally.approved_at.is_not(None))
    for cycle in session.scalars(select(Cycle).where(Cycle.id.not_in(approved),
                                                     Cycle.suspended_at.is_(None))):
        if not vote_over(cycle, now):
            continue
        seed = tallies.lottery_seed(session, cycle)
        if cycle.tie_rule is TieRule.LOTTERY and seed is None:
            continue  # the commission draws the lottery's seed first
        newest = session.scalar(select(Tally.inputs_digest).where(Tally.cycle_id == cycle.id)
                                .order_by(Tally.id.desc()).limit(1))
        inputs, _unit = tallies.rule_inputs(session, cycle, seed=seed)
        if newest == rules.inputs_digest(*inputs):
            continue
        try:
            made.append(tallies.compute_tally(session, cycle=cycle, actor=None, now=now).id)
        except Refused:
            continue  # nothing the worker can count now; the commission's page says why
    return made


@periodic(crontab(minute="*/15"), label=_l("Count again the closed votes whose ballots changed"))
def recount_closed_votes() -> None:
    recount(db_session(), utcnow())
