"""A portal cycle's vote as .pb: one file per category (a zip for the cycle) with its own
budget and ballot limits, ``selected`` from the approved tally only, the rule counted; a
tool reading the files (pabutools) computes the portal's winners; and nothing is given
while the vote is open."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from config import TESTING_AUDIT_KEY
from portal.accounts.models import Role
from portal.audit.signing import private_key
from portal.clock import utcnow
from portal.cycles.rules import WinnerRule
from portal.pabulib import format as pabulib
from portal.pabulib.export import export_cycle
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus
from portal.results import rules, tallies
from portal.results.tallies import rule_inputs
from portal.voting.rules import age_band
from tests.factories.accounts import make_user
from tests.factories.community import make_districts
from tests.factories.projects import make_project
from tests.factories.results import cast
from tests.factories.review import held_meeting, seat_commission
from tests.factories.voting import close_voting, make_vote, make_voting_cycle
from tests.services.pabulib_tools import pabutools_winners

KEY = private_key(TESTING_AUDIT_KEY)

# Costs in hryvnias (kopecks / 100): citywide pot 1 000 000, district pot 500 000.
CITY = (600_000, 450_000, 350_000, 200_000)
DISTRICT = (300_000, 250_000, 150_000)
# Ballots: (citywide choices, district choices) by index, and how many cast it.
BALLOTS = (((0,), (0,), 5), ((1, 2), (1,), 4), ((2, 3), (), 3), ((0, 3), (2,), 2),
           ((), (1, 2), 2), ((1,), (0, 2), 1))


@pytest.fixture
def vote(db):
    """A two-category cycle voting now, its ballots cast."""
    (district,) = make_districts(db, "Центральний")
    cycle = make_voting_cycle(db, make_user(db, Role.ADMIN), votes_per_voter=3,
                              district_id=district.id)
    author = make_user(db)
    city_pot, district_pot = cycle.categories
    city = [make_project(db, cycle, author, status=ProjectStatus.ADMITTED, cost=c * 100,
                         category=city_pot) for c in CITY]
    local = [make_project(db, cycle, author, status=ProjectStatus.ADMITTED, cost=c * 100,
                          category=district_pot) for c in DISTRICT]
    for chosen_city, chosen_local, times in BALLOTS:
        for _ in range(times):
            cast(db, cycle, [city[i] for i in chosen_city] + [local[i] for i in chosen_local],
                 district_id=district.id)
    return cycle


def test_nothing_is_given_while_the_vote_is_open(app, db, client, vote):
    runner = app.test_cli_runner()
    for args in (["pb", "export", str(vote.id)], ["pb", "tally", str(vote.id), "--json"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1
        assert "the vote is not closed" in result.output and "META" not in result.output
    response = client.get(f"/voting/{vote.id}/ballots.pb")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "key;value" not in page and "Ще не оприлюднено" in page


@pytest.mark.parametrize("rule", [WinnerRule.GREEDY, WinnerRule.GREEDY_NO_SKIP,
                                  WinnerRule.GREEDY_THRESHOLD, WinnerRule.EQUAL_SHARES,
                                  WinnerRule.EQUAL_SHARES_COMPARISON], ids=str)
def test_each_category_is_a_file_that_counts_to_the_portals_winners(app, db, vote, rule):
    vote.winner_rule = rule
    vote.min_votes = 5 if rule is WinnerRule.GREEDY_THRESHOLD else None
    close_voting(db, vote)
    files = export_cycle(db, vote, now=utcnow())
    assert len(files) == 2
    inputs, _unit = rule_inputs(db, vote)
    outcome = rules.count(*inputs)
    numbers = {str(p.id): str(p.number) for p in vote_projects(db, vote)}
    for (name, text), category, pot in zip(files.items(), outcome.categories,
                                           vote.categories, strict=True):
        data = pabulib.parse(text)
        assert name.endswith(".pb") and data.meta["budget"] == str(pot.budget // 100)
        assert data.meta["max_length"] == "3" and data.meta["rule"] == rule.value
        assert len(data.votes) == sum(n for *_c, n in BALLOTS)  # every voter holds a share
        assert {row["selected"] for row in data.projects} == {"0"}  # nothing approved yet
        portal = {numbers[w] for w in category.winners}
        assert set(rules.count(*pabulib.to_rule_inputs(data)).winners) == portal
        if rule is not WinnerRule.GREEDY_NO_SKIP:  # pabutools has no such rule
            assert pabutools_winners(text, rule, vote.min_votes) == portal


def vote_projects(db, cycle):
    return db.execute(select(Project).where(Project.cycle_id == cycle.id)).scalars().all()


def test_the_web_gives_a_zip_of_one_file_per_category(client, db, vote):
    close_voting(db, vote)
    response = client.get(f"/voting/{vote.id}/ballots.pb")
    assert response.status_code == 200 and response.content_type == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        files = [pabulib.parse(archive.read(n).decode()) for n in archive.namelist()]
    assert [data.meta["budget"] for data in files] == ["1000000", "500000"]
    # Each voter told by age band and district only, numbered 1.. in each file.
    assert files[0].vote_columns == ("voter_id", "vote", "age_band", "district")
    band = age_band(date(1990, 1, 1), utcnow().date())  # the factory's voters' birth date
    assert {(v["age_band"], v["district"]) for v in files[0].votes} == {(band, "Центральний")}


def test_the_command_writes_the_zip(app, db, vote, tmp_path):
    close_voting(db, vote)
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["pb", "export", str(vote.id)])
    assert refused.exit_code == 1 and "--output" in refused.output
    target = tmp_path / "cycle.zip"
    result = runner.invoke(args=["pb", "export", str(vote.id), "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert len(zipfile.ZipFile(target).namelist()) == 2
    counted = json.loads(runner.invoke(args=["pb", "tally", str(vote.id), "--json"]).output)
    assert len(counted["categories"]) == 2


def test_selected_comes_from_the_approved_tally_only(client, db):
    cycle, (a, b, c), commission, meeting, _voters = make_vote(db)
    tally = tallies.compute_tally(db, cycle=cycle, actor=commission, now=utcnow())

    def selected() -> dict[str, str]:
        text = client.get(f"/voting/{cycle.id}/ballots.pb").get_data(as_text=True)
        return {row["project_id"]: row["selected"] for row in pabulib.parse(text).projects}

    assert set(selected().values()) == {"0"}  # counted, not approved: not published
    tallies.approve_tally(db, tally=tally, meeting=meeting, votes=(3, 0, 0), actor=commission,
                          audit_key=KEY, now=utcnow())
    assert selected() == {str(a.number): "1", str(b.number): "0", str(c.number): "1"}


def test_a_pot_counted_with_anothers_leftover_has_it_in_its_budget(db, vote):
    city_pot, district_pot = vote.categories
    vote.leftover_to_category_id = district_pot.id
    close_voting(db, vote)
    commission = make_user(db, Role.COMMISSION)
    seat_commission(db, vote, commission, size=5)
    meeting = held_meeting(db, vote, commission, present=3)
    tally = tallies.compute_tally(db, cycle=vote, actor=commission, now=utcnow())
    tallies.approve_tally(db, tally=tally, meeting=meeting, votes=(3, 0, 0), actor=commission,
                          audit_key=KEY, now=utcnow())
    counted = {c["key"]: c for c in tally.data["categories"]}[str(district_pot.id)]
    assert counted["received"] > 0
    files = list(export_cycle(db, vote, now=utcnow()).values())
    budget = int(pabulib.parse(files[1]).meta["budget"])
    assert budget * 100 == district_pot.budget + counted["received"] * tally.data["money_unit"]
    winners = {row["project_id"] for row in pabulib.parse(files[1]).projects
               if row["selected"] == "1"}
    assert winners == pabutools_winners(files[1], WinnerRule.GREEDY, None)
