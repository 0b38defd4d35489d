"""The whole demo, loaded once for the module: three communities, each with its own rules,
accounts and pages; Bakhmut a city that looks real (districts of different sizes and
turnout, online and paper ballots, distinct texts, a photo for every project) with the 2019
count it reproduces; Zvenyhorodka's knapsack ballots whose Equal Shares winners are the
pabulib file's; Talne's school budgets; a second load that does nothing at once, and the
guide."""

from __future__ import annotations

import io
import re
import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale
from PIL import Image
from sqlalchemy import func, select

from config import TESTING_AUDIT_KEY
from portal import create_app
from portal.accounts.models import Role, User, UserRole
from portal.audit.signing import private_key
from portal.clock import utcnow
from portal.community.models import District
from portal.cycles.models import Cycle
from portal.cycles.rules import BallotType, Phase, VotesScope, WinnerRule
from portal.demo import talne, zvenyhorodka
from portal.demo.cli import account_lines
from portal.demo.cycles import DATA, open_cycle_name
from portal.demo.loading import DEMO_VERSION, load_demo, loaded_mark
from portal.demo.photos import scene
from portal.demo.voting import FINISHED, SCHOOL
from portal.identity.models import Verification
from portal.projects.models import Attachment, Project
from portal.projects.queries import cycle_counters
from portal.projects.rules import ProjectStatus
from portal.results.models import Tally
from portal.tenancy import scope
from portal.tenancy.models import Community
from portal.uploads import AttachmentKind, open_store
from portal.voting.context import online_voter, sheet_of
from portal.voting.models import Ballot, BallotChoice, Channel
from portal.voting.rules import Choice, Code, check_ballot
from portal.voting.services import cast_ballot
from tests.conftest import joined_transaction, sign_in
from tests.factories.communities import forget as forget_communities

pytestmark = pytest.mark.module_transaction


@pytest.fixture(scope="module")
def demo(app, module_db):
    with app.test_request_context("/"):
        started = time.monotonic()
        loaded = load_demo(module_db, secret=app.config["PERSON_KEY_SECRET"],
                           audit_key=private_key(TESTING_AUDIT_KEY),
                           store=open_store(app.config, module_db), now=utcnow())
        module_db.commit()
        seconds = time.monotonic() - started
    forget_communities()  # requests find the communities just made
    yield loaded, seconds
    forget_communities()  # and, once rolled back, not any more


def _cycle(db, name: str) -> Cycle:
    return db.execute(select(Cycle).where(Cycle.name == name)).scalar_one()


def _ballots_by(db, cycle: Cycle, column) -> Counter:
    return Counter(dict(db.execute(select(column, func.count()).where(
        Ballot.cycle_id == cycle.id).group_by(column)).all()))


def test_the_2019_vote_keeps_its_official_figures_and_winners(demo, db, app_ctx):
    finished = _cycle(db, FINISHED)
    assert db.scalar(select(func.count()).select_from(Ballot)
                     .where(Ballot.cycle_id == finished.id)) == 16_500
    tally = db.execute(select(Tally).where(Tally.cycle_id == finished.id)).scalar_one()
    assert tally.approved_at is not None and len(tally.data["winners"]) == 14
    assert db.scalar(select(func.count()).select_from(Project).where(
        Project.cycle_id == finished.id, Project.status == ProjectStatus.WINNER)) == 14


def test_districts_differ_in_size_and_turnout_and_both_channels_are_used(demo, db, app_ctx):
    finished = _cycle(db, FINISHED)
    by_district = _ballots_by(db, finished, Ballot.district_id)
    assert set(by_district) == set(db.execute(select(District.id)).scalars())
    assert len(set(by_district.values())) == len(by_district)  # no two districts alike
    assert max(by_district.values()) > 2.5 * min(by_district.values())

    channels = _ballots_by(db, finished, Ballot.channel)
    assert set(channels) == {Channel.ONLINE, Channel.PAPER}
    assert 0.3 < channels[Channel.ONLINE] / 16_500 < 0.8
    online_share = {
        district: db.scalar(select(func.count()).select_from(Ballot).where(
            Ballot.cycle_id == finished.id, Ballot.district_id == district,
            Ballot.channel == Channel.ONLINE)) / count
        for district, count in by_district.items()}
    assert max(online_share.values()) - min(online_share.values()) > 0.2
    # Online ballots belong to accounts, paper ones were entered at the desk on working days.
    assert db.scalar(select(func.count()).select_from(Ballot).where(
        Ballot.cycle_id == finished.id, Ballot.channel == Channel.ONLINE,
        Ballot.user_id.is_(None))) == 0
    paper_days = db.execute(select(Ballot.cast_at).where(
        Ballot.cycle_id == finished.id, Ballot.channel == Channel.PAPER)).scalars().all()
    assert all(entered_by.weekday() < 5 for entered_by in paper_days[:500])

    school = _cycle(db, SCHOOL)
    assert set(_ballots_by(db, school, Ballot.channel)) == {Channel.ONLINE, Channel.PAPER}
    assert len(_ballots_by(db, school, Ballot.district_id)) > 1


def test_every_project_text_is_its_own(demo, db, app_ctx):
    for name in (FINISHED, SCHOOL):
        cycle = _cycle(db, name)
        summaries = db.execute(select(Project.summary)
                               .where(Project.cycle_id == cycle.id)).scalars().all()
        assert len(summaries) >= 8 and len(set(summaries)) == len(summaries)
        assert all(len(summary) > 20 for summary in summaries)
    assert len({item["summary"] for item in DATA["finished"]["projects"]}) == 34


def test_what_the_2019_cycle_says_of_itself_agrees_with_its_counters(demo, db, app_ctx):
    finished = _cycle(db, FINISHED)
    counters = cycle_counters(db, finished)
    assert (counters.submitted, counters.withdrawn, counters.admitted,
            counters.authors) == (34, 2, 28, 29)
    assert (f"{counters.authors} авторів подали {counters.submitted} проєкти; "
            f"{counters.withdrawn} проєкти їхні автори згодом відкликали. Комісія допустила до "
            f"голосування {counters.admitted} проєктів") in finished.description


def test_every_demo_project_has_a_small_generated_photo(demo, app, db, app_ctx):
    store = open_store(app.config, db)
    projects = db.execute(select(Project).join(Cycle).where(
        Cycle.name.in_((FINISHED, SCHOOL)))).scalars().all()
    assert len(projects) == 42
    for project in projects:
        photos = [a for a in project.attachments if a.kind is AttachmentKind.PHOTO]
        assert len(photos) == 1
        data = store.read(photos[0].stored_name)
        assert len(data) == photos[0].size < 60_000
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG" and image.size == (480, 320)
    # The same title always gives the same picture, different titles different ones.
    assert scene(projects[0].title) == scene(projects[0].title)
    assert len({scene(p.title) for p in projects[:6]}) == 6


def test_the_demo_discussion_shows_replies_marks_and_moderation(demo, db, app_ctx):
    from portal.discussion.models import Comment
    from portal.discussion.rules import HideReason, Voice
    from portal.discussion.services import reported

    comments = db.scalars(select(Comment).order_by(Comment.id)).all()
    assert len(comments) >= 7
    assert {Voice.AUTHOR, Voice.DEPARTMENT, Voice.RESIDENT} <= {c.voice for c in comments}
    assert any(c.parent_id and c.voice is Voice.AUTHOR for c in comments)
    assert [c.hidden_reason for c in comments if c.hidden] == [HideReason.SPAM]
    assert any(c.edited_at and c.revisions for c in comments)
    assert len(reported(db)) == 1
    # The open cycle's project and the finished cycle's first winner.
    assert len({c.project_id for c in comments}) == 2


def test_a_second_load_does_nothing_and_returns_at_once(demo, app, db, app_ctx):
    loaded, first_seconds = demo
    assert loaded.fresh and loaded_mark(db).version == DEMO_VERSION

    def counts():
        with scope.everywhere():  # every community's rows
            return [db.scalar(select(func.count()).select_from(model))
                    for model in (Community, Ballot, Project, Attachment, Cycle, UserRole)]

    before = counts()
    started = time.monotonic()
    again = load_demo(db, secret=app.config["PERSON_KEY_SECRET"],
                      audit_key=private_key(TESTING_AUDIT_KEY),
                      store=open_store(app.config, db), now=utcnow())
    seconds = time.monotonic() - started
    assert not again.fresh and again.at == loaded.at
    assert counts() == before
    assert seconds < 0.5 and seconds < first_seconds / 20

    # make run's load: nothing to do, then the guide.
    result = app.test_cli_runner().invoke(args=["demo", "load", "--guide", "--language", "en"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("The demo is already loaded")
    assert "Password of every demo account: bakhmut-budget-demo-2026" in result.output
    assert counts() == before


def test_the_guide_names_the_accounts_the_vote_and_the_outbox(demo, app, db):
    result = app.test_cli_runner().invoke(args=["demo", "guide", "--language", "en"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert app.config["PUBLIC_URL"].rstrip("/") in out
    assert "resident@demo.bakhmut.ua   a verified resident" in out
    assert "newcomer@demo.bakhmut.ua   registered, not verified yet" in out
    school = _cycle(db, SCHOOL)
    assert f"«{SCHOOL}» — voting now, until " in out and f"/cycles/{school.id}" in out
    assert str(Path(app.config["MAIL_OUTBOX"]).resolve()) in out
    # Each community with its address, its accounts and its cycles under its prefix.
    assert ("Звенигородська міська територіальна громада (КАТОТТГ UA71020130000086047): "
            "http://portal.test/zvenyhorodka/") in out
    assert ("Тальнівська міська територіальна громада (КАТОТТГ UA71020290000032540): "
            "http://portal.test/talne/") in out
    assert "admin@demo.talne.ua      the community's administrator" in out
    assert "pupil@demo.talne.ua      a pupil verified here" in out
    with scope.inside(_communities(db)["talne"].id):
        voting = _cycle(db, talne.open_cycle_name(utcnow()))
    assert f"«{voting.name}» — voting now, until " in out
    assert f"http://portal.test/talne/cycles/{voting.id}" in out
    assert "/zvenyhorodka/voting/" in out and "results: " in out
    ukrainian = app.test_cli_runner().invoke(args=["demo", "guide", "--language", "uk"])
    assert ukrainian.exit_code == 0 and "голосування триває" in ukrainian.output


# The three communities ------------------------------------------------------------------

CODES = {"bakhmut": "UA14020010000053517", "zvenyhorodka": "UA71020130000086047",
         "talne": "UA71020290000032540"}


def _communities(db) -> dict[str, Community]:
    return {c.slug: c for c in db.scalars(select(Community).order_by(Community.id))}


def _cycles_of(db, community: Community) -> dict[str, Cycle]:
    with scope.inside(community.id):
        return {c.name: c for c in db.scalars(select(Cycle).order_by(Cycle.id))}


def test_three_real_hromadas_each_with_its_own_office(demo, db, app_ctx):
    communities = _communities(db)
    assert {slug: c.code for slug, c in communities.items()} == CODES
    assert communities["zvenyhorodka"].locality_list == ("Звенигородка", "Моринці")
    assert communities["talne"].locality_list[0] == "Тальне"
    assert [c.admits_displaced for c in communities.values()] == [False, True, False]
    for slug, community in communities.items():
        with scope.inside(community.id):
            assert {d.name for d in db.scalars(select(District))} >= set(
                community.locality_list if slug != "bakhmut" else ["Центральний", "Ступки"])
        # Its own administrator, commission secretary, staff and verifier, and no one
        # else's: roles are the community's, accounts the platform's.
        offices = dict(db.execute(
            select(User.email, UserRole.role).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.community_id == community.id)).all())
        assert offices == {f"admin@demo.{slug}.ua": Role.ADMIN,
                           f"commission@demo.{slug}.ua": Role.COMMISSION,
                           f"staff@demo.{slug}.ua": Role.STAFF,
                           f"verifier@demo.{slug}.ua": Role.VERIFIER}
    # Residents are verified where they live.
    lives = dict(db.execute(select(User.email, Verification.community_id).join(
        Verification, Verification.user_id == User.id).where(User.email.in_(
            ["resident@demo.bakhmut.ua", "resident@demo.zvenyhorodka.ua",
             "pupil@demo.talne.ua"]))).all())
    assert lives == {"resident@demo.bakhmut.ua": communities["bakhmut"].id,
                     "resident@demo.zvenyhorodka.ua": communities["zvenyhorodka"].id,
                     "pupil@demo.talne.ua": communities["talne"].id}


def test_each_community_votes_by_its_own_rules(demo, db, app_ctx):
    communities = _communities(db)

    def rules(cycle: Cycle) -> tuple:
        return (cycle.ballot_type, cycle.winner_rule, cycle.min_age_vote, cycle.votes_per_voter,
                cycle.votes_scope, cycle.min_votes, cycle.support_needed)

    bakhmut = _cycles_of(db, communities["bakhmut"])
    youth = _cycles_of(db, communities["zvenyhorodka"])
    school = _cycles_of(db, communities["talne"])
    assert set(bakhmut) == {FINISHED, SCHOOL, open_cycle_name(utcnow())}
    assert rules(bakhmut[open_cycle_name(utcnow())]) == (
        BallotType.APPROVAL, WinnerRule.GREEDY, 16, 3, VotesScope.PER_CATEGORY, None, 15)
    assert {rules(c) for c in youth.values()} == {
        (BallotType.KNAPSACK, WinnerRule.EQUAL_SHARES, 14, 0, VotesScope.PER_CATEGORY, None, 0)}
    assert {rules(c) for c in school.values()} == {
        (BallotType.APPROVAL, WinnerRule.GREEDY_THRESHOLD, 10, 1, VotesScope.TOTAL, 30, 0)}
    # A new cycle starts from the community's rules (Bakhmut's administrator keeps none).
    kept = {slug: c.settings("cycle_defaults") for slug, c in communities.items()}
    assert kept["bakhmut"] == {}
    assert {k: kept["zvenyhorodka"][k] for k in ("ballot_type", "winner_rule", "min_age_vote",
                                                 "votes_per_voter")} == {
        "ballot_type": "knapsack", "winner_rule": "equalshares/add1", "min_age_vote": 14,
        "votes_per_voter": 0}
    assert {k: kept["talne"][k] for k in ("votes_scope", "votes_per_voter", "winner_rule",
                                          "min_votes", "min_age_vote")} == {
        "votes_scope": "total", "votes_per_voter": 1, "winner_rule": "greedy-threshold",
        "min_votes": 30, "min_age_vote": 10}
    now = utcnow()
    assert {c.phase(now) for c in youth.values()} == {Phase.IMPLEMENTATION, Phase.SUBMISSION}
    assert {c.phase(now) for c in school.values()} == {Phase.IMPLEMENTATION, Phase.VOTING}
    # A school budget's amounts are small: no project above 25 000 грн.
    with scope.inside(communities["talne"].id):
        assert db.scalar(select(func.max(Project.total_cost))) <= 25_000_00
        assert db.scalar(select(func.count()).select_from(Ballot)) == 700 + 520


def test_the_knapsack_ballots_fit_the_budget_and_equal_shares_picks_the_file_s_winners(
        demo, db, app_ctx):
    youth = _communities(db)["zvenyhorodka"]
    data = zvenyhorodka.assen()
    with scope.inside(youth.id):
        cycle = _cycle(db, zvenyhorodka.FINISHED)
        (pot,) = cycle.categories
        projects = {p.id: p for p in db.scalars(select(Project)
                                                 .where(Project.cycle_id == cycle.id))}
        ballots: dict[int, list[int]] = {}
        for ballot_id, project_id in db.execute(
                select(BallotChoice.ballot_id, BallotChoice.project_id)
                .where(BallotChoice.cycle_id == cycle.id)):
            ballots.setdefault(ballot_id, []).append(project_id)
        tally = db.execute(select(Tally).where(Tally.cycle_id == cycle.id)).scalar_one()
        winners = {p.number for p in projects.values() if p.status is ProjectStatus.WINNER}

    # Knapsacks: every ballot's projects together cost no more than the budget; they are
    # the 72 of the file's 84 that do, each project numbered by its id in the file.
    assert pot.budget == int(data.meta["budget"]) * 100
    assert all(sum(projects[p].total_cost for p in chosen) <= pot.budget
               for chosen in ballots.values())
    assert len(ballots) == 72 and len(data.votes) == 84
    assert sorted(tuple(sorted(projects[p].number for p in chosen))
                  for chosen in ballots.values()) == sorted(
        tuple(sorted(int(c) for c in ballot)) for ballot in zvenyhorodka.knapsack_ballots(data))
    assert {p.number: p.total_cost for p in projects.values()} == {
        int(row["project_id"]): int(row["cost"]) * 100 for row in data.projects}

    # The approved count is Equal Shares', and its winners are those the file selected,
    # and those pabutools' Equal Shares (cost utilities, add-one completion) selects.
    selected = {int(row["project_id"]) for row in data.projects if row["selected"] == "1"}
    assert tally.approved_at is not None and tally.rule is WinnerRule.EQUAL_SHARES
    assert winners == selected and len(selected) == 9
    assert {projects[int(w)].number for w in tally.data["winners"]} == selected
    numbers = sorted(p.number for p in projects.values())
    assert _pabutools_equal_shares(
        {p.number: p.total_cost // 100 for p in projects.values()},
        [[projects[p].number for p in chosen] for chosen in ballots.values()],
        pot.budget // 100, numbers) == selected


def _pabutools_equal_shares(costs: dict[int, int], ballots: list[list[int]], budget: int,
                            numbers: list[int]) -> set[int]:
    """pabutools' Method of Equal Shares with the add-one completion, ties to the lower
    registration number (tests/unit/results/test_equal_shares.py counts the same way)."""
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance
    from pabutools.election import Project as PabuProject
    from pabutools.rules import exhaustion_by_budget_increase, method_of_equal_shares
    from pabutools.tiebreaking import TieBreakingRule

    projects = {n: PabuProject(str(n), costs[n]) for n in numbers}
    profile = ApprovalProfile([ApprovalBallot([projects[n] for n in chosen])
                               for chosen in ballots])
    votes = {n: sum(n in chosen for chosen in ballots) for n in numbers}
    tie = TieBreakingRule(lambda inst, prof, p: (p.cost, -votes[int(p.name)], int(p.name)))
    outcome = exhaustion_by_budget_increase(
        Instance(projects.values(), budget_limit=budget), profile, method_of_equal_shares,
        {"sat_class": Cost_Sat, "tie_breaking": tie}, budget_step=profile.num_ballots(),
        exhaustive_stop=False)
    return {int(p.name) for p in outcome}


def _project_links(page: str, prefix: str) -> set[int]:
    return {int(n) for n in re.findall(rf'href="{prefix}/projects/(\d+)"', page)}


@pytest.mark.parametrize("slug", ["bakhmut", "zvenyhorodka", "talne"])
def test_each_community_s_pages_show_only_its_own_projects(demo, db, client, slug):
    communities = _communities(db)
    here = communities[slug]
    prefix = "" if slug == "bakhmut" else f"/{slug}"  # Bakhmut is the default community
    with scope.everywhere():
        owner = dict(db.execute(select(Project.id, Project.community_id)).all())
        cycles = dict(db.execute(select(Cycle.id, Cycle.community_id)).all())
    listed = set()
    for cycle_id in (c for c, community in cycles.items() if community == here.id):
        page = client.get(f"{prefix}/projects/?cycle={cycle_id}")
        assert page.status_code == 200
        listed |= _project_links(page.get_data(as_text=True), prefix)
    assert listed and {owner[p] for p in listed} == {here.id}
    home = client.get(f"{prefix}/").get_data(as_text=True)
    assert here.name in home
    assert not any(c.name in home for c in communities.values() if c is not here)
    # Another community's project and cycle are not found at this address.
    foreign = next(p for p, community in owner.items() if community != here.id)
    assert client.get(f"{prefix}/projects/{foreign}").status_code == 404
    foreign_cycle = next(c for c, community in cycles.items() if community != here.id)
    assert client.get(f"{prefix}/voting/{foreign_cycle}/results").status_code == 404


def test_the_results_pages_explain_each_community_s_count(demo, db, client):
    communities = _communities(db)
    with scope.inside(communities["zvenyhorodka"].id):
        youth = _cycle(db, zvenyhorodka.FINISHED)
    with scope.inside(communities["talne"].id):
        school = _cycle(db, talne.FINISHED)
    page = client.get(f"/zvenyhorodka/voting/{youth.id}/results").get_data(as_text=True)
    assert "Як метод рівних часток обрав цих переможців" in page
    assert "Зараховано 72 бюлетені" in page
    page = client.get(f"/talne/voting/{school.id}/results").get_data(as_text=True)
    assert "Як метод рівних часток" not in page and "менше голосів, ніж мінімум" in page
    assert "Зараховано 700 бюлетенів" in page


def test_the_account_list_names_each_community_its_address_and_administrator(demo, db, app):
    loaded, _seconds = demo
    with app.test_request_context("/"), force_locale("en"):
        lines = account_lines(db, loaded)
    text = "\n".join(lines)
    for slug, code in CODES.items():
        address = "http://portal.test/" + ("" if slug == "bakhmut" else f"{slug}/")
        header = next(n for n, line in enumerate(lines) if f"(КАТОТТГ {code}): " in line)
        assert lines[header].endswith(address)
        admin = next(n for n, line in enumerate(lines) if f"admin@demo.{slug}.ua" in line)
        assert admin > header and "Administrator" in lines[admin]
    assert "pupil@demo.talne.ua" in text and "resident@demo.zvenyhorodka.ua" in text


def test_without_a_default_community_the_guide_says_where_each_one_is(demo, db, database_url,
                                                                      tmp_path):
    platform = create_app("testing", {"DATABASE_URL": database_url, "DEFAULT_COMMUNITY": "",
                                      "MAIL_OUTBOX": str(tmp_path), "SERVER_NAME": "portal.test"})
    try:
        with joined_transaction(platform, db.connection()):
            result = platform.test_cli_runner().invoke(args=["demo", "guide", "--language", "en"])
    finally:
        platform.extensions["portal.db"].engine.dispose()
    assert result.exit_code == 0, result.output
    assert ("No community is served without a prefix, so this address lists them (make run "
            "serves Bakhmut there: DEFAULT_COMMUNITY=UA14020010000053517).") in result.output
    for slug, code in CODES.items():
        assert f"(КАТОТТГ {code}): http://portal.test/{slug}/" in result.output


def test_the_ballot_obeys_each_community_s_rules(demo, app, db, app_ctx):
    communities = _communities(db)
    with scope.inside(communities["talne"].id):
        pupil = db.scalars(select(User).where(User.email == "pupil@demo.talne.ua")).one()
        voting = _cycle(db, talne.open_cycle_name(utcnow()))
        sheet = sheet_of(db, voting)
        voter = online_voter(db, pupil)
        town = [p for p in sheet.project_facts if p.category_id == voting.categories[0].id]
        village = [p for p in sheet.project_facts if p.category_id == voting.categories[1].id]

        def problems(*chosen) -> set[Code]:
            return {p.code for p in check_ballot(
                sheet.rules, sheet.category_facts, sheet.project_facts,
                [Choice(p.category_id, p.id) for p in chosen], voter.facts, utcnow())}

        # One vote for the whole ballot; the village's pot is its residents'.
        assert problems(town[0], town[1]) == {Code.TOO_MANY_TOTAL}
        assert problems(village[0]) == {Code.WRONG_DISTRICT}
        assert problems(town[0]) == set()
        cast = cast_ballot(db, sheet=sheet, voter=voter, choices=[
            Choice(town[0].category_id, town[0].id)], secret=app.config["PERSON_KEY_SECRET"],
            now=utcnow())
        assert db.get(Ballot, cast.ballot_id).age_band == "<16"

    # Zvenyhorodka's knapsack: any number of projects, as long as they fit the budget (as
    # the 2024 vote was, on its days).
    with scope.inside(communities["zvenyhorodka"].id):
        youth = _cycle(db, zvenyhorodka.FINISHED)
        sheet = sheet_of(db, youth)
        resident = db.scalars(select(User).where(
            User.email == "resident@demo.zvenyhorodka.ua")).one()
        voter = online_voter(db, resident)
        by_number = {p.number: p for p in db.scalars(select(Project)
                                                       .where(Project.cycle_id == youth.id))}
        during = youth.voting_start + timedelta(days=3)
        # The projects as they stood during the vote: admitted (now winners or not).
        admitted = [replace(p, admitted=True) for p in sheet.project_facts]

        def knapsack(*numbers) -> set[Code]:
            return {p.code for p in check_ballot(
                sheet.rules, sheet.category_facts, admitted,
                [Choice(by_number[n].category_id, by_number[n].id) for n in numbers],
                voter.facts, during)}

        assert knapsack(2, 3, 5, 6, 9, 11, 12, 13, 14) == set()  # 76 700 грн, nine projects
        assert knapsack(1, 10) == set()  # 90 000 грн
        assert knapsack(1, 8, 10) == {Code.OVER_BUDGET}  # 130 000 грн


def test_a_community_s_administrator_starts_a_new_cycle_from_its_rules(demo, db, client):
    admin = db.scalars(select(User).where(User.email == "admin@demo.zvenyhorodka.ua")).one()
    sign_in(client, admin)
    page = client.get("/zvenyhorodka/admin/cycles/new").get_data(as_text=True)
    assert re.search(r'<option selected value="knapsack">', page)
    assert re.search(r'<option selected value="equalshares/add1">', page)
    # Its role is Zvenyhorodka's: Talne's office is not its.
    assert client.get("/talne/admin/cycles/new").status_code == 403


def test_zvenyhorodka_s_winners_are_funded_and_followed_and_every_project_is_on_the_map(
        demo, db, app_ctx):
    """The youth program's measure 1.1 funds the 2024 winners, one line each, and the
    community's own staff tell their implementation; the projects of both other
    communities have points near their settlements."""
    from portal.implementation.models import Implementation
    from portal.implementation.rules import ImplementationStatus
    from portal.programs.models import FundingLine, Program

    communities = _communities(db)
    with scope.inside(communities["zvenyhorodka"].id):
        cycle = _cycle(db, zvenyhorodka.FINISHED)
        program = db.execute(select(Program).where(
            Program.code == zvenyhorodka.PROGRAM_CODE)).scalar_one()
        assert program.published and cycle.measure_id is not None
        winners = {p.id: p for p in db.scalars(select(Project).where(
            Project.cycle_id == cycle.id, Project.status == ProjectStatus.WINNER))}
        lines = db.scalars(select(FundingLine).where(
            FundingLine.measure_id == cycle.measure_id)).all()
        assert sorted(line.project_id for line in lines) == sorted(winners)
        assert all(line.planned == winners[line.project_id].total_cost and line.year == 2024
                   for line in lines)
        statuses = Counter(db.scalars(select(Implementation.status).where(
            Implementation.line_id.in_([line.id for line in lines]))))
        assert statuses[ImplementationStatus.IMPLEMENTED] == len(lines) - 1
        assert statuses[ImplementationStatus.NOT_IMPLEMENTED] == 1
        staff = db.scalar(select(User.id).where(User.email == zvenyhorodka.STAFF))
        assert {line.implementation.updated_by_id for line in lines} == {staff}
    for slug, (south, north, west, east) in {"zvenyhorodka": (49.05, 49.15, 30.93, 31.13),
                                             "talne": (48.82, 48.91, 30.55, 30.72)}.items():
        with scope.inside(communities[slug].id):
            points = db.execute(select(Project.latitude, Project.longitude)).all()
        assert points and all(south < lat < north and west < lon < east for lat, lon in points)
        assert len(set(points)) == len(points)  # no two projects on one point
