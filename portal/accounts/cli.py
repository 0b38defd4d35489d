"""``flask --app portal users ...``: accounts from the shell."""

from __future__ import annotations

import click
from flask import Blueprint

from portal.accounts import services
from portal.accounts.models import Role
from portal.clock import utcnow
from portal.db import db_session
from portal.refusal import Refused
from portal.tenancy.commands import community_option

cli = Blueprint("users_cli", __name__, cli_group="users")
community_option(cli.cli)


def _failure(refused: Refused) -> click.ClickException:
    """The refusal's words, one problem a line, as the command's error."""
    return click.ClickException("\n".join(str(problem) for problem in refused.problems))


@cli.cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", default="Administrator", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin(email: str, name: str, password: str) -> None:
    """Create a confirmed account holding the admin role (or give an account the role)."""
    session = db_session()
    now = utcnow()
    user = services.find_user_by_email(session, email)
    if user is None:
        try:
            user = services.register(session, email=email, password=password,
                                     display_name=name, locale="uk", now=now)
        except Refused as refused:
            raise _failure(refused) from None
    user.email_confirmed_at = user.email_confirmed_at or now
    services.grant_role(session, user=user, role=Role.ADMIN, actor=None, now=now)
    session.commit()
    click.echo(f"Administrator: {user.email}")


@cli.cli.command("grant")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in Role]))
def grant(email: str, role: str) -> None:
    """Give the account EMAIL the role ROLE."""
    session = db_session()
    user = services.find_user_by_email(session, email)
    if user is None:
        raise click.ClickException(f"No account with e-mail {email}")
    changed = services.grant_role(session, user=user, role=Role(role), actor=None, now=utcnow())
    session.commit()
    click.echo(f"{user.email}: {role} {'granted' if changed else 'already held'}")


@cli.cli.command("revoke")
@click.argument("email")
@click.argument("role", type=click.Choice([r.value for r in Role]))
def revoke(email: str, role: str) -> None:
    """Take the role ROLE from the account EMAIL."""
    session = db_session()
    user = services.find_user_by_email(session, email)
    if user is None:
        raise click.ClickException(f"No account with e-mail {email}")
    try:
        changed = services.revoke_role(session, user=user, role=Role(role), actor=None,
                                       now=utcnow())
    except Refused as refused:
        raise _failure(refused) from None
    session.commit()
    click.echo(f"{user.email}: {role} {'revoked' if changed else 'was not held'}")
