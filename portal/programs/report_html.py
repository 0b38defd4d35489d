"""Reports as HTML: the printable stand-alone page, and the markup the PDF is made from."""

from __future__ import annotations

from flask import render_template, url_for

from portal.i18n import get_locale
from portal.programs.report_document import Document


def render_html(document: Document, *, for_pdf: bool = False) -> str:
    """A complete HTML page of ``document``; for the PDF the stylesheet is passed apart."""
    return render_template(
        "programs/report/document.html",
        document=document,
        lang=str(get_locale() or "uk"),
        stylesheet_url=None if for_pdf else url_for("static", filename="css/report.css"),
    )


def render_html_bytes(document: Document) -> bytes:
    return render_html(document).encode("utf-8")
