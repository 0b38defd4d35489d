"""Uploads are judged by their content, size and name, never by what they claim."""

import hashlib
import io

import pytest
from PIL import Image

from portal.uploads import PDF, AttachmentKind, UploadProblem, check_upload, name_problem
from tests.factories.files import one_page_pdf

LIMIT = 1024 * 1024


def image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (10, 20, 30)).save(buffer, kind)
    return buffer.getvalue()


@pytest.mark.parametrize(("kind", "name", "content_type"), [
    ("JPEG", "двір.JPG", "image/jpeg"), ("PNG", "план.png", "image/png"),
    ("WEBP", "фото.webp", "image/webp"),
])
def test_real_images_are_accepted_as_photos(kind, name, content_type):
    checked = check_upload(image(kind), name, max_bytes=LIMIT)
    assert checked.type.content_type == content_type
    assert checked.type.kind is AttachmentKind.PHOTO and len(checked.sha256) == 64


def test_a_pdf_is_accepted_as_a_document():
    checked = check_upload(one_page_pdf(), "кошторис.pdf", max_bytes=LIMIT)
    assert checked.type is PDF and checked.type.kind is AttachmentKind.DOCUMENT


@pytest.mark.parametrize(("data", "name", "problem"), [
    (b"", "a.jpg", UploadProblem.EMPTY),
    (b"\xff\xd8\xff" + b"0" * LIMIT, "a.jpg", UploadProblem.TOO_LARGE),
    (b"MZ\x90\x00" + b"\x00" * 100, "photo.jpg", UploadProblem.NOT_ALLOWED),
    (b"<svg onload='alert(1)'/>", "logo.svg", UploadProblem.SVG),
    (b'\xef\xbb\xbf<?xml version="1.0"?><svg><script/></svg>', "logo.png", UploadProblem.SVG),
    (image("PNG"), "photo.jpg", UploadProblem.EXTENSION_MISMATCH),
    (image("JPEG"), "photo.exe", UploadProblem.EXTENSION_MISMATCH),
    (b"\xff\xd8\xff\xe0 not really a jpeg", "a.jpg", UploadProblem.BROKEN_IMAGE),
    (b"%PDF-1.4 /OpenAction << /S /JavaScript /JS (app.alert(1)) >>", "a.pdf",
     UploadProblem.PDF_UNREADABLE),
])
def test_each_bad_file_is_refused_with_its_reason(data, name, problem):
    assert check_upload(data, name, max_bytes=LIMIT) is problem


@pytest.mark.parametrize("name", [
    "../../etc/passwd.jpg", "..\\..\\win.ini.jpg", "/abs/path.jpg", "photo", ".hidden.jpg",
    "a\x00b.jpg", "dir/photo.jpg", "x" * 300 + ".jpg", "con:stream.jpg", " ",
])
def test_dangerous_names_are_refused_not_repaired(name):
    assert name_problem(name) is UploadProblem.BAD_NAME


def test_an_ordinary_ukrainian_name_with_spaces_is_fine():
    assert name_problem("Фото двору, травень 2026.jpg") is None


def photo_with_metadata(kind: str) -> bytes:
    """A 20 x 10 photo that says where and how it was taken, turned by its orientation tag
    (6: the camera was held on its side, the picture must be turned 90 degrees)."""
    picture = Image.new("RGB", (20, 10), (10, 20, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "Телефон автора"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 35.0, 47.0), 3: "E", 4: (38.0, 0.0, 1.0)}  # GPS
    buffer = io.BytesIO()
    if kind == "PNG":
        from PIL.PngImagePlugin import PngInfo

        text = PngInfo()
        text.add_text("Author", "Петренко, вул. Сибірцева, 5")
        picture.save(buffer, kind, exif=exif, pnginfo=text)
    else:
        picture.save(buffer, kind, exif=exif)
    return buffer.getvalue()


@pytest.mark.parametrize(("kind", "name"), [("JPEG", "двір.jpg"), ("PNG", "план.png"),
                                           ("WEBP", "фото.webp")])
def test_a_photo_is_stored_upright_without_its_metadata(kind, name):
    original = photo_with_metadata(kind)
    with Image.open(io.BytesIO(original)) as before:  # the test photo does carry it
        assert before.getexif().get(0x0112) == 6 and before.getexif().get_ifd(0x8825)
    checked = check_upload(original, name, max_bytes=LIMIT)
    with Image.open(io.BytesIO(checked.data)) as stored:
        assert stored.format == kind
        assert dict(stored.getexif()) == {}
        assert not {"exif", "xmp", "Author"} & set(stored.info)
        assert stored.size == (10, 20)  # the orientation was applied to the pixels
    assert "Петренко".encode() not in checked.data
    assert checked.sha256 == hashlib.sha256(checked.data).hexdigest()


def test_a_transparent_palette_png_keeps_its_transparency():
    picture = Image.new("P", (8, 8), 0)
    picture.putpalette([255, 255, 255, 200, 30, 30] + [0] * 762)
    picture.putpixel((4, 4), 1)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", transparency=0)
    checked = check_upload(buffer.getvalue(), "знак.png", max_bytes=LIMIT)
    with Image.open(io.BytesIO(checked.data)) as stored:
        rgba = stored.convert("RGBA")
        assert rgba.getpixel((0, 0))[3] == 0 and rgba.getpixel((4, 4)) == (200, 30, 30, 255)


@pytest.mark.parametrize(("kind", "name"), [("JPEG", "a.jpg"), ("PNG", "a.png"),
                                           ("WEBP", "a.webp")])
def test_a_photo_cut_short_is_refused_as_broken(kind, name, monkeypatch):
    from PIL import ImageFile

    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 50).convert("RGB").save(buffer, kind)
    cut = buffer.getvalue()[:len(buffer.getvalue()) * 4 // 5]
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", False)  # Pillow's default
    assert check_upload(cut, name, max_bytes=LIMIT) is UploadProblem.BROKEN_IMAGE
    # WeasyPrint, once imported for a PDF, turns padding on for the whole process: the photo
    # is then taken, padded, and still re-encoded without an error.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    result = check_upload(cut, name, max_bytes=LIMIT)
    assert result is UploadProblem.BROKEN_IMAGE or Image.open(io.BytesIO(result.data)).size == (
        200, 200)
