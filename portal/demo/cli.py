"""``flask --app portal demo load``: demo data, loaded once (a second load returns at once);
``flask --app portal demo guide``: where the demo's communities are served, who to log in
as in each, and what to try.

Every start of the app registers these commands, the web server's too: the loaders (and
Pillow, which draws the photos) are imported only when a command runs.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

import click
from flask import Blueprint, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from portal.clock import KYIV, utcnow
from portal.cycles.messages import PHASES
from portal.cycles.models import Cycle
from portal.cycles.rules import Phase
from portal.db import db_session
from portal.links import external_url
from portal.tenancy import scope
from portal.tenancy.models import Community
from portal.tenancy.routing import directory

cli = Blueprint("demo_cli", __name__, cli_group="demo")

_LANGUAGE = click.option("--language", type=click.Choice(["uk", "en"]), default=None,
                         help="The language of the guide (the portal's default).")


def _day(moment: datetime) -> str:
    return moment.astimezone(KYIV).strftime("%d.%m.%Y")


def _last_day(end: datetime) -> str:
    """A phase ends at midnight: its last day is the one before."""
    return _day(end - timedelta(seconds=1))


@cli.cli.command("load")
@click.option("--guide", "with_guide", is_flag=True,
              help="Then print the guide instead of the list of accounts (as make run does).")
@_LANGUAGE
def load(with_guide: bool, language: str | None) -> None:
    """Load the demo's communities and accounts, then print how to log in.

    A database that holds the demo already is left as it is, at once.
    """
    from portal.audit.signing import configured_key
    from portal.demo.accounts import DEMO_PASSWORD
    from portal.demo.loading import load_demo
    from portal.projects.views import upload_store

    session = db_session()
    started = time.monotonic()
    loaded = load_demo(session, secret=current_app.config["PERSON_KEY_SECRET"],
                       audit_key=configured_key(current_app.config), store=upload_store(),
                       now=utcnow())
    session.commit()
    directory().forget()  # the communities just made have their addresses
    if loaded.fresh:
        _analyze(session)
    with force_locale(language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        if not loaded.fresh:
            click.echo(_("The demo is already loaded (on %(day)s): nothing to do.",
                         day=_day(loaded.at)))
        elif with_guide:
            click.echo(_("Demo loaded in %(seconds)d s.",
                         seconds=round(time.monotonic() - started)))
        else:
            click.echo(_("Password of every demo account: %(password)s",
                         password=DEMO_PASSWORD))
            for line in account_lines(session, loaded):
                click.echo(line)
    if with_guide:
        _print_guide(language)


def _analyze(session) -> None:
    """On PostgreSQL, statistics for the tables just filled: without them the planner takes
    the 16 500 ballots for 41 rows until autovacuum comes by; VACUUM also lets index-only
    scans skip the heap."""
    engine = session.get_bind().engine
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


def account_lines(session, loaded) -> list[str]:
    """Each community of the demo just loaded (name, code, address), then its accounts with
    the roles they hold there."""
    lines = []
    for community_id, accounts in loaded.communities:
        lines.append(_community_line(session, community_id))
        lines += [f"  {user.email:32} {', '.join(r.label for r in roles)}"
                  for user, roles in accounts]
    return lines


def _community_line(session, community_id: int) -> str:
    """The community's name, КАТОТТГ code and address (the prefix, or "/" for the default)."""
    community = session.get(Community, community_id)
    with scope.inside(community_id):
        return _("%(name)s (КАТОТТГ %(code)s): %(url)s", name=community.name,
                 code=community.code, url=external_url("main.index"))


def guide_lines(session, now: datetime) -> list[str]:
    """The demo's guide: the address, then for each community its address, who to log in
    as and what each of its cycles offers today; where the mail goes."""
    from portal.demo.accounts import DEMO_PASSWORD
    from portal.demo.communities import bakhmut
    from portal.demo.loading import COMMUNITIES

    home = external_url("main.index")
    lines = [_("The portal: %(url)s", url=home)]
    if scope.default_community_id(session) <= 0:
        lines.append(_("No community is served without a prefix, so this address lists "
                       "them (make run serves Bakhmut there: DEFAULT_COMMUNITY=%(code)s).",
                       code=bakhmut(current_app.config).code))
    lines += ["", _("Password of every demo account: %(password)s", password=DEMO_PASSWORD)]
    for demo in COMMUNITIES:
        community_id = demo.place(session, now, create=False)
        if community_id is None:
            continue  # not loaded
        lines += ["", _community_line(session, community_id)]
        width = max(len(email) for email, _about in demo.guide) + 1
        lines += [f"  {email:{width}}{about}" for email, about in demo.guide]
        with scope.inside(community_id):
            lines += _cycle_lines(session, now)
    outbox = Path(current_app.config["MAIL_OUTBOX"]).resolve()
    lines += ["", _("Mail is not sent: every message (the e-mail confirmation, the ballot's "
                    "receipt) is written as a file to %(folder)s", folder=outbox),
              _("Stop the portal with Ctrl+C.")]
    return lines


def _cycle_lines(session, now: datetime) -> list[str]:
    """What each cycle of the current community offers today, with its address."""
    lines = []
    for cycle in session.execute(select(Cycle).order_by(Cycle.voting_start.desc())).scalars():
        phase = cycle.phase(now)
        url = external_url("main.cycle", cycle_id=cycle.id)
        if phase is Phase.VOTING:
            text = _("voting now, until %(day)s: %(url)s", day=_last_day(cycle.voting_end),
                     url=url)
        elif phase is Phase.SUBMISSION:
            text = _("accepting projects until %(day)s: %(url)s",
                     day=_last_day(cycle.submission_end), url=url)
        elif phase in (Phase.RESULTS, Phase.IMPLEMENTATION):
            text = _("%(phase)s; results: %(url)s", phase=PHASES[phase],
                     url=external_url("results.page", cycle_id=cycle.id))
        else:
            text = f"{PHASES[phase]}: {url}"
        lines.append(f"  «{cycle.name}» — {text}")
    return lines


@cli.cli.command("guide")
@_LANGUAGE
def guide(language: str | None) -> None:
    """Print where the demo is served, who to log in as and what to try."""
    _print_guide(language)


def _print_guide(language: str | None) -> None:
    click.echo("")
    with force_locale(language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        for line in guide_lines(db_session(), utcnow()):
            click.echo(line)
