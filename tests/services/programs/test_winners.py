"""Winners flow into the program: lines, figures, the participatory-budget text, the report."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.clock import utcnow
from portal.cycles import services as cycle_services
from portal.cycles.rules import Phase
from portal.implementation import services as implementation
from portal.implementation.funding import fund_winners
from portal.implementation.rules import ImplementationProblem, ImplementationStatus
from portal.programs import funding
from portal.programs.models import FundingLine
from portal.programs.rules import IndicatorGroup, PortalFigure, ProgramProblem
from portal.programs.winners import link_cycle
from portal.projects.models import CoAuthor
from portal.projects.rules import ProjectStatus
from portal.refusal import Refused
from portal.reports.cycle_figures import count_voters
from portal.reports.figures import (
    FigureNote,
    FigureScope,
    FigureValue,
    compute_figure,
    register_figure,
)
from portal.reports.services import ReportFormat, ReportKind, ReportSpec, generate
from tests.factories import accounts
from tests.factories.cycles import make_cycle
from tests.factories.programs import make_program
from tests.factories.projects import make_project

NOW = utcnow()
REASON = "зміни розташування об’єкта"


# The scene is built once; each test runs in a savepoint rolled back after it.
pytestmark = [pytest.mark.module_transaction, pytest.mark.usefixtures("app_ctx")]


@pytest.fixture(scope="module")
def scene(module_db):
    """A cycle linked to measure 1.2 with 4 submitted projects by 3 people, 3 of them winners."""
    db = module_db
    admin = accounts.make_user(db, Role.ADMIN)
    cycle = make_cycle(db, admin, phase=Phase.RESULTS)  # its vote is over: voters counted
    year = cycle.budget_year
    program, measures = make_program(db, start=year - 1, end=year + 1)
    authors = [accounts.make_user(db, Role.RESIDENT) for _ in range(2)]
    projects = [
        make_project(db, cycle, authors[0], status=ProjectStatus.WINNER, title="Сквер",
                     cost=150_000_00),
        make_project(db, cycle, authors[0], status=ProjectStatus.WINNER, title="Майданчик",
                     cost=250_000_00),
        make_project(db, cycle, authors[1], status=ProjectStatus.WINNER, title="Велодоріжка",
                     cost=100_000_00),
        make_project(db, cycle, authors[1], status=ProjectStatus.NOT_SELECTED, title="Фонтан"),
    ]
    make_project(db, cycle, authors[1], title="Чернетка")
    friend = accounts.make_user(db, Role.RESIDENT)
    projects[3].coauthors.append(CoAuthor(email=friend.email, user_id=friend.id,
                                          token_hash="t" * 64, invited_at=NOW,
                                          confirmed_at=NOW))
    link_cycle(db, actor=admin, cycle=cycle, measure=measures["1.2"], now=NOW)
    return {"admin": admin, "cycle": cycle, "year": year, "program": program,
            "measures": measures, "projects": projects}


def test_each_winner_becomes_a_line_linked_both_ways(db, scene):
    lines = fund_winners(db, cycle=scene["cycle"], actor=scene["admin"], now=NOW)
    winners = scene["projects"][:3]
    assert [line.project for line in lines] == winners
    assert [line.planned for line in lines] == [150_000_00, 250_000_00, 100_000_00]
    assert all(project.funding_line is line for project, line in zip(winners, lines,
                                                                       strict=True))
    measure = scene["measures"]["1.2"]
    assert {(line.measure_id, line.year, line.source.value) for line in lines} == {
        (measure.id, scene["year"], "city_budget")}
    assert {line.department for line in lines} == {measure.departments[0]}
    assert {line.implementation.status for line in lines} == {ImplementationStatus.PLANNED}
    actions = db.scalars(select(AuditEvent.action)
                         .where(AuditEvent.action == "funding_line.winner_funded")).all()
    assert len(actions) == 3


def test_funding_winners_twice_adds_nothing(db, scene):
    fund_winners(db, cycle=scene["cycle"], actor=None, now=NOW)
    assert fund_winners(db, cycle=scene["cycle"], actor=None, now=NOW) == []
    assert len(db.scalars(select(FundingLine).where(FundingLine.project_id.is_not(None))).all()) \
        == 3


def test_a_winners_line_cannot_be_deleted_while_it_is_a_winner(db, scene):
    line = fund_winners(db, cycle=scene["cycle"], actor=None, now=NOW)[0]
    with pytest.raises(Refused) as refused:
        funding.delete_line(db, actor=None, line=line, now=NOW)
    assert refused.value.codes == [ProgramProblem.WINNER_LINE]


def test_a_cycle_without_a_measure_or_outside_the_term_is_refused(db, scene):
    cycle = scene["cycle"]
    link_cycle(db, actor=None, cycle=cycle, measure=None, now=NOW)
    with pytest.raises(Refused) as refused:
        fund_winners(db, cycle=cycle, actor=None, now=NOW)
    assert refused.value.codes == [ProgramProblem.CYCLE_NOT_LINKED]
    other, measures = make_program(db, code="older", start=2001, end=2003)
    with pytest.raises(Refused) as refused:
        link_cycle(db, actor=None, cycle=cycle, measure=measures["1.2"], now=NOW)
    assert (refused.value.code, refused.value.field) == (ProgramProblem.YEAR_OUTSIDE_TERM,
                                                         "cycle")


def test_a_status_or_an_update_is_refused_with_every_problem_in_words(db, scene):
    line = fund_winners(db, cycle=scene["cycle"], actor=None, now=NOW)[0]
    with pytest.raises(Refused) as refused:
        implementation.set_status(db, actor=None, line=line, now=NOW,
                                  status=ImplementationStatus.IMPLEMENTED, progress=50,
                                  reason="", tender_number="UA-2024-13-01-000001-a")
    assert [(p.code, p.field) for p in refused.value.problems] == [
        (ImplementationProblem.IMPLEMENTED_IS_COMPLETE, "progress"),
        (ImplementationProblem.TENDER_FORMAT, "tender_number")]
    with force_locale("uk"):
        assert str(refused.value.problems[0]) == "Реалізований проєкт має 100 % виконання."
    with pytest.raises(Refused) as refused:
        implementation.post_update(db, actor=None, line=line, posted_on=date(2999, 1, 1),
                                   text=" ", photos=[], store=None, today=date(2024, 5, 1),
                                   now=NOW)
    assert [(p.code, p.field) for p in refused.value.problems] == [
        (ImplementationProblem.UPDATE_DATE_FUTURE, "posted_on"),
        (ImplementationProblem.TEXT_REQUIRED, "text")]
    assert line.implementation.status is ImplementationStatus.PLANNED
    assert line.implementation.updates == []


def scope(scene) -> FigureScope:
    return FigureScope(scene["program"].id, scene["year"], (scene["cycle"].id,))


def test_figures_count_submissions_authors_winners_and_implemented(db, scene):
    lines = fund_winners(db, cycle=scene["cycle"], actor=None, now=NOW)
    implementation.set_status(db, actor=None, line=lines[0], now=NOW,
                              status=ImplementationStatus.IMPLEMENTED, progress=100, reason="",
                              tender_number="UA-2024-03-01-000001-a")
    values = {figure: compute_figure(db, figure, scope(scene)).value for figure in (
        PortalFigure.PROJECTS_SUBMITTED, PortalFigure.AUTHORS, PortalFigure.WINNERS,
        PortalFigure.IMPLEMENTED)}
    # Four submitted (the draft is not); two authors and one confirmed co-author.
    assert values == {PortalFigure.PROJECTS_SUBMITTED: 4, PortalFigure.AUTHORS: 3,
                      PortalFigure.WINNERS: 3, PortalFigure.IMPLEMENTED: 1}


def cast(db, cycle, n: int) -> None:
    """``n`` ballots in ``cycle``, stored as a data-set import stores them."""
    from uuid import uuid4

    from portal.voting.models import Ballot, Channel

    for _ in range(n):
        db.add(Ballot(uuid=uuid4().hex, cycle_id=cycle.id, person_key=uuid4().hex * 2,
                      channel=Channel.IMPORTED, cast_at=NOW, receipt_hash=uuid4().hex * 2))
    db.flush()


def test_voters_are_zero_when_nobody_voted(db, scene):
    assert count_voters(db, scope(scene)) == FigureValue(Decimal(0))


def test_voters_are_the_ballots_of_the_cycles(db, scene):
    # Annulled ballots are left out by the same condition the results use (voting's tests).
    cast(db, scene["cycle"], 5)
    assert count_voters(db, scope(scene)) == FigureValue(Decimal(5))


def test_an_open_votes_ballots_are_not_counted_and_the_figure_says_why(db, scene):
    # DESIGN rule 8: nothing of a vote before it closes, not even how many have voted.
    open_vote = make_cycle(db, scene["admin"], phase=Phase.VOTING)
    cast(db, open_vote, 4)
    cast(db, scene["cycle"], 3)
    both = FigureScope(scene["program"].id, scene["year"], (scene["cycle"].id, open_vote.id))
    assert count_voters(db, both) == FigureValue(Decimal(3), FigureNote.VOTING_OPEN)


def test_the_voting_part_can_register_its_own_voters_figure(db, scene):
    register_figure(PortalFigure.VOTERS, lambda session, scope: FigureValue(Decimal(16_500)))
    try:
        assert compute_figure(db, PortalFigure.VOTERS, scope(scene)).value == 16_500
    finally:
        register_figure(PortalFigure.VOTERS, count_voters)


def report(db, scene) -> dict:
    with force_locale("uk"):
        output = generate(db, scene["program"], ReportSpec(ReportKind.ANNUAL, scene["year"]),
                          ReportFormat.JSON)
    return json.loads(output.content)


def test_the_report_composes_the_measures_text_from_the_cycle(db, scene):
    lines = fund_winners(db, cycle=scene["cycle"], actor=None, now=NOW)
    implementation.set_status(db, actor=None, line=lines[0], now=NOW, tender_number="",
                              status=ImplementationStatus.IMPLEMENTED, progress=100, reason="")
    implementation.set_status(db, actor=None, line=lines[1], now=NOW, tender_number="",
                              status=ImplementationStatus.NOT_IMPLEMENTED, progress=0,
                              reason=REASON)
    funding.set_execution_text(db, actor=None, measure=scene["measures"]["1.2"],
                               year=scene["year"], text="Оголошено новий конкурс", now=NOW)
    data = report(db, scene)
    measure = data["tasks"][0]["measures"][1]
    assert measure["execution_text"] == (
        "3 автори подали 4 громадські ініціативи, 0 осіб віддали голоси за проекти місцевого "
        "розвитку, оголошено 3 переможці, реалізовано 1 проект; "
        f"1 проект не було профінансовано з причин {REASON}\nОголошено новий конкурс")
    assert (measure["planned"], measure["financed"], measure["percent"]) == ("500,0", "0,0",
                                                                             "0")
    assert data["notes"] == [
        "1 переможець бюджету участі не реалізований і не зазначений як непрофінансований."]


def test_a_payment_on_a_winners_line_shows_in_the_measures_row(db, scene):
    lines = fund_winners(db, cycle=scene["cycle"], actor=None, now=NOW)
    funding.record_payment(db, actor=None, line=lines[1], paid_on=date(scene["year"], 6, 1),
                           amount=200_000_00, document="п/д 7", now=NOW)
    measure = report(db, scene)["tasks"][0]["measures"][1]
    assert (measure["planned"], measure["financed"], measure["percent"]) == ("500,0", "200,0",
                                                                             "40")


def test_a_voters_indicator_is_computed_from_the_ballots(db, scene):
    cast(db, scene["cycle"], 3)
    funding.save_indicator(db, actor=None, program=scene["program"], year=scene["year"],
                           now=NOW, data=funding.IndicatorData(
                               IndicatorGroup.EFFICIENCY, "Кількість тих, хто проголосував",
                               "осіб", Decimal(15_000), None, figure=PortalFigure.VOTERS))
    data = report(db, scene)
    (group,) = data["indicators"]
    assert group["rows"][0]["actual"] == "3"


def test_a_suspended_cycle_is_said_to_be_suspended(db, scene):
    cycle_services.suspend_cycle(db, cycle=scene["cycle"], reason="воєнний стан",
                                 actor=scene["admin"], now=NOW)
    text = report(db, scene)["tasks"][0]["measures"][1]["execution_text"]
    assert text.endswith("призупинено: воєнний стан")


def test_an_approval_whose_winners_cannot_be_funded_stands_and_the_audit_log_says_why(db, scene):
    from portal.results.tallies import _fund_approved_winners

    cycle = scene["cycle"]
    cycle.budget_year = scene["year"] + 5  # outside the program's term since the link
    _fund_approved_winners(db, cycle=cycle, actor=scene["admin"], now=NOW)
    assert db.scalars(select(FundingLine)).all() == []
    event = db.scalars(select(AuditEvent).where(
        AuditEvent.action == "programs.winners_not_funded")).one()
    assert (event.object_id, json.loads(event.details)) == (
        str(cycle.id), {"reason": "year_outside_term"})
