"""The audit log's hourly checkpoint, signed by the worker (as ``flask audit checkpoint``
does by hand). A log that does not check out is not signed: the job fails, and its error
("the chain is broken after event ...") waits on the administrators' page of failed jobs."""

from __future__ import annotations

from flask import current_app
from huey import crontab

from portal.audit.checkpoints import take_checkpoint
from portal.audit.signing import configured_key
from portal.clock import utcnow
from portal.db import db_session
from portal.i18n import _l
from portal.jobs import periodic
from portal.refusal import Refused


class LogDoesNotCheckOut(RuntimeError):
    """The audit log since the last checkpoint does not check out; nothing was signed."""


@periodic(crontab(minute="0"), label=_l("Sign the hourly checkpoint of the audit log"))
def sign_checkpoint() -> None:
    try:
        take_checkpoint(db_session(), key=configured_key(current_app.config), now=utcnow())
    except Refused as refused:
        raise LogDoesNotCheckOut(str(refused)) from None
