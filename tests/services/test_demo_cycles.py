"""The demo cycles: the finished one at the scale of Bakhmut 2018, the open one, idempotent."""

from sqlalchemy import distinct, func, select

from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.cycles.rules import Phase
from portal.demo.accounts import load_accounts
from portal.demo.cycles import load_cycles
from portal.projects.models import Project, ProjectEvent
from portal.projects.rules import ProjectStatus


def test_the_demo_cycles_load_once_with_34_projects_from_29_authors(app, db, app_ctx):
    secret = app.config["PERSON_KEY_SECRET"]
    load_accounts(db, secret=secret, now=utcnow())
    assert len(load_cycles(db, secret=secret, now=utcnow())) == 2
    finished = db.execute(select(Cycle).where(Cycle.name == "Бюджет участі-2019")).scalar_one()
    counts = dict(db.execute(
        select(Project.status, func.count()).where(Project.cycle_id == finished.id)
        .group_by(Project.status)).all())
    assert sum(counts.values()) == 34
    assert counts[ProjectStatus.ADMITTED] == 28
    assert counts[ProjectStatus.REJECTED] == 4 and counts[ProjectStatus.WITHDRAWN] == 2
    authors = db.execute(select(func.count(distinct(Project.author_id)))
                         .where(Project.cycle_id == finished.id)).scalar_one()
    assert authors == 29
    assert finished.phase(utcnow()) is Phase.IMPLEMENTATION
    open_cycle = db.execute(select(Cycle).where(Cycle.id != finished.id)).scalar_one()
    assert open_cycle.phase(utcnow()) is Phase.SUBMISSION
    revised = db.execute(select(ProjectEvent.kind).where(
        ProjectEvent.kind.in_(["return_for_revision", "resubmit"]))).scalars().all()
    assert sorted(revised) == ["resubmit", "return_for_revision"]

    events = db.execute(select(func.count(ProjectEvent.id))).scalar_one()
    assert load_cycles(db, secret=secret, now=utcnow()) == []
    assert db.execute(select(func.count(ProjectEvent.id))).scalar_one() == events
