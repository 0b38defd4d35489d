"""The whole demo, loaded once for the module: a city that looks real (districts of different
sizes and turnout, online and paper ballots, distinct texts, a photo for every project), the
2019 count it reproduces, a second load that does nothing at once, and the guide."""

from __future__ import annotations

import io
import time
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from config import TESTING_AUDIT_KEY
from portal.audit.signing import private_key
from portal.clock import utcnow
from portal.community.models import District
from portal.cycles.models import Cycle
from portal.demo.cycles import DATA
from portal.demo.loading import DEMO_VERSION, load_demo, loaded_mark
from portal.demo.photos import scene
from portal.demo.voting import FINISHED, SCHOOL
from portal.projects.models import Attachment, Project
from portal.projects.queries import cycle_counters
from portal.projects.rules import ProjectStatus
from portal.results.models import Tally
from portal.uploads import AttachmentKind, open_store
from portal.voting.models import Ballot, Channel

pytestmark = pytest.mark.module_transaction


@pytest.fixture(scope="module")
def demo(app, module_db):
    with app.test_request_context("/"):
        started = time.monotonic()
        loaded = load_demo(module_db, secret=app.config["PERSON_KEY_SECRET"],
                           audit_key=private_key(TESTING_AUDIT_KEY),
                           store=open_store(app.config, module_db), now=utcnow())
        module_db.commit()
        return loaded, time.monotonic() - started


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
        return [db.scalar(select(func.count()).select_from(model))
                for model in (Ballot, Project, Attachment, Cycle)]

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
    ukrainian = app.test_cli_runner().invoke(args=["demo", "guide", "--language", "uk"])
    assert ukrainian.exit_code == 0 and "голосування триває" in ukrainian.output
