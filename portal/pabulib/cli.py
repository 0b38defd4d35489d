"""``flask --app portal pb ...``: the research format on the command line.

``pb import-pabulib FILE`` loads a .pb election as a finished cycle and prints its id;
``pb tally CYCLE [--rule RULE] --json`` counts a closed vote (without storing anything)
and prints the rule, the winners' project ids (an imported file's own ids) and each
category's budget and winners; ``pb export CYCLE [--output PATH]`` writes its .pb files
(``export.export_cycle``). Neither tally nor export answers while the vote is open.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Blueprint
from sqlalchemy import select

from portal.clock import utcnow
from portal.cycles.models import Cycle
from portal.cycles.rules import WinnerRule
from portal.db import db_session
from portal.pabulib.export import VoteOpen, as_zip, export_cycle
from portal.pabulib.models import PbProject
from portal.pabulib.research import import_pb
from portal.projects.models import Project
from portal.refusal import Refused
from portal.results import rules
from portal.results.tallies import lottery_seed, rule_inputs
from portal.tenancy.commands import community_option
from portal.voting.permissions import vote_over

cli = Blueprint("pb_cli", __name__, cli_group="pb")
community_option(cli.cli)


@cli.cli.command("import-pabulib")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_pabulib(path: Path) -> None:
    """Load the .pb file PATH as a finished cycle; print the new cycle's id."""
    session = db_session()
    try:
        cycle = import_pb(session, text=path.read_text(encoding="utf-8-sig"), source=path.name,
                          now=utcnow())
    except Refused as refused:
        session.rollback()
        said = "\n".join(str(problem) for problem in refused.problems)  # one a line
        raise click.ClickException(f"{path.name}: {said}") from None
    session.commit()
    click.echo(cycle.id)


def tally_json(session, cycle: Cycle, rule: str | None = None) -> dict:
    """The count of ``cycle`` as the research tools print it: project ids are the imported
    file's own, else the registration numbers."""
    seed = lottery_seed(session, cycle) if cycle.tie_rule.value == "lottery" else None
    inputs, unit = rule_inputs(session, cycle, rule=rule, seed=seed)
    outcome = rules.count(*inputs)
    numbers = {str(p.id): str(p.number) for p in cycle_projects(session, cycle)}
    numbers.update((str(project), file_id) for project, file_id in session.execute(
        select(PbProject.project_id, PbProject.file_id).where(PbProject.cycle_id == cycle.id)))
    per_currency = 100 // unit

    def money(amount: int) -> int | float:
        whole, rest = divmod(amount, per_currency)
        return whole if not rest else amount / per_currency

    return {
        "rule": outcome.rule.value,
        "winners": [numbers[w] for w in outcome.winners],
        "categories": [
            {"name": c.name, "budget": money(c.budget),
             "winners": [numbers[w] for w in c.winners]}
            for c in outcome.categories
        ],
    }


def cycle_projects(session, cycle: Cycle) -> list[Project]:
    return list(session.execute(select(Project).where(Project.cycle_id == cycle.id)).scalars())


def closed_cycle(session, cycle_id: int) -> Cycle:
    """The cycle, if its vote has closed; otherwise the command stops and says why."""
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise click.ClickException(f"no cycle {cycle_id}")
    if not vote_over(cycle, utcnow()):
        raise click.ClickException(
            f"cycle {cycle_id}: the vote is not closed; its ballots and results are not "
            "published before the close")
    return cycle


@cli.cli.command("tally")
@click.argument("cycle_id", type=int)
@click.option("--rule", type=click.Choice([r.value for r in WinnerRule]),
              help="Count with this rule instead of the cycle's own.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the only output format).")
def tally(cycle_id: int, rule: str | None, as_json: bool) -> None:
    """Count CYCLE_ID and print the winners as JSON; nothing is stored."""
    session = db_session()
    cycle = closed_cycle(session, cycle_id)
    try:
        counted = tally_json(session, cycle, rule)
    except ValueError as error:  # e.g. greedy-threshold without a threshold, lottery unseeded
        raise click.ClickException(str(error)) from None
    click.echo(json.dumps(counted, ensure_ascii=False))


@cli.cli.command("export")
@click.argument("cycle_id", type=int)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write here: the .pb file, or a .zip of one .pb per category.")
def export(cycle_id: int, output: Path | None) -> None:
    """Write the anonymous ballots of CYCLE_ID as .pb (one file per category)."""
    session = db_session()
    cycle = closed_cycle(session, cycle_id)
    try:
        files = export_cycle(session, cycle, now=utcnow())
    except VoteOpen:  # closed_cycle asked already; the clock may have moved since
        raise click.ClickException(f"cycle {cycle_id}: the vote is not closed") from None
    if len(files) == 1:
        (text,) = files.values()
        if output is None:
            click.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
        return
    if output is None:
        raise click.ClickException(
            f"cycle {cycle_id} has {len(files)} categories, one .pb each: "
            "give --output FILE.zip")
    output.write_bytes(as_zip(files))
    click.echo("\n".join(files))
