"""A cycle counted by ``equalshares/add1-comparison``: the count takes the outcome more
voters prefer, and the results page says the rule in words and tells Equal Shares' rounds
only when its outcome stood."""

from __future__ import annotations

import re

from portal.clock import utcnow
from portal.cycles.rules import WinnerRule
from portal.results import tallies
from tests.factories.results import make_shares_vote


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html).replace("\u00a0", " "))


def test_greedy_is_taken_when_more_voters_prefer_it_and_the_page_says_so(client, db):
    # Equal Shares funds the stadium and the library, most votes first the stadium and the
    # square: voters 1-5 (stadium and square) prefer the latter, voters 7-10 (library) the
    # former, voter 6 (stadium only) neither: 5 against 4, so the greedy outcome is taken.
    cycle, (stadium, library, square), shares_tally = make_shares_vote(db)
    assert set(shares_tally.data["winners"]) == {str(stadium.id), str(library.id)}
    cycle.winner_rule = WinnerRule.EQUAL_SHARES_COMPARISON
    tally = tallies.compute_tally(db, cycle=cycle, actor=None, now=utcnow())
    assert set(tally.data["winners"]) == {str(stadium.id), str(square.id)}
    assert tally.data["categories"][0]["endowment"] is None
    page = _text(client.get(f"/voting/{cycle.id}/results").get_data(as_text=True))
    assert "метод рівних часток, потім порівняння з «найбільше голосів першими»" in page.lower()
    assert "equalshares" not in page
    assert "Як метод рівних часток обрав цих переможців" not in page
