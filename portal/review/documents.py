"""The protocol as files: DOCX with python-docx, PDF by WeasyPrint from the print view's HTML.

Both are laid out as Ukrainian office documents usually are: A4, Times New Roman 14 pt in
Word (the PDF embeds DejaVu Serif, a free font with the whole Cyrillic alphabet, from
Debian's fonts-dejavu-core package), left margin 3 cm for filing.
"""

from __future__ import annotations

from functools import cache
from io import BytesIO
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from portal.review.protocol import Protocol

STATIC = Path(__file__).resolve().parent.parent / "static"
PROTOCOL_CSS = STATIC / "css" / "protocol.css"
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


#: The PDF's font: DejaVu Serif, found by fontconfig by its family name (fonts-dejavu-core).
#: The same in every PDF whatever other serif fonts the machine has, as protocol.css lets
#: Times New Roman or Liberation Serif come first for the print view in a browser. (The
#: @font-face rules for the same files that were here never applied: WeasyPrint reads
#: them only with a font configuration, which the protocol was not given. With the one
#: it is given now they would embed the fonts again under another name.)
PDF_FONT = '.protocol { font-family: "DejaVu Serif", serif; }'


@cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class NothingFetched(URLFetcher):
        """A protocol loads nothing: its text is the commission's, its font the system's."""

        def fetch(self, url, headers=None):
            raise ValueError(f"refusing to fetch {url!r} for a protocol")

    return NothingFetched


def protocol_pdf(html: str) -> bytes:
    """The print view's HTML (rendered without its stylesheet link) as PDF.

    Written as the reports are (``portal.reports.renderers.pdf.write_pdf``: the thread's
    one font configuration, tagged PDF/UA-1 with the page's lang="uk" and title).
    """
    from portal.reports.renderers.pdf import write_pdf

    return write_pdf(html, base_url=str(STATIC), url_fetcher=_fetcher_class()(),
                     stylesheets=[PROTOCOL_CSS, PDF_FONT])
