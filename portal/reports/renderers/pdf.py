"""Reports as PDF: WeasyPrint draws the same HTML as the printable page.

Fonts are DejaVu, installed with the system (``/usr/share/fonts/truetype/dejavu``): they
cover Cyrillic, the no-break space of the number format and the dash of empty cells.
"""

from __future__ import annotations

import logging
from pathlib import Path

from portal.reports.document import Document
from portal.reports.renderers.html import render_html

STATIC = Path(__file__).resolve().parents[2] / "static" / "css" / "report.css"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

# WeasyPrint reports every layout step at INFO; the portal's log is for the portal.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

_FONT_FACES = "\n".join(
    f'@font-face {{ font-family: "DejaVu Sans"; src: url("{(DEJAVU / file).as_uri()}"); '
    f"font-weight: {weight}; font-style: {style}; }}"
    for file, weight, style in (
        ("DejaVuSans.ttf", 400, "normal"),
        ("DejaVuSans-Bold.ttf", 700, "normal"),
        ("DejaVuSans-Oblique.ttf", 400, "italic"),
        ("DejaVuSans-BoldOblique.ttf", 700, "italic"),
    )
    if (DEJAVU / file).exists()
)


def render_pdf(document: Document) -> bytes:
    """The PDF of ``document``, A4, landscape or portrait as the document asks."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    page = "A4 landscape" if document.landscape else "A4"
    stylesheets = [
        CSS(string=_FONT_FACES, font_config=fonts),
        CSS(filename=str(STATIC), font_config=fonts),
        CSS(string=f"@page {{ size: {page}; }}", font_config=fonts),
    ]
    html = HTML(string=render_html(document, for_pdf=True), base_url=str(STATIC.parent))
    # Tagged PDF/UA-1: headings, tables and reading order for screen readers, and the
    # document's language (the page's lang) and title (its <title>) in the catalogue.
    return html.write_pdf(stylesheets=stylesheets, font_config=fonts, presentational_hints=True,
                          pdf_variant="pdf/ua-1")
