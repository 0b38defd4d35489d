"""``flask --app portal worker``: run the background jobs until stopped (SIGTERM or Ctrl+C
let the jobs under way finish); ``--burst`` runs what is queued and exits."""

from __future__ import annotations

import logging

import click
from flask import Blueprint, current_app

from portal.jobs import queue

cli = Blueprint("jobs_cli", __name__, cli_group=None)


@cli.cli.command("worker")
@click.option("--burst", is_flag=True,
              help="Run the jobs queued now (and those due), then exit.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Jobs run side by side (JOBS_WORKERS, 2 by default).")
def worker(burst: bool, workers: int | None) -> None:
    """Run the background jobs: mail, documents, schedules."""
    jobs = queue()
    if jobs.immediate:
        raise click.ClickException("JOBS_URL=immediate runs each job when it is queued: "
                                   "there is no queue for a worker.")
    if burst:
        ran = jobs.run_burst()
        click.echo(f"{ran} job(s) run.")
        return
    logging.getLogger("huey").setLevel(logging.INFO)
    consumer = jobs.huey.create_consumer(
        workers=workers or current_app.config["JOBS_WORKERS"], worker_type="thread",
        periodic=True, initial_delay=0.1, backoff=1.15, max_delay=1.0)
    consumer.run()
