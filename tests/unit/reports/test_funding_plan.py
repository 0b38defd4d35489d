"""The multi-year funding appendix, Korosten style (seeds/004)."""

import pytest

from portal.programs.rules import FundingSource
from portal.reports.funding_plan import build_funding_plan, format_year_amounts
from portal.reports.rules import FundingLine, Measure, Program, ReportInputError

CITY = FundingSource.CITY_BUDGET
PROGRAM = Program(
    "Програма розвитку місцевого самоврядування", "№ 1911", (), "Виконком", 2017, 2020
)
MEASURES = (
    Measure("1.1", 1, "Членство в Асоціації міст України", "2017-2020 роки", "Секретар"),
    Measure("1.5", 1, "Розвиток співпраці з містами", "2017-2020 роки", "Заступники"),
    Measure("3.6", 3, "Реалізація проектів в рамках Бюджету участі", "2018-2020 роки", "ГРБК"),
)
LINES = [
    *(FundingLine("1.1", year, CITY, 3_400_000, 0) for year in range(2017, 2021)),
    # The participatory budget from 2018: two winners' lines in 2018 add up.
    FundingLine("3.6", 2018, CITY, 150_000_000, 0),
    FundingLine("3.6", 2018, CITY, 50_000_000, 0),
    FundingLine("3.6", 2019, CITY, 200_000_000, 0),
    FundingLine("3.6", 2020, CITY, 200_000_000, 0),
    FundingLine("3.6", 2019, FundingSource.OTHER, 1_800_000, 0),
]


def test_rows_per_measure_and_source_with_the_years_they_have_lines_for() -> None:
    plan = build_funding_plan(PROGRAM, MEASURES, LINES)
    rows = {(row.measure.number, row.source): row.by_year for row in plan.rows}
    assert rows == {
        ("1.1", CITY): ((2017, 3_400_000), (2018, 3_400_000), (2019, 3_400_000), (2020, 3_400_000)),
        ("3.6", CITY): ((2018, 200_000_000), (2019, 200_000_000), (2020, 200_000_000)),
        ("3.6", FundingSource.OTHER): ((2019, 1_800_000),),
    }
    assert [m.number for m in plan.unfunded] == ["1.5"]


def test_totals_per_year_and_overall() -> None:
    plan = build_funding_plan(PROGRAM, MEASURES, LINES)
    assert plan.by_year == (
        (2017, 3_400_000),
        (2018, 203_400_000),
        (2019, 205_200_000),
        (2020, 203_400_000),
    )
    assert plan.total == sum(amount for _, amount in plan.by_year) == 615_400_000


def test_amounts_render_as_the_appendix_prints_them() -> None:
    plan = build_funding_plan(PROGRAM, MEASURES, LINES)
    assert format_year_amounts(plan.rows[0].by_year) == (
        "2017р.-34,0 2018р.-34,0 2019р.-34,0 2020р.-34,0"
    )


@pytest.mark.parametrize(
    "bad",
    [FundingLine("9.9", 2018, CITY, 1, 0), FundingLine("1.1", 2021, CITY, 1, 0)],
    ids=["unknown-measure", "outside-term"],
)
def test_lines_that_do_not_fit_are_refused(bad: FundingLine) -> None:
    with pytest.raises(ReportInputError):
        build_funding_plan(PROGRAM, MEASURES, [bad])
