"""Photos are judged from their header before a pixel is decoded, and stored small.

The portal once took a 381 KB PNG of 7000 x 7000 16-bit pixels and spent 575 MB and 4 s of
a worker on it. What a file declares (format, size, frames, mode) now decides, before
decoding, whether and how it is decoded; the memory that costs is measured in
``test_upload_memory.py``.
"""

import io

import pytest
from PIL import Image

from portal.uploads import UploadProblem, check_upload
from portal.uploads.photos import MAX_PIXELS, MAX_SIDE, STORED_LONG_SIDE
from tests.factories.files import image, png

LIMIT = 10 * 1024 * 1024


def stored(data: bytes, name: str) -> Image.Image:
    checked = check_upload(data, name, max_bytes=LIMIT)
    assert not isinstance(checked, UploadProblem), checked
    return Image.open(io.BytesIO(checked.data))


def frames(kind: str) -> bytes:
    pictures = [Image.new("RGB", (40, 30), (i * 60, 90, 30)) for i in range(4)]
    return image(pictures[0], kind, save_all=True, append_images=pictures[1:], duration=100)


@pytest.mark.parametrize(("data", "name", "problem"), [
    # The PNG of the report: 381 KB, 7000 x 7000 at 16 bits.
    (png(7000, 7000, depth=16), "план.png", UploadProblem.IMAGE_TOO_BIG),
    # A bomb: a few bytes that declare 10 gigapixels, and ones that stay under Pillow's own
    # guard (89 MP) but over ours.
    (png(100_000, 100_000, rows=1), "a.png", UploadProblem.IMAGE_TOO_BIG),
    (png(9000, 9000, rows=1), "a.png", UploadProblem.IMAGE_TOO_BIG),
    (png(MAX_SIDE + 1, 8), "стрічка.png", UploadProblem.IMAGE_TOO_BIG),
    (png(2500, 2500, colour=0), "a.png", UploadProblem.IMAGE_TOO_BIG),  # 6.25 MP
    (image(Image.new("RGB", (2100, 2000)), "WEBP"), "a.webp", UploadProblem.IMAGE_TOO_BIG),
    # Progressive: libjpeg holds every coefficient of the whole image (6 bytes a pixel here).
    (image(Image.new("RGB", (4032, 3024)), "JPEG", progressive=True, subsampling=0), "a.jpg",
     UploadProblem.IMAGE_TOO_BIG),
    (frames("PNG"), "рух.png", UploadProblem.ANIMATED),
    (frames("WEBP"), "рух.webp", UploadProblem.ANIMATED),
    (frames("GIF"), "рух.gif", UploadProblem.NOT_ALLOWED),
    (frames("GIF"), "рух.png", UploadProblem.NOT_ALLOWED),
    (image(Image.new("RGB", (40, 30)), "TIFF"), "фото.jpg", UploadProblem.NOT_ALLOWED),
    (image(Image.new("CMYK", (40, 30)), "TIFF"), "фото.jpg", UploadProblem.NOT_ALLOWED),
], ids=["7000x7000 16-bit", "10 GP bomb", "81 MP bomb", "too long a side", "PNG over 6 MP",
        "WebP over 4 MP", "progressive 12 MP", "APNG", "animated WebP", "GIF",
        "GIF named .png", "TIFF named .jpg", "CMYK TIFF named .jpg"])
def test_what_the_header_declares_is_refused_before_decoding(data, name, problem):
    assert check_upload(data, name, max_bytes=LIMIT) is problem


def test_the_limits_are_those_the_message_names():
    assert MAX_PIXELS == {"JPEG": 50_000_000, "PNG": 6_000_000, "WEBP": 4_000_000}


def test_a_50_megapixel_phone_photo_is_stored_at_2048_pixels():
    picture = Image.linear_gradient("L").resize((8160, 6120)).convert("RGB")
    with stored(image(picture, "JPEG", quality=70), "камера.jpg") as photo:
        assert photo.format == "JPEG" and max(photo.size) <= STORED_LONG_SIDE
        assert photo.size[0] >= 1000 and abs(photo.size[0] / photo.size[1] - 4 / 3) < 0.01
        top, bottom = photo.getpixel((10, 5)), photo.getpixel((10, photo.size[1] - 5))
        assert top[0] < 20 and bottom[0] > 235  # the gradient survived the reduction


def test_a_large_png_is_reduced_on_its_long_side_and_turned_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held on its side
    with stored(image(Image.new("RGB", (3000, 1000), (10, 200, 30)), "PNG", exif=exif),
                "план.png") as photo:
        assert photo.size == (683, STORED_LONG_SIDE)
        assert photo.getpixel((300, 1000)) == (10, 200, 30)
        assert dict(photo.getexif()) == {}


def test_a_16_bit_rgb_png_under_the_limit_is_stored_in_8_bits():
    with stored(png(3000, 2000, depth=16), "план.png") as photo:
        assert photo.mode == "RGB" and photo.size == (2048, 1365)


def test_16_bit_grey_keeps_its_tones_in_8_bits():
    picture = Image.new("I;16", (4, 1))
    for x, value in enumerate((0, 1000, 32768, 65535)):
        picture.putpixel((x, 0), value)
    with stored(image(picture, "PNG"), "знімок.png") as photo:
        assert photo.mode == "L"
        # Pillow's own conversion cuts everything above 255 to white: 1000 would be 255.
        assert [photo.getpixel((x, 0)) for x in range(4)] == [0, 3, 128, 255]


def test_a_cmyk_jpeg_is_stored_as_rgb():
    with stored(image(Image.new("CMYK", (40, 30), (0, 255, 255, 0)), "JPEG"), "друк.jpg") as photo:
        assert photo.mode == "RGB" and "icc_profile" not in photo.info
        red, green, blue = photo.getpixel((20, 15))
        assert red > 200 and green < 60 and blue < 60


def test_a_palette_png_with_transparency_is_reduced_with_its_transparency():
    picture = Image.new("P", (3000, 1500), 0)
    picture.putpalette([255, 255, 255, 200, 30, 30] + [0] * 762)
    picture.paste(1, (1000, 500, 2000, 1000))
    with stored(image(picture, "PNG", transparency=0), "знак.png") as photo:
        rgba = photo.convert("RGBA")
        assert photo.size == (2048, 1024)
        assert rgba.getpixel((5, 5))[3] == 0 and rgba.getpixel((1024, 512)) == (200, 30, 30, 255)


def test_a_progressive_jpeg_within_its_bound_is_accepted():
    picture = Image.new("RGB", (3000, 2000), (40, 80, 160))
    with stored(image(picture, "JPEG", progressive=True), "веб.jpg") as photo:
        assert max(photo.size) <= STORED_LONG_SIDE


def test_png_text_is_not_unpacked_beyond_a_few_megabytes():
    import zlib

    # Eight text chunks of 900 KB each, 7 MB in all from a 60 KB file: Pillow unpacks text
    # when it opens a PNG, up to 64 MB by its default; the portal allows 4 MB.
    text = b"Comment\x00\x00" + zlib.compress(b"x" * 900 * 1024, 9)
    data = png(40, 30, chunks=[(b"zTXt", text)] * 8)
    assert len(data) < 100_000
    assert check_upload(data, "a.png", max_bytes=LIMIT) is UploadProblem.BROKEN_IMAGE


def test_16_bit_grey_with_a_transparent_grey_is_stored():
    data = png(40, 30, depth=16, colour=0, chunks=[(b"tRNS", (40000).to_bytes(2, "big"))])
    with stored(data, "знімок.png") as photo:
        assert photo.mode == "L" and photo.size == (40, 30)
