"""Uploaded files: checked by their content, stored under generated names, served safely.

A file is accepted only when its first bytes say it is a JPEG, PNG or WebP image (which
Pillow must then open and verify) or a PDF document without JavaScript, and when the
extension of its name agrees. SVG is refused outright: it is a document that can carry
scripts. The name the person gave is kept for display only; on disk a file is called by a
random token and the extension of its real type, under one folder, so no name can reach
outside it. Files are served with the type we recorded, ``nosniff``, a sandboxing CSP and
``Content-Disposition`` (inline for images, attachment for documents).

A photo is stored re-encoded, without its metadata: a phone's EXIF names where it was taken
(often the author's home), with what and when, and none of that may reach the public pages.
The orientation the camera recorded is applied to the pixels first, so the photo still
stands the right way up.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata
import warnings
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from urllib.parse import quote

from flask import Response, send_file
from PIL import Image, ImageOps, UnidentifiedImageError


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"


class UploadProblem(StrEnum):
    """Why a file is refused; ``portal.projects.messages`` words each one."""

    EMPTY = "upload_empty"
    TOO_LARGE = "upload_too_large"
    BAD_NAME = "upload_bad_name"
    SVG = "upload_svg"
    NOT_ALLOWED = "upload_type_not_allowed"
    EXTENSION_MISMATCH = "upload_extension_mismatch"
    BROKEN_IMAGE = "upload_broken_image"
    IMAGE_TOO_BIG = "upload_image_too_big"
    PDF_SCRIPT = "upload_pdf_script"


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    kind: AttachmentKind
    extensions: frozenset[str]
    pillow_format: str | None = None


JPEG = FileType("image/jpeg", "jpg", AttachmentKind.PHOTO, frozenset({"jpg", "jpeg"}), "JPEG")
PNG = FileType("image/png", "png", AttachmentKind.PHOTO, frozenset({"png"}), "PNG")
WEBP = FileType("image/webp", "webp", AttachmentKind.PHOTO, frozenset({"webp"}), "WEBP")
PDF = FileType("application/pdf", "pdf", AttachmentKind.DOCUMENT, frozenset({"pdf"}))

MAX_PIXELS = 50_000_000
_UNSAFE_NAME = re.compile(r"[/\\\x00-\x1f\x7f:*?\"<>|]")


def sniff(data: bytes) -> FileType | None:
    """The allowed type the content's first bytes announce, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def _looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in head


def name_problem(filename: str) -> UploadProblem | None:
    """A name with a path, a control character or no extension is refused, not repaired."""
    name = unicodedata.normalize("NFC", filename or "")
    if not name.strip() or len(name) > 255:
        return UploadProblem.BAD_NAME
    if _UNSAFE_NAME.search(name) or ".." in name or name.startswith("."):
        return UploadProblem.BAD_NAME
    if "." not in name:
        return UploadProblem.BAD_NAME
    return None


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    original_name: str
    type: FileType
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def _verify_image(data: bytes, file_type: FileType) -> UploadProblem | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != file_type.pillow_format:
                    return UploadProblem.BROKEN_IMAGE
                if image.width * image.height > MAX_PIXELS:
                    return UploadProblem.IMAGE_TOO_BIG
                image.verify()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        return UploadProblem.IMAGE_TOO_BIG
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return UploadProblem.BROKEN_IMAGE
    return None


#: How photos are written back: good enough that nobody sees the difference on a page.
_SAVE_OPTIONS = {"JPEG": {"quality": 90, "optimize": True}, "PNG": {"optimize": True},
                 "WEBP": {"quality": 90}}


def without_metadata(data: bytes, file_type: FileType) -> bytes:
    """The photo with its orientation applied and every metadata block left out (EXIF, XMP,
    PNG text chunks); only the colour profile is kept. Call it on a verified image."""
    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image)
        profile = image.info.get("icc_profile")
        if upright.mode not in ("RGB", "RGBA", "L", "LA", "P") or (
                file_type.pillow_format == "JPEG" and upright.mode not in ("RGB", "L")):
            upright = upright.convert("RGB")
        options = dict(_SAVE_OPTIONS[file_type.pillow_format])
        if profile:
            options["icc_profile"] = profile
        if "transparency" in image.info and upright.mode in ("P", "L", "RGB"):
            options["transparency"] = image.info["transparency"]  # a PNG's transparent colour
        buffer = io.BytesIO()
        upright.save(buffer, file_type.pillow_format, **options)
    return buffer.getvalue()


def check_upload(data: bytes, filename: str, *, max_bytes: int) -> CheckedFile | UploadProblem:
    """The file, checked, or the first reason to refuse it. ``data`` may hold one byte more
    than ``max_bytes`` (read that much to know the file is too large)."""
    if not data:
        return UploadProblem.EMPTY
    if len(data) > max_bytes:
        return UploadProblem.TOO_LARGE
    problem = name_problem(filename)
    if problem:
        return problem
    file_type = sniff(data)
    if file_type is None:
        return UploadProblem.SVG if _looks_like_svg(data) else UploadProblem.NOT_ALLOWED
    if extension_of(filename) not in file_type.extensions:
        return UploadProblem.EXTENSION_MISMATCH
    if file_type.kind is AttachmentKind.PHOTO:
        problem = _verify_image(data, file_type)
        if problem:
            return problem
        try:
            data = without_metadata(data, file_type)
        except (OSError, ValueError, SyntaxError):
            # Pillow's verify() reads a JPEG's structure, not its pixels; a file cut short
            # shows only when it is decoded here. (Once WeasyPrint is loaded in the process,
            # for a PDF, it has told Pillow to pad such files instead: then the photo is
            # stored with its missing part grey. Either way the person gets an answer.)
            return UploadProblem.BROKEN_IMAGE
    elif re.search(rb"/(JavaScript|JS|Launch)\b", data):
        return UploadProblem.PDF_SCRIPT
    name = unicodedata.normalize("NFC", filename).strip()
    return CheckedFile(data=data, original_name=name, type=file_type,
                       sha256=hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class UploadStore:
    """Where files live and how large one may be; built by the view from the configuration."""

    folder: Path
    max_bytes: int

    def save(self, checked: CheckedFile) -> str:
        """Write the file under a fresh random name and return that name."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stored_name = f"{secrets.token_hex(16)}.{checked.type.extension}"
        path = self.folder / stored_name
        with open(path, "xb") as handle:
            handle.write(checked.data)
        return stored_name

    def path(self, stored_name: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{32}\.[a-z]{3,4}", stored_name):
            raise ValueError("not a stored name")
        return self.folder / stored_name

    def remove(self, stored_name: str) -> None:
        self.path(stored_name).unlink(missing_ok=True)


def _disposition(kind: AttachmentKind, original_name: str) -> str:
    disposition = "inline" if kind is AttachmentKind.PHOTO else "attachment"
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", original_name)[:100] or "file"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(original_name)}"


def serve(store: UploadStore, *, stored_name: str, content_type: str, kind: AttachmentKind,
          original_name: str) -> Response:
    """The stored file with the type we recorded and headers that keep a browser from
    running anything in it."""
    response = send_file(store.path(stored_name), mimetype=content_type, conditional=True,
                         max_age=3600)
    response.headers["Content-Disposition"] = _disposition(kind, original_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
