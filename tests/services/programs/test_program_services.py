"""Program services refuse with codes and leave the records as they were."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.clock import utcnow
from portal.programs import funding, services
from portal.programs.models import FundingLine, MeasureExecutionText
from portal.programs.rules import FundingSource, IndicatorGroup, PortalFigure, ProgramProblem
from portal.refusal import Refused
from tests.factories.programs import make_program, plan

NOW = utcnow()


@contextmanager
def refused(code: ProgramProblem) -> Iterator[None]:
    """The block is refused for this one reason."""
    with pytest.raises(Refused) as caught:
        yield
    assert caught.value.codes == [code]


def test_a_program_code_is_unique(db):
    make_program(db, code="one")
    with refused(ProgramProblem.CODE_TAKEN):
        services.create_program(db, actor=None, now=NOW, data=services.ProgramData(
            code="one", title="Інша", start_year=2020, end_year=2021))


def test_a_bad_code_or_term_is_refused_before_anything_is_stored(db):
    with refused(ProgramProblem.CODE_FORMAT):
        services.create_program(db, actor=None, now=NOW, data=services.ProgramData(
            code="Погано", title="П", start_year=2020, end_year=2021))
    with refused(ProgramProblem.TERM_ORDER):
        services.create_program(db, actor=None, now=NOW, data=services.ProgramData(
            code="ok-code", title="П", start_year=2022, end_year=2021))


def test_task_and_measure_numbers_are_unique_within_the_program(db):
    program, measures = make_program(db)
    with refused(ProgramProblem.TASK_NUMBER_TAKEN):
        services.save_task(db, actor=None, program=program, number=1, title="Двійник", now=NOW)
    with refused(ProgramProblem.MEASURE_NUMBER_TAKEN):
        services.save_measure(db, actor=None, task=measures["1.1"].task, now=NOW,
                              data=services.MeasureData(seq=2, content="Двійник"))
    assert [m.number for m in program.tasks[0].measures] == ["1.1", "1.2"]


def test_one_general_line_per_measure_year_and_source(db):
    _program, measures = make_program(db)
    plan(db, measures["1.1"], 2024, 500_000)
    with refused(ProgramProblem.LINE_EXISTS):
        plan(db, measures["1.1"], 2024, 700_000)
    plan(db, measures["1.1"], 2024, 200_000, source=FundingSource.OTHER)
    lines = db.scalars(select(FundingLine).where(FundingLine.measure_id == measures["1.1"].id))
    assert sorted(line.planned for line in lines) == [200_000, 500_000]


def test_lines_and_indicators_belong_to_the_programs_term(db):
    program, measures = make_program(db)
    with refused(ProgramProblem.YEAR_OUTSIDE_TERM):
        plan(db, measures["1.1"], 2026, 1)
    with refused(ProgramProblem.YEAR_OUTSIDE_TERM):
        funding.save_indicator(db, actor=None, program=program, year=2022, now=NOW,
                               data=funding.IndicatorData(IndicatorGroup.PRODUCT, "Форуми", "",
                                                          Decimal(1), None))


def test_a_payment_is_dated_in_its_lines_year_and_positive(db):
    _program, measures = make_program(db)
    line = plan(db, measures["1.1"], 2024, 500_000)
    with refused(ProgramProblem.PAYMENT_OUTSIDE_YEAR):
        funding.record_payment(db, actor=None, line=line, paid_on=date(2025, 1, 3),
                               amount=100, document="п/д", now=NOW)
    with refused(ProgramProblem.AMOUNT_NOT_POSITIVE):
        funding.record_payment(db, actor=None, line=line, paid_on=date(2024, 1, 3),
                               amount=0, document="п/д", now=NOW)
    assert line.financings == []


def test_paid_money_keeps_its_line_measure_and_task(db):
    _program, measures = make_program(db)
    line = plan(db, measures["2.1"], 2024, 500_000, payments=[(date(2024, 3, 1), 100_000)])
    with refused(ProgramProblem.HAS_PAYMENTS):
        funding.delete_line(db, actor=None, line=line, now=NOW)
    with refused(ProgramProblem.HAS_PAYMENTS):
        services.delete_measure(db, actor=None, measure=measures["2.1"], now=NOW)
    with refused(ProgramProblem.HAS_PAYMENTS):
        services.delete_task(db, actor=None, task=measures["2.1"].task, now=NOW)
    funding.delete_payment(db, actor=None, payment=line.financings[0], now=NOW)
    funding.delete_line(db, actor=None, line=line, now=NOW)
    assert db.get(FundingLine, line.id) is None


def test_the_term_cannot_shrink_under_planned_lines(db):
    program, measures = make_program(db)
    plan(db, measures["1.1"], 2025, 1)
    data = services.ProgramData(code=program.code, title=program.title, start_year=2023,
                                end_year=2024)
    with refused(ProgramProblem.TERMS_CHANGED_UNDER_LINES):
        services.update_program(db, actor=None, program=program, data=data, now=NOW)
    assert program.end_year == 2025


def test_an_indicator_bound_to_a_figure_takes_no_typed_actual(db):
    program, _measures = make_program(db)
    data = funding.IndicatorData(IndicatorGroup.PRODUCT, "Подані проєкти", "од.", Decimal(30),
                                 Decimal(29), figure=PortalFigure.PROJECTS_SUBMITTED)
    with refused(ProgramProblem.FIGURE_NEEDS_NO_ACTUAL):
        funding.save_indicator(db, actor=None, program=program, year=2024, data=data, now=NOW)


def test_indicators_are_numbered_within_their_group_and_move_to_the_end_of_a_new_group(db):
    program, _measures = make_program(db)

    def add(group, name):
        return funding.save_indicator(db, actor=None, program=program, year=2024, now=NOW,
                                      data=funding.IndicatorData(group, name, "", Decimal(1),
                                                                 None))
    first = add(IndicatorGroup.PRODUCT, "А")
    second = add(IndicatorGroup.PRODUCT, "Б")
    quality = add(IndicatorGroup.QUALITY, "В")
    assert (first.position, second.position, quality.position) == (1, 2, 1)
    moved = funding.save_indicator(db, actor=None, program=program, year=2024, now=NOW,
                                   indicator=first, data=funding.IndicatorData(
                                       IndicatorGroup.QUALITY, "А", "", Decimal(1), None))
    assert (moved.group, moved.position) == (IndicatorGroup.QUALITY, 2)


def test_an_empty_execution_text_removes_it(db):
    _program, measures = make_program(db)
    funding.set_execution_text(db, actor=None, measure=measures["1.1"], year=2024,
                               text="Проведено 3 слухання", now=NOW)
    funding.set_execution_text(db, actor=None, measure=measures["1.1"], year=2024,
                               text="Проведено 4 слухання", now=NOW)
    texts = db.scalars(select(MeasureExecutionText.text)).all()
    assert texts == ["Проведено 4 слухання"]
    funding.set_execution_text(db, actor=None, measure=measures["1.1"], year=2024, text=" ",
                               now=NOW)
    assert db.scalars(select(MeasureExecutionText)).all() == []


def test_every_change_is_in_the_audit_log(db):
    _program, measures = make_program(db, code="audited")
    plan(db, measures["1.1"], 2024, 500_000, payments=[(date(2024, 3, 1), 100_000)])
    actions = set(db.scalars(select(AuditEvent.action)))
    assert {"program.created", "program.published", "program.task_saved",
            "program.measure_saved", "funding_line.planned", "financing.recorded"} <= actions


def test_a_department_that_executes_a_measure_cannot_be_removed(db):
    _program, measures = make_program(db)
    department = measures["1.2"].departments[0]
    with refused(ProgramProblem.DEPARTMENT_IN_USE):
        services.delete_department(db, actor=None, department=department, now=NOW)
