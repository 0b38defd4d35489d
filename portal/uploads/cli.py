"""``flask --app portal uploads copy --to PLACE``: the uploaded files, copied from where they
are kept now (``UPLOAD_STORAGE``) to another place, so that an installation can move them:
copy, set ``UPLOAD_STORAGE`` to the new place, restart. The files stay where they were
until the operator removes them (switching back stays possible), and running it again
copies only what is not there yet."""

from __future__ import annotations

import click
from flask import Blueprint, current_app

from portal.db import db_session
from portal.i18n import _
from portal.uploads.storage import FileMissing, StorageUnavailable, open_store, store_for

cli = Blueprint("uploads_cli", __name__, cli_group="uploads")


@cli.cli.command("copy")
@click.option("--to", "target", required=True, metavar="PLACE",
              help="disk (UPLOAD_FOLDER), database, or s3://bucket/prefix "
                   "(at UPLOAD_S3_ENDPOINT_URL).")
def copy(target: str) -> None:
    """Copy every uploaded file from the storage in use to PLACE."""
    session = db_session()
    config = current_app.config
    try:
        source = open_store(config, session)
        destination = store_for(target, config, session)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--to") from None
    if source.describe() == destination.describe():
        raise click.ClickException(_("The files are kept in %(place)s already.",
                                     place=source.describe()))
    copied = present = 0
    try:
        there = set(destination.names())
        for name in source.names():
            if name in there:
                present += 1
                continue
            try:
                destination.put(name, source.read(name))
            except FileMissing:
                continue  # removed since it was listed
            session.commit()  # each file copied stays copied, whatever happens next
            copied += 1
    except StorageUnavailable as error:
        session.rollback()
        raise click.ClickException(_(
            "The storage cannot be reached (%(error)s); %(count)d files were copied before "
            "that. Run the command again once it answers.", error=str(error),
            count=copied)) from None
    click.echo(_("Copied to %(place)s: %(copied)d files; %(present)d were there already.",
                 place=destination.describe(), copied=copied, present=present))
    click.echo(_("To use it, set UPLOAD_STORAGE=%(setting)s and restart the portal.",
                 setting=target.strip()))
