"""The worst images the portal accepts keep a worker's memory under 150 MB.

Each is checked and stored (``check_upload``) in a fresh Python process that imports the
portal first; the process's peak resident memory (``VmHWM``) is compared with the bound and
with the same process that only imports the portal. ``tests/bench/bench_upload_memory.py``
writes these figures to ``tests/bench/results/upload_memory.md``.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from tests.factories.files import image, png

ROOT = Path(__file__).resolve().parents[2]
BOUND_MB = 150

_CHILD = r"""
import sys, time
import portal.uploads
if sys.argv[1:]:
    data = open(sys.argv[1], "rb").read()
    start = time.perf_counter()
    result = portal.uploads.check_upload(data, sys.argv[2], max_bytes=10 * 1024 * 1024)
    seconds = time.perf_counter() - start
    print(getattr(result, "value", "stored"), seconds)
else:
    print("imported", 0)
status = open("/proc/self/status").read().split("\n")
print(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
"""


def peak(path: Path | None = None, name: str = "") -> tuple[str, float, float]:
    """What a fresh process answered for the file (or ``imported``), in how many seconds,
    and its peak resident memory in MB."""
    arguments = [str(path), name] if path else []
    lines = subprocess.run([sys.executable, "-c", _CHILD, *arguments], cwd=ROOT, check=True,
                           capture_output=True, text=True, timeout=120).stdout.split("\n")
    answer, seconds = lines[0].split()
    return answer, float(seconds), int(lines[1]) / 1024


def _palette() -> bytes:
    return png(3000, 2000, colour=3, chunks=[(b"PLTE", bytes(range(256)) * 3), (b"tRNS", b"\0")])


def _jpeg(mode: str, size: tuple[int, int], **options) -> bytes:
    return image(Image.new(mode, size, (40, 90, 160, 20)[:len(mode)]), "JPEG", **options)


#: The largest file of each kind the limits let in, held the costliest way Pillow holds it
#: (16-bit grey and RGB JPEGs cost less: see the benchmark's table).
WORST: dict[str, tuple[str, Callable[[], bytes]]] = {
    "PNG 3000 x 2000 (6 MP), palette with transparency, made RGBA to be reduced":
        ("a.png", _palette),
    "PNG 3000 x 2000 (6 MP), RGBA at 16 bits": ("a.png", lambda: png(3000, 2000, depth=16,
                                                                     colour=6)),
    "WebP 2000 x 2000 (4 MP), RGBA": ("a.webp", lambda: image(
        Image.new("RGBA", (2000, 2000), (40, 90, 160, 100)), "WEBP")),
    "JPEG 8160 x 6120 (50 MP), baseline, CMYK": ("a.jpg", lambda: _jpeg("CMYK", (8160, 6120))),
    "JPEG 3600 x 2700 (9.7 MP), progressive, no chroma subsampling": ("a.jpg", lambda: _jpeg(
        "RGB", (3600, 2700), progressive=True, subsampling=0)),
    "JPEG 5400 x 3600 (19.4 MP), progressive, 4:2:0": ("a.jpg", lambda: _jpeg(
        "RGB", (5400, 3600), progressive=True)),
    "JPEG 3120 x 2340 (7.3 MP), progressive, CMYK": ("a.jpg", lambda: _jpeg(
        "CMYK", (3120, 2340), progressive=True)),
}
#: The file of the report, now refused from its header.
REPORTED = ("PNG 7000 x 7000 (49 MP) at 16 bits, the reported file", "a.png",
            lambda: png(7000, 7000, depth=16))


@pytest.fixture(scope="module")
def imported() -> float:
    return peak()[2]


@pytest.mark.parametrize("case", list(WORST))
def test_the_worst_accepted_images_stay_under_the_bound(case, tmp_path, imported):
    name, build = WORST[case]
    path = tmp_path / name
    path.write_bytes(build())
    answer, _, megabytes = peak(path, name)
    assert answer == "stored"
    assert megabytes < BOUND_MB, f"{case}: {megabytes:.0f} MB (importing: {imported:.0f} MB)"


def test_the_reported_png_is_refused_without_decoding(tmp_path, imported):
    label, name, build = REPORTED
    path = tmp_path / name
    path.write_bytes(build())
    answer, seconds, megabytes = peak(path, name)
    assert answer == "upload_image_too_big" and seconds < 0.5
    assert megabytes < imported + 15
