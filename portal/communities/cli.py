"""``flask --app portal communities ...``: the platform's communities from the shell."""

from __future__ import annotations

import click
from flask import Blueprint, current_app

from portal.accounts.services import Secrets, reset_token
from portal.clock import utcnow
from portal.communities import services
from portal.db import db_session
from portal.i18n import _
from portal.links import external_url
from portal.refusal import Refused
from portal.tenancy import scope
from portal.tenancy.routing import directory, reserved_words

cli = Blueprint("communities_cli", __name__, cli_group="communities")


@cli.cli.command("create")
@click.argument("code")
@click.argument("name")
@click.option("--slug", required=True, help="The path prefix: /SLUG/...")
@click.option("--name-en", default="", help="The name in English.")
@click.option("--locality", "localities", multiple=True,
              help="A settlement of the community (repeat for each).")
@click.option("--domain", "domains", multiple=True,
              help="A host name of the community's own (repeat for each).")
@click.option("--displaced/--no-displaced", default=False,
              help="Internally displaced persons registered here may take part.")
@click.option("--admin", "admin_email", default="", help="E-mail of its first administrator.")
@click.option("--admin-name", default="", help="The administrator's name, for a new account.")
def create(code: str, name: str, slug: str, name_en: str, localities: tuple[str, ...],
           domains: tuple[str, ...], displaced: bool, admin_email: str, admin_name: str) -> None:
    """Add the community CODE (КАТОТТГ) called NAME to the platform."""
    session = db_session()
    now = utcnow()
    with scope.everywhere():
        admin = (services.first_admin_account(session, email=admin_email, name=admin_name,
                                              now=now) if admin_email else None)
        try:
            community = services.create_community(
                session, code=code, slug=slug, name=name, name_en=name_en,
                localities=localities, domains=domains, admits_displaced=displaced,
                admin=admin, actor=None, reserved=reserved_words(current_app), now=now)
        except Refused as refused:
            session.rollback()
            raise click.ClickException(
                "\n".join(str(problem) for problem in refused.problems)) from None
        session.commit()
    directory().forget()
    with scope.inside(community.id):
        click.echo(_("Community %(name)s (%(code)s): %(url)s", name=community.name,
                     code=community.code, url=external_url("main.index")))
        if admin is not None:
            click.echo(_("Administrator: %(email)s", email=admin.email))
            if not admin.has_password:
                config = current_app.config
                token = reset_token(admin, Secrets(config["SECRET_KEY"],
                                                   config["EMAIL_CONFIRM_MAX_AGE"],
                                                   config["PASSWORD_RESET_MAX_AGE"]))
                click.echo(_("The administrator sets a password here: %(url)s",
                             url=external_url("accounts.reset", token=token)))


@cli.cli.command("list")
def list_communities() -> None:
    """The communities on the platform: code, address, name."""
    with scope.everywhere():
        for community in services.communities(db_session()):
            with scope.inside(community.id):
                click.echo(f"{community.code}\t{external_url('main.index')}\t{community.name}")
