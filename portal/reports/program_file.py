"""Read a program and one year's report data from the portal's JSON transcription.

The JSON files beside this module (``bakhmut_2018.json``) hold a real program as the
portal stores it: amounts in kopecks, indicator figures as decimal strings, enums by
value. They seed demonstration data and pin the report arithmetic in tests.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from portal.programs.rules import FundingSource, IndicatorBasis, IndicatorGroup
from portal.reports.rules import (
    AnnualReport,
    FundingLine,
    Indicator,
    Measure,
    Program,
    Task,
    build_annual_report,
)

BAKHMUT_2018 = Path(__file__).with_name("bakhmut_2018.json")


@dataclass(frozen=True)
class ProgramFile:
    """A program with its funding lines, indicators and execution texts for one year."""

    program: Program
    year: int
    tasks: tuple[Task, ...]
    measures: tuple[Measure, ...]
    lines: tuple[FundingLine, ...]
    indicators: tuple[Indicator, ...]
    execution_texts: Mapping[str, str]

    def annual_report(self) -> AnnualReport:
        """Build the year's annual execution report from the file's records."""
        return build_annual_report(
            self.program,
            self.tasks,
            self.measures,
            self.lines,
            self.indicators,
            self.year,
            self.execution_texts,
        )


def _kopecks(value: Any) -> int:
    """Amounts are whole kopecks; a float or a string here is a transcription error."""
    if type(value) is not int:
        raise ValueError(f"amount must be an integer number of kopecks, got {value!r}")
    return value


def _decimal(value: Any) -> Decimal:
    """Indicator figures are decimal strings, so that no float ever rounds them."""
    if not isinstance(value, str):
        raise ValueError(f"indicator figure must be a decimal string, got {value!r}")
    return Decimal(value)


def parse_program_file(data: Mapping[str, Any]) -> ProgramFile:
    """Turn the decoded JSON of a program file into dataclasses."""
    program = data["program"]
    return ProgramFile(
        program=Program(
            title=program["title"],
            approval=program["approval"],
            amendments=tuple(program["amendments"]),
            responsible_executor=program["responsible_executor"],
            start_year=program["start_year"],
            end_year=program["end_year"],
        ),
        year=data["report_year"],
        tasks=tuple(Task(number=t["number"], title=t["title"]) for t in data["tasks"]),
        measures=tuple(
            Measure(
                number=m["number"],
                task_number=m["task"],
                content=m["content"],
                term=m["term"],
                executors=m["executors"],
            )
            for m in data["measures"]
        ),
        lines=tuple(
            FundingLine(
                measure_number=line["measure"],
                year=line["year"],
                source=FundingSource(line["source"]),
                planned=_kopecks(line["planned"]),
                financed=_kopecks(line["financed"]),
            )
            for line in data["funding_lines"]
        ),
        indicators=tuple(
            Indicator(
                group=IndicatorGroup(i["group"]),
                name=i["name"],
                unit=i["unit"],
                planned=_decimal(i["planned"]),
                actual=_decimal(i["actual"]),
                reasons=i["reasons"],
                remedies=i["remedies"],
                basis=IndicatorBasis(i["basis"]),
            )
            for i in data["indicators"]
        ),
        execution_texts=dict(data["execution_texts"]),
    )


def load_program_file(path: Path = BAKHMUT_2018) -> ProgramFile:
    """Read and parse a program file; the default is the Bakhmut 2018 report."""
    return parse_program_file(json.loads(path.read_text(encoding="utf-8")))
