"""Reports as PDF: WeasyPrint draws the same HTML as the printable page.

Fonts are DejaVu, installed with the system (``/usr/share/fonts/truetype/dejavu``): they
cover Cyrillic, the no-break space of the number format and the dash of empty cells.

Every PDF of the portal (reports here, the commission's protocol in
``portal.review.documents``) is written by :func:`write_pdf`, with the thread's one
WeasyPrint ``FontConfiguration``. A worker renders PDFs for as long as it lives, and
a ``FontConfiguration`` is never given back: WeasyPrint 70 loads a fontconfig
configuration of every installed font (``FcInitLoadConfigAndFonts``) and hands it to a
new Pango font map, and with Pango 1.50 and fontconfig 2.14 that configuration stays in
memory after the font map and its ``FontConfiguration`` are gone (measured alone:
loading and destroying a configuration, or making and dropping a font map, keeps nothing;
the two together keep 0.22 MiB each time). Made anew for each PDF, as before, a process
grew by 0.31 MiB with each annual report (0.22 of it this, the rest the font features
below) and by 0.54 MiB with each report and protocol, for as long as it ran
(``tests/bench/results/pdf_memory.md``).

Pango and fontconfig objects are not to be shared between threads, so each thread
(a gunicorn thread, a huey worker thread) makes its own once, on its first PDF, and keeps
it: as many as the process has threads that render, each made once. The
``@font-face`` rules of every stylesheet are added to it; WeasyPrint adds a rule it
has seen before at once (a file in its temporary folder, named after the rule), so
later PDFs add nothing.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Sequence
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

# No PDF asks for an OpenType feature. report.css asks for tabular figures in number cells
# (for the browser's fonts), and WeasyPrint's own stylesheet asks for them in list markers
# (the protocol's numbered lists). The PDFs' fonts are DejaVu Sans and DejaVu Serif,
# whose figures are all of one width and which have no ``tnum`` feature: the request
# changes no glyph (the demo's annual report and protocol are the same PDFs, byte for
# byte, without it). But WeasyPrint 70 leaks native memory for every piece of text that
# asks for a feature: ``Layout.setup`` (weasyprint/text/line_break.py) makes a Pango
# attribute list and a feature attribute that it never frees, and heaptrack shows what
# Pango builds from them for that text (runs, glyphs) never freed either: 0.075 MiB more
# with each annual report, 0.016 MiB with each protocol, one font configuration or not.
# Nor should a PDF's CSS ask for other features (font-variant-caps, -ligatures, -position,
# font-kerning, font-feature-settings) while WeasyPrint leaks them
# (tests/unit/test_pdf_memory.py).
_NO_FONT_FEATURES = "*, ::before, ::after, ::marker { font-variant-numeric: normal !important; }"

_thread = threading.local()


@atexit.register
def _let_go_at_exit() -> None:
    # The main thread's configuration is freed while WeasyPrint's module is still whole
    # (at interpreter shutdown its __del__ would find the module's names gone, and say so).
    _thread.__dict__.pop("fonts", None)


def font_configuration():
    """This thread's WeasyPrint ``FontConfiguration``, made on its first PDF (see above)."""
    fonts = getattr(_thread, "fonts", None)
    if fonts is None:
        from weasyprint.text.fonts import FontConfiguration

        fonts = _thread.fonts = FontConfiguration()
    return fonts


def write_pdf(html: str, *, base_url: str, stylesheets: Sequence[str | Path],
              url_fetcher=None, presentational_hints: bool = False) -> bytes:
    """``html`` as a tagged PDF/UA-1, with ``stylesheets`` (CSS text, or a file's path) and,
    last, the rule that asks for no font feature (above).

    The document's language (the page's lang) and title (its <title>) are set in the
    catalogue; headings, tables and reading order are tagged for screen readers.
    ``url_fetcher`` (a ``weasyprint.urls.URLFetcher``; WeasyPrint's own when None) loads
    what the page and the stylesheets refer to.
    """
    from weasyprint import CSS, HTML

    fonts = font_configuration()
    sheets = [CSS(filename=str(sheet), font_config=fonts, url_fetcher=url_fetcher)
              if isinstance(sheet, Path)
              else CSS(string=sheet, font_config=fonts, url_fetcher=url_fetcher)
              for sheet in [*stylesheets, _NO_FONT_FEATURES]]
    return HTML(string=html, base_url=base_url, url_fetcher=url_fetcher).write_pdf(
        stylesheets=sheets, font_config=fonts, presentational_hints=presentational_hints,
        pdf_variant="pdf/ua-1")


def render_pdf(document: Document) -> bytes:
    """The PDF of ``document``, A4, landscape or portrait as the document asks."""
    page = "A4 landscape" if document.landscape else "A4"
    return write_pdf(render_html(document, for_pdf=True), base_url=str(STATIC.parent),
                     stylesheets=[_FONT_FACES, STATIC, f"@page {{ size: {page}; }}"],
                     presentational_hints=True)
