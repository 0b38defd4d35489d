"""Report arithmetic on small hand-made programs: sources, totals, years, bad input."""

from decimal import Decimal

import pytest

from portal.programs.rules import FundingSource, IndicatorBasis, IndicatorGroup
from portal.reports.rules import (
    Amounts,
    FundingLine,
    Indicator,
    Measure,
    Program,
    ReportInputError,
    Task,
    build_annual_report,
)

PROGRAM = Program(
    title="Програма розвитку місцевого самоврядування",
    approval="рішення від 01.02.2017 № 1",
    amendments=(),
    responsible_executor="Виконавчий комітет",
    start_year=2017,
    end_year=2020,
)
TASKS = (Task(1, "Участь громади"), Task(2, "Інформування"))
MEASURES = (
    Measure("1.1", 1, "Бюджет участі", "2017-2020 роки", "Управління економіки"),
    Measure("1.2", 1, "Громадські слухання", "постійно", "Секретар ради"),
    Measure("2.1", 2, "Соціальна реклама", "щоквартально", "Відділ інформації"),
)


def line(measure: str, source: FundingSource, planned: int, financed: int, year: int = 2018):
    return FundingLine(measure, year, source, planned, financed)


def build(lines, indicators=(), year=2018, texts=None):
    return build_annual_report(PROGRAM, TASKS, MEASURES, lines, indicators, year, texts or {})


def test_winners_lines_under_one_measure_add_up() -> None:
    # Each participatory-budget winner is its own line under the same measure.
    report = build(
        [
            line("1.1", FundingSource.CITY_BUDGET, 20_000_000, 19_000_000),
            line("1.1", FundingSource.CITY_BUDGET, 30_000_000, 27_420_000),
        ]
    )
    row = report.measures[0]
    assert row.by_source == ((FundingSource.CITY_BUDGET, Amounts(50_000_000, 46_420_000)),)
    assert row.amounts.percent == Decimal("92.8")


def test_state_budget_folds_into_other_and_is_kept_apart_by_source() -> None:
    report = build(
        [
            line("1.1", FundingSource.CITY_BUDGET, 1_000_000, 900_000),
            line("1.1", FundingSource.STATE_BUDGET, 500_000, 500_000),
            line("2.1", FundingSource.OTHER, 200_000, 300_000),
        ]
    )
    assert report.total_city_budget == Amounts(1_000_000, 900_000)
    assert report.total_other == Amounts(700_000, 800_000)
    assert report.total == Amounts(1_700_000, 1_700_000)
    assert report.by_source[FundingSource.STATE_BUDGET] == Amounts(500_000, 500_000)
    # Sources appear in form order: city, state, other.
    assert [s for s, _ in report.measures[0].by_source] == [
        FundingSource.CITY_BUDGET,
        FundingSource.STATE_BUDGET,
    ]


def test_financed_without_a_plan_has_no_percentage() -> None:
    report = build([line("1.2", FundingSource.OTHER, 0, 100_000)])
    row = report.measures[1]
    assert row.funded
    assert row.amounts.percent is None


def test_empty_report_has_no_effectiveness() -> None:
    report = build([])
    assert report.total == Amounts(0, 0)
    assert report.effectiveness is None
    assert not any(row.funded for row in report.measures)


def test_lines_of_other_years_are_ignored() -> None:
    report = build(
        [
            line("1.1", FundingSource.CITY_BUDGET, 100, 100, year=2017),
            line("1.1", FundingSource.CITY_BUDGET, 200, 150, year=2018),
        ]
    )
    assert report.total == Amounts(200, 150)


def test_task_subtotals_sum_their_measures() -> None:
    report = build(
        [
            line("1.1", FundingSource.CITY_BUDGET, 100, 50),
            line("1.2", FundingSource.OTHER, 300, 300),
            line("2.1", FundingSource.CITY_BUDGET, 1_000, 0),
        ]
    )
    assert [task.amounts for task in report.tasks] == [Amounts(400, 350), Amounts(1_000, 0)]
    assert report.effectiveness == Decimal("25.0")


def test_execution_texts_are_attached_to_their_measures() -> None:
    report = build([], texts={"1.2": "Проведено 3 слухання"})
    assert [row.execution_text for row in report.measures] == ["", "Проведено 3 слухання", ""]


def test_indicators_keep_form_order_and_skip_empty_groups() -> None:
    quality = Indicator(
        IndicatorGroup.QUALITY, "Консультації", "од.", Decimal(40), Decimal(45), "", ""
    )
    product = Indicator(
        IndicatorGroup.PRODUCT, "Проекти", "од.", Decimal(0), Decimal(3), "не планувалось", ""
    )
    report = build([], indicators=[quality, product])
    assert [group for group, _ in report.indicators] == [
        IndicatorGroup.PRODUCT,
        IndicatorGroup.QUALITY,
    ]
    (_, (product_row,)), (_, (quality_row,)) = report.indicators
    assert product_row.percent is None
    assert quality_row.percent == Decimal("112.5")


def test_an_indicator_not_yet_reported_has_no_actual_and_no_percentage() -> None:
    pending = Indicator(IndicatorGroup.PRODUCT, "Форуми", "од.", Decimal(2), None, "", "")
    report = build([], indicators=[pending])
    ((_, (row,)),) = report.indicators
    assert row.actual is None
    assert row.percent is None


def test_total_funding_indicator_is_in_thousands_of_hryvnias() -> None:
    cost = Indicator(
        IndicatorGroup.COST,
        "Обсяг ресурсів",
        "тис. грн",
        Decimal(0),
        Decimal(0),
        "",
        "",
        basis=IndicatorBasis.TOTAL_FUNDING,
    )
    report = build([line("1.1", FundingSource.CITY_BUDGET, 2_540_100, 1_276_001)], [cost])
    ((_, (row,)),) = report.indicators
    assert (row.planned, row.actual) == (Decimal("25.401"), Decimal("12.76001"))


@pytest.mark.parametrize(
    ("lines", "texts", "year"),
    [
        ([line("9.9", FundingSource.CITY_BUDGET, 1, 1)], {}, 2018),
        ([], {"9.9": "текст"}, 2018),
        ([], {}, 2021),
    ],
    ids=["line-for-unknown-measure", "text-for-unknown-measure", "year-outside-term"],
)
def test_records_that_do_not_fit_are_refused(lines, texts, year) -> None:
    with pytest.raises(ReportInputError):
        build(lines, texts=texts, year=year)


def test_measure_of_an_unknown_task_is_refused() -> None:
    orphan = Measure("7.1", 7, "Захід", "2018 рік", "Відділ")
    with pytest.raises(ReportInputError):
        build_annual_report(PROGRAM, TASKS, (*MEASURES, orphan), [], [], 2018, {})
