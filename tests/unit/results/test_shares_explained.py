"""Equal Shares told round by round: prices per supporter, why more votes lost, and that
the telling funds exactly what the count funded."""

import random

import pytest

from portal.cycles.rules import WinnerRule
from portal.results.rules import Ballot, Category, Project, RuleConfig, count, tie_order
from portal.results.shares import explain

# The stadium (600) of voters 1-6, the library (400) of voters 7-10, the square (400) of
# voters 1-5, on a budget of 1 000: greedy takes stadium and square, Equal Shares stadium
# and library.
PROJECTS = [Project("stadium", "a", 600, 1), Project("library", "a", 400, 2),
            Project("square", "a", 400, 3)]
BALLOTS = [Ballot(("stadium", "square"), 5), Ballot(("stadium",), 1), Ballot(("library",), 4)]
CONFIG = RuleConfig(WinnerRule.EQUAL_SHARES)


def told(projects, ballots, budget):
    outcome = count([Category("a", "A", budget)], projects, ballots, CONFIG)
    category = outcome.categories[0]
    return outcome, explain(projects, ballots, category.endowment, tie_order(projects, CONFIG))


def test_each_winner_s_price_per_supporter_in_funding_order():
    outcome, story = told(PROJECTS, BALLOTS, 1000)
    assert outcome.winners == ("stadium", "library")
    assert story.voters == 10
    assert story.endowment == 179  # add1 raised each share from 100 while the outcome fit
    assert [(p.project_id, p.supporters, p.price, p.capped) for p in story.payments] == [
        ("stadium", 6, 100, False), ("library", 4, 100, False)]


def test_a_project_with_more_votes_lost_because_its_supporters_spent_their_shares():
    _outcome, story = told(PROJECTS, BALLOTS, 1000)
    (square,) = story.shortfalls
    assert (square.project_id, square.votes, square.cost) == ("square", 5, 400)
    assert square.left == 5 * (179 - 100)  # 395, less than its 400
    assert square.spent_on == (("stadium", 500),)


def test_a_supporter_with_less_than_the_price_pays_all_they_have():
    # Voter group x (1 voter) chose p and q; p is funded first and leaves x little for q.
    projects = [Project("p", "a", 30, 1), Project("q", "a", 36, 2)]
    ballots = [Ballot(("p", "q"), 1), Ballot(("p",), 2), Ballot(("q",), 2)]
    outcome, story = told(projects, ballots, 70)
    assert set(outcome.winners) == {"p", "q"}
    payments = {p.project_id: p for p in story.payments}
    assert payments["p"].price == 10 and not payments["p"].capped
    assert payments["q"].capped  # x had less than q's price left and gave it all
    assert payments["q"].price * 2 + (story.endowment - 10) == 36


@pytest.mark.parametrize("seed", range(40))
def test_the_telling_funds_exactly_what_the_count_funded(seed):
    draw = random.Random(seed)
    projects = [Project(f"p{n}", "a", draw.randint(1, 40) * 10, n) for n in range(6)]
    ballots = [Ballot(tuple(sorted({draw.choice(projects).id for _ in range(draw.randint(1, 3))})),
                      draw.randint(1, 5)) for _ in range(draw.randint(3, 12))]
    outcome, story = told(projects, ballots, draw.randint(20, 80) * 10)
    assert {p.project_id for p in story.payments} == set(outcome.winners)
    assert len(story.payments) == len(outcome.winners)
    spent = sum(p.cost for p in projects if p.id in outcome.winners)
    assert spent <= outcome.categories[0].budget
    for payment in story.payments:
        assert 0 < payment.price <= story.endowment
    fewest = min((p.supporters for p in story.payments), default=0)
    for shortfall in story.shortfalls:
        assert shortfall.project_id not in outcome.winners and shortfall.votes > fewest
        assert shortfall.left < shortfall.cost
        assert sum(amount for _winner, amount in shortfall.spent_on) <= (
            shortfall.votes * story.endowment)
