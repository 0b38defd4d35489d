"""Who may see what of a vote, and when: named predicates the views, the API and the count
share, so the HTML pages and the JSON never disagree."""

from __future__ import annotations

from datetime import datetime

from portal.cycles.models import Cycle
from portal.cycles.rules import Phase

#: Phases after the close of voting (a suspended cycle is not over).
VOTE_OVER = frozenset({Phase.RESULTS, Phase.IMPLEMENTATION})


def vote_over(cycle: Cycle, now: datetime) -> bool:
    """Voting has closed for good: the board is public and the ballots may be counted."""
    return cycle.phase(now) in VOTE_OVER


def counts_public(cycle: Cycle, now: datetime) -> bool:
    """The counts are shown after the close, or during voting if the cycle publishes them."""
    phase = cycle.phase(now)
    return phase in VOTE_OVER or (cycle.live_counts_during_voting and phase is Phase.VOTING)
