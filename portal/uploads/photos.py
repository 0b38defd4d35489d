"""Photos: checked from their header before a pixel is decoded, stored small and clean.

Pillow reads an image's header when it opens it and decodes the pixels only on ``load()``;
everything that bounds memory is decided in between, from the declared format, size and
frame count. Pillow holds most modes at 4 bytes a pixel, so the pixels decoded at once are
what a worker's memory follows (a 7000 x 7000 PNG is 196 MB decoded, twice that once
copied).

- At most :data:`MAX_SIDE` pixels on a side, and at most :data:`MAX_PIXELS` in all: a JPEG
  up to 50 megapixels (what phones take at full resolution), since libjpeg can decode it at
  1/2, 1/4 or 1/8 of its size (``draft``) while reading it, so no more than
  :data:`DECODED_PIXELS` are ever held; PNG and WebP cannot be decoded smaller, so they may
  have 6 and 4 megapixels. A progressive JPEG is also bounded by what libjpeg holds for it
  (:data:`PROGRESSIVE_BYTES`).
- Animated images (APNG, animated WebP) are refused: a page shows a still photo, and each
  frame would be decoded anew.
- A photo is stored at most :data:`STORED_LONG_SIDE` pixels on its long side (sharp on any
  screen the pages fill), re-encoded in its own format without its metadata: a phone's EXIF
  names where it was taken (often the author's home), with what and when. The orientation
  the camera recorded is applied to the pixels, so it still stands the right way up. 16-bit
  grey becomes 8-bit, CMYK becomes RGB.
"""

from __future__ import annotations

import io
import warnings
from math import ceil

from PIL import Image, ImageFile, PngImagePlugin, UnidentifiedImageError

from portal.uploads.problems import UploadProblem

MAX_SIDE = 16_384
#: At most this many pixels are decoded at once (a JPEG larger than this is decoded smaller).
DECODED_PIXELS = 8_000_000
#: What each format may declare. PNG and WebP are decoded whole, and Pillow's WebP decoder
#: holds each frame three times over; the figures keep the worst accepted file of each
#: within the bound ``tests/unit/test_upload_memory.py`` measures.
MAX_PIXELS = {"JPEG": 50_000_000, "PNG": 6_000_000, "WEBP": 4_000_000}
#: A progressive JPEG is decoded with every DCT coefficient of the whole image held at once
#: (64 of 2 bytes per 8 x 8 block of each colour component), however small it is decoded:
#: 6 bytes a pixel without chroma subsampling, 8 for CMYK. So it is bounded by that.
PROGRESSIVE_BYTES = 56 * 1024 * 1024
STORED_LONG_SIDE = 2048

#: Text chunks of a PNG are unpacked when it is opened, up to 64 MB by Pillow's default: a
#: 10 MB file of compressed text would cost more than its pixels. Photos keep none of them.
PngImagePlugin.MAX_TEXT_MEMORY = 4 * 1024 * 1024

#: How photos are written back: good enough that nobody sees the difference on a page.
_SAVE_OPTIONS = {"JPEG": {"quality": 90, "optimize": True}, "PNG": {"optimize": True},
                 "WEBP": {"quality": 90}}
_ORIENTATION = 0x0112
_TURNS = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
          4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
          6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
          8: Image.Transpose.ROTATE_90}


def _opened(data: bytes, pillow_format: str) -> ImageFile.ImageFile:
    """The image with its header read, by the decoder of the format its first bytes named
    and no other; Pillow's own guard against huge images is an error, not a warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return Image.open(io.BytesIO(data), formats=[pillow_format])


def size_problem(image: ImageFile.ImageFile, pillow_format: str) -> UploadProblem | None:
    """What is wrong with the image as its header declares it, before anything is decoded."""
    if image.format != pillow_format:
        return UploadProblem.BROKEN_IMAGE
    if getattr(image, "is_animated", False):
        return UploadProblem.ANIMATED
    width, height = image.size
    if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS[pillow_format]:
        return UploadProblem.IMAGE_TOO_BIG
    if image.info.get("progressive") and _coefficient_bytes(image) > PROGRESSIVE_BYTES:
        return UploadProblem.IMAGE_TOO_BIG
    return None


def _coefficient_bytes(image: ImageFile.ImageFile) -> int:
    """What libjpeg holds to decode a progressive JPEG, from its components' sampling."""
    width, height = image.size
    widest = max(horizontal for _, horizontal, _, _ in image.layer)
    tallest = max(vertical for _, _, vertical, _ in image.layer)
    return sum(ceil(width * horizontal / widest / 8) * ceil(height * vertical / tallest / 8)
               * 64 * 2 for _, horizontal, vertical, _ in image.layer)


def _decoded(image: ImageFile.ImageFile) -> Image.Image:
    """The pixels, a JPEG decoded at the smallest reduction that keeps within
    :data:`DECODED_PIXELS` (a 12 MP phone photo comes out at 2016 x 1512)."""
    width, height = image.size
    if image.format == "JPEG" and width * height > DECODED_PIXELS:
        scale = next(s for s in (2, 4, 8) if ceil(width / s) * ceil(height / s) <= DECODED_PIXELS)
        image.draft(image.mode, (max(width // scale, 1), max(height // scale, 1)))
    if image.width * image.height > DECODED_PIXELS:  # draft keeps its promise; check anyway
        raise ValueError("the decoder would hold more pixels than allowed")
    image.load()
    return image


def _smaller(image: Image.Image) -> Image.Image:
    """At most :data:`STORED_LONG_SIDE` pixels on the long side."""
    width, height = image.size
    ratio = STORED_LONG_SIDE / max(width, height)
    if ratio >= 1:
        return image
    if image.mode in ("1", "P"):  # resizing a palette picks pixels; blend colours instead
        image = image.convert("L" if image.mode == "1" else "RGBA")
    size = (max(round(width * ratio), 1), max(round(height * ratio), 1))
    # Shrinking by a whole factor first (reducing_gap) is faster and keeps memory small;
    # Pillow does not offer it for 16-bit grey.
    gap = None if image.mode.startswith("I;16") else 2.0
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=gap)


def _eight_bit(image: Image.Image, profile: bytes | None) -> tuple[Image.Image, bytes | None]:
    """16-bit grey as 8-bit grey (Pillow's own conversion cuts every value above 255 to
    white), CMYK as RGB; the colour profile that goes with the result."""
    if image.mode.startswith("I"):
        return image.convert("I").point(lambda value: value / 256).convert("L"), profile
    if image.mode == "CMYK":  # its profile describes inks, not the screen's colours
        return image.convert("RGB"), None
    return image, profile


def _pixels(data: bytes, pillow_format: str) -> tuple[Image.Image, dict]:
    """The picture decoded and made small, apart from the decoder (which Pillow keeps with
    the image it decoded: for a WebP, its canvas and a copy of the frame), and what of the
    original's information the stored photo keeps or applies."""
    with _opened(data, pillow_format) as image:
        decoded = _decoded(image)
        kept = {"mode": decoded.mode, "orientation": decoded.getexif().get(_ORIENTATION, 1),
                "profile": decoded.info.get("icc_profile"),
                "transparency": decoded.info.get("transparency")}
        picture = _smaller(decoded)
        return (picture.copy() if picture is decoded else picture), kept


def stored_photo(data: bytes, pillow_format: str) -> bytes | UploadProblem:
    """The photo as it is stored (see the module's description), or why it is refused."""
    try:
        with _opened(data, pillow_format) as image:
            problem = size_problem(image, pillow_format)
            if problem:
                return problem
            image.verify()  # the structure (a PNG's checksums) before decoding anything
        picture, kept = _pixels(data, pillow_format)
        if kept["orientation"] in _TURNS:
            picture = picture.transpose(_TURNS[kept["orientation"]])
        picture, profile = _eight_bit(picture, kept["profile"])
        if picture.mode not in ("RGB", "RGBA", "L", "LA", "P") or (
                pillow_format == "JPEG" and picture.mode not in ("RGB", "L")):
            picture = picture.convert("RGB")
        options = dict(_SAVE_OPTIONS[pillow_format])
        if profile:
            options["icc_profile"] = profile
        if kept["transparency"] is not None and picture.mode == kept["mode"]:
            options["transparency"] = kept["transparency"]  # a PNG's transparent colour
        buffer = io.BytesIO()
        picture.save(buffer, pillow_format, **options)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        return UploadProblem.IMAGE_TOO_BIG
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        # Not what its first bytes claim, or damaged; a file cut short shows only when its
        # pixels are decoded. (Once WeasyPrint is loaded in the process, for a PDF, it has
        # told Pillow to pad such files instead: then the photo is stored with its missing
        # part grey. Either way the person gets an answer.)
        return UploadProblem.BROKEN_IMAGE
    return buffer.getvalue()
