"""The worker makes a report's PDF and DOCX (seconds of WeasyPrint or python-docx each),
never a request: the request hands over the laid-out document and gets the file once made
(``portal.documents``)."""

from __future__ import annotations

from flask_babel import force_locale

from portal.db import db_session
from portal.documents import keep_file
from portal.i18n import _l
from portal.jobs import job
from portal.reports.document import Document


@job(label=_l("Prepare a report's PDF or DOCX file"), retries=2)
def make_report_file(digest: str, document: Document, fmt: str, locale: str, mimetype: str,
                     filename: str) -> None:
    with force_locale(locale):
        if fmt == "pdf":
            from portal.reports.renderers.pdf import render_pdf

            content = render_pdf(document)
        else:
            from portal.reports.renderers.docx import render_docx

            content = render_docx(document)
    keep_file(db_session(), digest, content, mimetype=mimetype, filename=filename)
