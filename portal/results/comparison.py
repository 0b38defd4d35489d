"""An Equal Shares count told for residents, and the greedy outcome of the same ballots.

equalshares.net explains each city's result with what every winner cost its supporters,
why a project with more votes lost, and what "most votes first" would have chosen. This
builds that from the stored ballots of a tally's count. A tally never changes, so its
story is kept per process for as long as the process runs (a handful of cycles), under the
tally's id, digest and time, so that no other count can take it. A count whose inputs no
longer give its digest when its story is first asked for (a ballot annulled before the
approval) gets none: the story is told from today's ballots, which would no longer be
the ones the count was made from.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from fractions import Fraction

from sqlalchemy.orm import Session

from portal.cycles.models import Cycle
from portal.cycles.rules import EQUAL_SHARES_RULES, WinnerRule
from portal.results import rules, shares
from portal.results.counting import TallyInfo
from portal.results.models import Tally
from portal.results.tallies import rule_inputs


@dataclass(frozen=True)
class CategoryStory:
    """One category: the Equal Shares explanation (money in ``unit`` kopecks) and the
    projects "most votes first" would have chosen from the same ballots."""

    unit: int
    shares: shares.SharesExplained
    greedy_winners: frozenset[int]

    def kopecks(self, amount: Fraction) -> int:
        """An amount of the count in whole kopecks, rounded half up (for showing only)."""
        return int(amount * self.unit + Fraction(1, 2))


_stories: dict[tuple, dict[int, CategoryStory] | None] = {}
_lock = threading.Lock()


def equal_shares_story(session: Session, cycle: Cycle,
                       tally: TallyInfo | None) -> dict[int, CategoryStory] | None:
    """Per category id, the story of an Equal Shares tally; None for another rule."""
    if tally is None or tally.rule not in EQUAL_SHARES_RULES:
        return None
    key = (str(session.get_bind().engine.url), tally.id, tally.inputs_digest, tally.computed_at)
    with _lock:
        if key in _stories:
            return _stories[key]
    story = _tell(session, cycle, tally)
    with _lock:
        if len(_stories) > 100:
            _stories.clear()
        _stories[key] = story
    return story


def forget_stories() -> None:
    """Drop every kept story (for tests that change a count's inputs under it)."""
    with _lock:
        _stories.clear()


def _tell(session: Session, cycle: Cycle, tally: TallyInfo) -> dict[int, CategoryStory] | None:
    (categories, projects, ballots, config), unit = rule_inputs(
        session, cycle, rule=tally.rule.value, seed=tally.seed)
    if rules.inputs_digest(categories, projects, ballots, config) != tally.inputs_digest:
        return None
    counted = {c["key"]: c for c in _outcome(session, tally)["categories"]}
    greedy = rules.count(categories, projects, ballots,
                         replace(config, rule=WinnerRule.GREEDY))
    greedy_winners = {c.key: frozenset(int(w) for w in c.winners) for c in greedy.categories}
    ranks = rules.tie_order(projects, config)
    votes = dict.fromkeys((p.id for p in projects), 0)
    for ballot in ballots:
        for choice in set(ballot.choices):
            votes[choice] += ballot.count
    stories = {}
    for category in categories:
        eligible = [p for p in projects if p.category == category.key
                    and (config.min_votes is None or votes[p.id] >= config.min_votes)]
        endowment = counted[category.key]["endowment"]
        if endowment is None:
            continue
        stories[int(category.key)] = CategoryStory(
            unit, shares.explain(eligible, ballots, Fraction(endowment), ranks),
            greedy_winners[category.key])
    return stories


def _outcome(session: Session, tally: TallyInfo) -> dict:
    stored = session.get(Tally, tally.id)
    assert stored is not None  # tallies are never deleted
    return stored.data
