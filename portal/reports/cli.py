"""``flask --app portal report annual PROGRAM YEAR --format json|html|pdf|docx|xlsx|csv [-o FILE]``.

PROGRAM is a program's id or code. Without ``-o`` the report goes to standard output.
The other reports: ``report quarter PROGRAM YEAR QUARTER``, ``report half-year``,
``report plan``, ``report appendix PROGRAM`` and ``report passport PROGRAM``.
"""

from __future__ import annotations

import sys

import click
from flask import Blueprint, current_app
from flask_babel import force_locale
from sqlalchemy import select

from portal.db import db_session
from portal.programs.models import Program
from portal.refusal import Refused
from portal.reports.services import (
    ReportFormat,
    ReportKind,
    ReportSpec,
    generate,
)
from portal.tenancy.commands import community_option

cli = Blueprint("report_cli", __name__, cli_group="report")
community_option(cli.cli)

FORMAT = click.option("--format", "fmt", type=click.Choice([f.value for f in ReportFormat]),
                      default="json", show_default=True)
OUTPUT = click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
                      help="Write to this file instead of standard output.")
LANGUAGE = click.option("--lang", type=click.Choice(["uk", "en"]), default="uk",
                        show_default=True, help="Language of the report's headings.")


def find_program(reference: str) -> Program:
    """A program by id or by code."""
    session = db_session()
    program = session.get(Program, int(reference)) if reference.isdigit() else None
    program = program or session.scalar(select(Program).where(Program.code == reference))
    if program is None:
        raise click.ClickException(f"no program {reference!r} (give its id or code)")
    return program


def _emit(reference: str, spec: ReportSpec, fmt: str, output: str | None, lang: str) -> None:
    program = find_program(reference)
    with current_app.test_request_context("/"), force_locale(lang):
        try:
            result = generate(db_session(), program, spec, ReportFormat(fmt))
        except Refused as refused:
            raise click.ClickException(
                f"{refused.code}: {program.code} runs {program.start_year}-{program.end_year}"
            ) from None
    if output:
        with open(output, "wb") as handle:
            handle.write(result.content)
        click.echo(f"{output}: {len(result.content)} bytes", err=True)
    else:
        sys.stdout.buffer.write(result.content)
        sys.stdout.buffer.flush()


@cli.cli.command("annual")
@click.argument("program")
@click.argument("year", type=int)
@FORMAT
@OUTPUT
@LANGUAGE
def annual(program: str, year: int, fmt: str, output: str | None, lang: str) -> None:
    """The annual execution report of PROGRAM for YEAR."""
    _emit(program, ReportSpec(ReportKind.ANNUAL, year), fmt, output, lang)


@cli.cli.command("quarter")
@click.argument("program")
@click.argument("year", type=int)
@click.argument("quarter", type=click.IntRange(1, 4))
@FORMAT
@OUTPUT
@LANGUAGE
def quarter(program: str, year: int, quarter: int, fmt: str, output: str | None,
            lang: str) -> None:
    """The quarterly report (payments dated within the quarter)."""
    _emit(program, ReportSpec(ReportKind.QUARTER, year, quarter), fmt, output, lang)


@cli.cli.command("half-year")
@click.argument("program")
@click.argument("year", type=int)
@FORMAT
@OUTPUT
@LANGUAGE
def half_year(program: str, year: int, fmt: str, output: str | None, lang: str) -> None:
    """The half-year report (January to June)."""
    _emit(program, ReportSpec(ReportKind.HALF_YEAR, year), fmt, output, lang)


@cli.cli.command("plan")
@click.argument("program")
@click.argument("year", type=int)
@FORMAT
@OUTPUT
@LANGUAGE
def plan(program: str, year: int, fmt: str, output: str | None, lang: str) -> None:
    """The report on the plan of measures for YEAR."""
    _emit(program, ReportSpec(ReportKind.PLAN, year), fmt, output, lang)


@cli.cli.command("appendix")
@click.argument("program")
@FORMAT
@OUTPUT
@LANGUAGE
def appendix(program: str, fmt: str, output: str | None, lang: str) -> None:
    """The appendix of measures with amounts per year."""
    _emit(program, ReportSpec(ReportKind.APPENDIX), fmt, output, lang)


@cli.cli.command("passport")
@click.argument("program")
@FORMAT
@OUTPUT
@LANGUAGE
def passport(program: str, fmt: str, output: str | None, lang: str) -> None:
    """The program's passport."""
    _emit(program, ReportSpec(ReportKind.PASSPORT), fmt, output, lang)
