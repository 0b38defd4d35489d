"""Files the worker makes for a request (the PDF and DOCX of reports and protocols), never
made inside the request, and kept by the digest of what they are made from.

A page that offers such a file computes its digest from the inputs (the document's HTML,
the format, the maker's version: ``digest_of``) and calls ``file_or_wait``. A file made
from the same inputs before is sent at once; otherwise the worker is asked to make it (once,
however many readers ask meanwhile) and the reader gets a short page saying it is being
prepared, which asks again by itself (``Refresh``; a button without script), and a
``Retry-After`` for programs. Changed records give a new digest, hence a new file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import make_response, render_template, request
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, undefer

from portal.clock import utcnow
from portal.db import db_session
from portal.documents.models import MadeFile
from portal.jobs import enqueue_after_commit

#: A file asked for this long ago and still not made is asked for again (a worker died).
ASKED_FOR = timedelta(minutes=5)
#: Seconds the waiting page waits before asking again.
WAIT_SECONDS = 2


def digest_of(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def made_file(session: Session, digest: str) -> MadeFile | None:
    """The file of ``digest`` with its content, if it is made."""
    found = session.scalars(select(MadeFile).where(MadeFile.digest == digest)
                            .options(undefer(MadeFile.content))).one_or_none()
    return found if found is not None and found.content is not None else None


def keep_file(session: Session, digest: str, content: bytes, *, mimetype: str,
              filename: str) -> None:
    """Keep what the worker made (a second making of the same digest changes nothing)."""
    found = session.get(MadeFile, digest)
    now = utcnow()
    if found is None:
        session.add(MadeFile(digest=digest, mimetype=mimetype, filename=filename,
                             content=content, size=len(content), requested_at=now,
                             made_at=now))
    elif found.made_at is None:
        found.content, found.size, found.made_at = content, len(content), now
        found.mimetype, found.filename = mimetype, filename


def ask_for(session: Session, digest: str, *, mimetype: str, filename: str,
            make: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Have the worker run ``make(digest, *args)`` once the request commits, unless it has
    been asked for lately."""
    now = utcnow()
    found = session.get(MadeFile, digest)
    if found is None:
        try:
            with session.begin_nested():
                session.add(MadeFile(digest=digest, mimetype=mimetype, filename=filename,
                                     requested_at=now))
        except IntegrityError:
            return  # another reader asked for it at the same moment
    elif found.requested_at > now - ASKED_FOR:
        return
    else:
        renewed = session.execute(
            update(MadeFile).where(MadeFile.digest == digest,
                                   MadeFile.requested_at == found.requested_at)
            .values(requested_at=now).execution_options(synchronize_session=False)).rowcount
        if not renewed:
            return
    enqueue_after_commit(session, make, digest, *args)


def file_or_wait(digest: str, *, mimetype: str, filename: str, disposition: str,
                 make: Callable[..., Any], args: tuple[Any, ...], title: str):
    """The response for a file the worker makes: the file, or the page that waits for it."""
    session = db_session()
    found = made_file(session, digest)
    if found is not None:
        response = make_response(found.content)
        response.headers["Content-Type"] = found.mimetype
        response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
        response.set_etag(digest)
        return response.make_conditional(request)
    ask_for(session, digest, mimetype=mimetype, filename=filename, make=make, args=args)
    response = make_response(render_template(
        "documents/preparing.html", title=title, filename=filename, seconds=WAIT_SECONDS), 202)
    response.headers["Retry-After"] = str(WAIT_SECONDS)
    response.headers["Refresh"] = str(WAIT_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response
