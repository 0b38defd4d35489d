"""The worker makes a meeting protocol's PDF and DOCX, never a request
(``portal.documents``)."""

from __future__ import annotations

from flask_babel import force_locale

from portal.db import db_session
from portal.documents import keep_file
from portal.i18n import _l
from portal.jobs import job
from portal.review.protocol import Protocol


@job(label=_l("Prepare a meeting protocol's PDF or DOCX file"), retries=2)
def make_protocol_file(digest: str, protocol: Protocol, html: str, fmt: str, locale: str,
                       mimetype: str, filename: str) -> None:
    from portal.review.documents import protocol_docx, protocol_pdf

    with force_locale(locale):
        content = protocol_pdf(html) if fmt == "pdf" else protocol_docx(protocol)
    keep_file(db_session(), digest, content, mimetype=mimetype, filename=filename)
