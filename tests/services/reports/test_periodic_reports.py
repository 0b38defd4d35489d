"""Quarterly and half-year reports count the payments dated within the period."""

from __future__ import annotations

import json
from datetime import date

import pytest
from flask_babel import force_locale

from portal.refusal import Refused
from portal.reports.services import ReportFormat, ReportKind, ReportSpec, generate
from tests.factories.programs import make_program, plan


def report(db, program, spec) -> dict:
    with force_locale("uk"):
        return json.loads(generate(db, program, spec, ReportFormat.JSON).content)


def test_a_quarter_counts_its_own_payments_against_the_annual_plan(db, app_ctx):
    program, measures = make_program(db)
    plan(db, measures["1.1"], 2024, 1_000_000, payments=[
        (date(2024, 3, 31), 100_000), (date(2024, 4, 1), 300_000), (date(2024, 6, 30), 200_000),
        (date(2024, 11, 5), 250_000)])
    q2 = report(db, program, ReportSpec(ReportKind.QUARTER, 2024, 2))
    assert q2["period"] == {"start": "2024-04-01", "end": "2024-06-30", "quarter": 2,
                            "due": "2024-07-06"}
    assert (q2["totals"]["all"]["planned"], q2["totals"]["all"]["financed"],
            q2["totals"]["all"]["percent"]) == ("10,0", "5,0", "50")
    half = report(db, program, ReportSpec(ReportKind.HALF_YEAR, 2024))
    assert half["totals"]["all"]["financed"] == "6,0"
    annual = report(db, program, ReportSpec(ReportKind.ANNUAL, 2024))
    assert annual["totals"]["all"]["financed"] == "8,5"


def test_the_quarterly_report_names_its_due_date(db, app_ctx):
    program, _measures = make_program(db)
    with force_locale("uk"):
        html = generate(db, program, ReportSpec(ReportKind.QUARTER, 2024, 4),
                        ReportFormat.HTML).content.decode()
    assert "до 06.01.2025" in html


def test_the_appendix_lists_amounts_per_year_and_the_passport_totals_them(db, app_ctx):
    program, measures = make_program(db)
    for year, amount in ((2023, 3_400_000), (2024, 3_400_000), (2025, 2_000_000)):
        plan(db, measures["1.1"], year, amount)
    appendix = report(db, program, ReportSpec(ReportKind.APPENDIX))
    (row,) = appendix["rows"]
    assert [v["amount"] for v in row["by_year"].values()] == ["34,0", "34,0", "20,0"]
    assert appendix["unfunded"] == ["1.2", "2.1"]
    passport = report(db, program, ReportSpec(ReportKind.PASSPORT))
    assert passport["total"] == "88,0"
    with force_locale("uk"):
        text = generate(db, program, ReportSpec(ReportKind.APPENDIX), ReportFormat.CSV
                        ).content.decode("utf-8-sig")
    assert "2023р.-34,0 2024р.-34,0 2025р.-20,0" in text
    assert "Фінансування не потребує" in text


def test_a_report_the_program_cannot_have_is_refused_in_words(db, app_ctx):
    program, _measures = make_program(db)
    with pytest.raises(Refused) as refused:
        generate(db, program, ReportSpec(ReportKind.ANNUAL, 2030), ReportFormat.JSON)
    assert refused.value.codes == ["year_outside_term"]
    with pytest.raises(Refused) as refused:
        ReportSpec(ReportKind.QUARTER, 2024, 5).check(program)
    assert refused.value.codes == ["bad_quarter"]
    with force_locale("uk"):
        assert str(refused.value.problems[0]) == "Квартал — це 1, 2, 3 або 4."
    ReportSpec(ReportKind.PASSPORT).check(program)
