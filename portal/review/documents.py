"""The protocol as files: DOCX with python-docx, PDF by WeasyPrint from the print view's HTML.

Both are laid out as Ukrainian office documents usually are: A4, Times New Roman 14 pt in
Word (the PDF embeds DejaVu Serif, a free font with the whole Cyrillic alphabet, from
Debian's fonts-dejavu-core package), left margin 3 cm for filing.
"""

from __future__ import annotations

import logging
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from portal.review.protocol import Protocol

STATIC = Path(__file__).resolve().parent.parent / "static"
PROTOCOL_CSS = STATIC / "css" / "protocol.css"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {("normal", "normal"): "DejaVuSerif.ttf", ("bold", "normal"): "DejaVuSerif-Bold.ttf",
              ("normal", "italic"): "DejaVuSerif-Italic.ttf"}
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# DOCX ------------------------------------------------------------------------------------


def _paragraph(document, text: str = "", *, bold: bool = False, center: bool = False,
               label: str = "", indent: bool = False):
    paragraph = document.add_paragraph()
    if label:
        paragraph.add_run(label + " ").bold = True
    run = paragraph.add_run(text)
    run.bold = bold
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif text and not label:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1.25)
    return paragraph


def _borderless_row(document, left: str, right: str, *, bold: bool = False) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cells = table.rows[0].cells
    cells[0].paragraphs[0].add_run(left).bold = bold
    cells[1].paragraphs[0].add_run(right).bold = bold
    cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def protocol_docx(protocol: Protocol) -> bytes:
    """The protocol as a Word document."""
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(2)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    style.paragraph_format.space_after = Pt(4)

    if protocol.draft:
        _paragraph(document, protocol.labels.draft, bold=True, center=True)
    _paragraph(document, protocol.community.upper(), bold=True, center=True)
    _paragraph(document, protocol.title, bold=True, center=True)
    _paragraph(document, protocol.subtitle, center=True)
    _paragraph(document, protocol.cycle_name, center=True)
    _borderless_row(document, protocol.date_text, protocol.place)
    _paragraph(document)

    _paragraph(document, protocol.labels.present, bold=True)
    for index, member in enumerate(protocol.present, start=1):
        post = f", {member.position}" if member.position else ""
        _paragraph(document, f"{index}. {member.name} — {member.role}{post}")
    if protocol.absent:
        _paragraph(document, ", ".join(m.name for m in protocol.absent),
                   label=protocol.labels.absent)
    _paragraph(document, protocol.quorum_text, indent=True)

    _paragraph(document, protocol.labels.agenda, bold=True, center=True)
    if protocol.agenda_intro:
        _paragraph(document, protocol.agenda_intro, indent=True)
    for item in protocol.items:
        _paragraph(document, f"{item.number}. {item.subject}.")
    if protocol.minutes:
        _paragraph(document, protocol.labels.course, bold=True)
        for line in protocol.minutes.splitlines():
            if line.strip():
                _paragraph(document, line.strip(), indent=True)

    for item in protocol.items:
        _paragraph(document)
        _paragraph(document, f"{item.number}. {item.subject}.", bold=True)
        _paragraph(document, item.heard, label=protocol.labels.heard)
        if not item.decided:
            _paragraph(document, protocol.labels.postponed, label=protocol.labels.decided)
        for decided in item.decided:
            _paragraph(document, decided.text, label=protocol.labels.decided)
            _paragraph(document, decided.votes)
            _paragraph(document, decided.outcome)

    _paragraph(document)
    _borderless_row(document, protocol.labels.presiding, f"_____________  {protocol.presiding}")
    _paragraph(document)
    _borderless_row(document, protocol.labels.secretary, f"_____________  {protocol.secretary}")
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# PDF -------------------------------------------------------------------------------------


def _font_faces() -> str:
    """@font-face rules for DejaVu Serif when its files are installed, else nothing.

    Without the files WeasyPrint still finds DejaVu through fontconfig by family name.
    """
    rules = []
    for (weight, style), name in FONT_FILES.items():
        path = FONT_DIR / name
        if path.exists():
            rules.append(f'@font-face {{ font-family: "Protocol Serif"; font-weight: {weight}; '
                         f'font-style: {style}; src: url("{path.as_uri()}"); }}')
    rules.append('.protocol { font-family: "Protocol Serif", "DejaVu Serif", serif; }')
    return "\n".join(rules)


def _local_only(url: str, timeout: int = 10, ssl_context=None):
    """WeasyPrint's fetcher, limited to the font files: a protocol loads nothing else."""
    from weasyprint import default_url_fetcher

    if url.startswith(FONT_DIR.as_uri() + "/"):
        return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)
    raise ValueError(f"refusing to fetch {url!r} for a protocol")


def protocol_pdf(html: str) -> bytes:
    """The print view's HTML (rendered without its stylesheet link) as PDF."""
    from weasyprint import CSS, HTML

    # The portal logs at INFO; WeasyPrint's step-by-step progress is noise there.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    document = HTML(string=html, url_fetcher=_local_only, base_url=str(STATIC))
    # Tagged PDF/UA-1, its language (the page's lang="uk") and title set in the catalogue.
    return document.write_pdf(stylesheets=[
        CSS(filename=str(PROTOCOL_CSS)),
        CSS(string=_font_faces(), url_fetcher=_local_only),
    ], pdf_variant="pdf/ua-1")
