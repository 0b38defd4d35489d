"""``--community CODE`` for the command groups whose work is a community's (reports, the
audit log, roles, pabulib files): without it they work for the default community, as the
portal's pages without a prefix do."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.tenancy import scope
from portal.tenancy.routing import directory


def community_option(group: click.Group) -> None:
    """Give ``group`` the option ``--community CODE`` (a КАТОТТГ code): its commands then
    work for that community."""
    group.params.append(click.Option(
        ["--community", "community_code"], default=None, metavar="CODE",
        help="The КАТОТТГ code of the community to work for (default: the default one)."))

    @with_appcontext
    def enter(community_code: str | None = None) -> None:
        if not community_code:
            return
        places = directory()
        places.refresh(force=True)
        place = places.by_code.get(community_code.strip().upper())
        if place is None:
            raise click.BadParameter(f"there is no active community {community_code}.",
                                     param_hint="--community")
        token = scope.enter(place.id)
        click.get_current_context().call_on_close(lambda: scope.leave(token))

    group.callback = enter
