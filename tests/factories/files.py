"""Files to upload: ``pdf`` writes a PDF by hand (names escaped, objects packed in a
compressed object stream, as a hostile file would), ``png`` writes a PNG of any declared
size, depth and colour type without Pillow (a bomb declares what it does not hold), and
``image`` saves a Pillow image in a format."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable, Sequence

from PIL import Image


def pdf(objects: Sequence[bytes], *, packed: Iterable[int] = ()) -> bytes:
    """A PDF whose object ``n`` (from 1) is ``objects[n - 1]``, object 1 its catalogue.

    The objects numbered in ``packed`` are written into one Flate-compressed object stream,
    where a scan of the file's bytes cannot see them; the cross-reference is a stream, as
    PDF 1.5 and later write it.
    """
    packed = sorted(set(packed))
    inside = set(packed)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    entries: dict[int, tuple[int, int, int]] = {}  # number: (type, field 2, field 3)
    for number, body in enumerate(objects, start=1):
        if number not in inside:
            entries[number] = (1, len(out), 0)
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    size = len(objects) + 1
    if packed:
        stream_number, size = size, size + 1
        offsets, bodies, length = [], [], 0
        for index, number in enumerate(packed):
            offsets.append(b"%d %d" % (number, length))
            bodies.append(objects[number - 1] + b"\n")
            length += len(bodies[-1])
            entries[number] = (2, stream_number, index)
        head = b" ".join(offsets) + b"\n"
        content = zlib.compress(head + b"".join(bodies))
        entries[stream_number] = (1, len(out), 0)
        out += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>"
                b"\nstream\n" % (stream_number, len(packed), len(head), len(content)))
        out += content + b"\nendstream\nendobj\n"
    xref_number = size
    entries[xref_number] = (1, len(out), 0)
    rows = b"".join(struct.pack(">BII", *entries.get(n, (0, 0, 0 if n else 65535)))
                    for n in range(xref_number + 1))
    start = len(out)
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 4] /Root 1 0 R /Length %d >>\nstream\n"
            % (xref_number, xref_number + 1, len(rows)))
    out += rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def one_page_pdf(*, catalogue: bytes = b"", page: bytes = b"", extra: Sequence[bytes] = (),
                 packed: Iterable[int] = ()) -> bytes:
    """A one-page PDF (objects 1 catalogue, 2 pages, 3 page, then ``extra`` from 4), with
    ``catalogue`` and ``page`` added to those dictionaries."""
    return pdf([b"<< /Type /Catalog /Pages 2 0 R " + catalogue + b" >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page + b" >>",
                *extra], packed=packed)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png(width: int, height: int, *, depth: int = 8, colour: int = 2, rows: int | None = None,
        chunks: Sequence[tuple[bytes, bytes]] = ()) -> bytes:
    """A PNG declaring ``width`` x ``height`` at ``depth`` bits in ``colour`` type (0 grey,
    2 RGB, 3 palette, 4 grey and alpha, 6 RGBA), its pixels all zero; only ``rows`` of them
    are written when given (a bomb: the header promises more than the file holds).
    ``chunks`` go before the pixels (text, a palette)."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour]
    row = b"\x00" * (1 + (width * channels * depth + 7) // 8)
    pixels = zlib.compressobj(9)
    data = b"".join(pixels.compress(row) for _ in range(height if rows is None else rows))
    data += pixels.flush()
    return (b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0))
            + b"".join(_chunk(kind, body) for kind, body in chunks)
            + _chunk(b"IDAT", data) + _chunk(b"IEND", b""))


def image(picture: Image.Image, kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, kind, **options)
    return buffer.getvalue()
