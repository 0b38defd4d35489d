"""Reports as HTML: the printable stand-alone page, and the markup the PDF is made from.

The stand-alone page carries its stylesheet inside, so a file written by ``flask report``
or saved from the browser prints the same anywhere; the portal serves it with a policy
that allows that one inline stylesheet and nothing else (``views._file``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import render_template
from markupsafe import Markup

from portal.i18n import get_locale
from portal.reports.document import Document

STYLESHEET = Path(__file__).resolve().parents[2] / "static" / "css" / "report.css"
STANDALONE_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                     "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@cache
def _stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def render_html(document: Document, *, for_pdf: bool = False) -> str:
    """A complete HTML page of ``document``; for the PDF the stylesheet is passed apart."""
    return render_template(
        "reports/document.html",
        document=document,
        lang=str(get_locale() or "uk"),
        stylesheet=None if for_pdf else Markup(_stylesheet()),  # noqa: S704 - our own file
    )


def render_html_bytes(document: Document) -> bytes:
    return render_html(document).encode("utf-8")
