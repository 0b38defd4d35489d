"""``flask --app portal pb ...``: the research format on the command line.

``pb import-pabulib FILE`` loads a .pb election as a finished cycle and prints its id;
``pb tally CYCLE [--rule RULE] --json`` counts a cycle (without storing anything) and
prints the rule, the winners' project ids and each category's budget and winners.
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
from portal.pabulib.research import export_cycle, import_pb
from portal.projects.models import Project
from portal.refusal import Refused
from portal.results import rules
from portal.results.tallies import lottery_seed, rule_inputs
from portal.tenancy.commands import community_option

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
    """The count of ``cycle`` as the research tools print it: project ids are numbers."""
    seed = lottery_seed(session, cycle) if cycle.tie_rule.value == "lottery" else None
    inputs, unit = rule_inputs(session, cycle, rule=rule, seed=seed)
    outcome = rules.count(*inputs)
    numbers = {str(p.id): str(p.number) for p in cycle_projects(session, cycle)}
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


@cli.cli.command("tally")
@click.argument("cycle_id", type=int)
@click.option("--rule", type=click.Choice([r.value for r in WinnerRule]),
              help="Count with this rule instead of the cycle's own.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the only output format).")
def tally(cycle_id: int, rule: str | None, as_json: bool) -> None:
    """Count CYCLE_ID and print the winners as JSON; nothing is stored."""
    session = db_session()
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise click.ClickException(f"no cycle {cycle_id}")
    try:
        counted = tally_json(session, cycle, rule)
    except ValueError as error:  # e.g. greedy-threshold without a threshold, lottery unseeded
        raise click.ClickException(str(error)) from None
    click.echo(json.dumps(counted, ensure_ascii=False))


@cli.cli.command("export")
@click.argument("cycle_id", type=int)
def export(cycle_id: int) -> None:
    """Print the anonymous ballots of CYCLE_ID as a .pb file."""
    session = db_session()
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise click.ClickException(f"no cycle {cycle_id}")
    click.echo(export_cycle(session, cycle), nl=False)
