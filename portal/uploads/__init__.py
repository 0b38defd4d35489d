"""Uploaded files: checked by their content, stored under generated names, served safely.

A file is accepted only when its first bytes say it is a JPEG, PNG or WebP image or a PDF
document, when the extension of its name agrees, and when its content passes the check of
its kind: ``photos`` (judged from the image's header before a pixel is decoded, then stored
re-encoded, at most 2048 pixels on a side, upright and without its metadata: a phone's EXIF
names where it was taken) or ``documents`` (a PDF read as a viewer reads it, refused when it
carries scripts, automatic actions, attached files or media). SVG is refused outright: it
is a document that can carry scripts. The name the person gave is kept for display only; a
file is stored under a random token and the extension of its real type, so no name can
reach outside its place: a folder, the database or an object store (``storage``, chosen by
``UPLOAD_STORAGE``). Files are served with the type we recorded, ``nosniff``, a sandboxing
CSP and ``Content-Disposition`` (inline for images, attachment for documents). Each refusal
is an :class:`UploadProblem` (``problems``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING
from urllib.parse import quote

from flask import Response, abort, request
from werkzeug.http import is_resource_modified

from portal.uploads.documents import pdf_problem
from portal.uploads.photos import stored_photo
from portal.uploads.problems import UploadProblem

if TYPE_CHECKING:
    from portal.uploads.storage import UploadStore

#: What ``storage`` offers, importable from here too (``from portal.uploads import
#: UploadStore``). It is imported when first asked for: the stores stand on SQLAlchemy,
#: which checking a file does not need (a worker that only checks files stays small,
#: ``tests/unit/test_upload_memory.py``).
STORAGE_NAMES = frozenset({"DiskStore", "FileMissing", "StorageUnavailable", "UploadStore",
                           "open_store"})


def __getattr__(name: str):
    if name in STORAGE_NAMES:
        from portal.uploads import storage

        return getattr(storage, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: How long a browser keeps a served file before asking again (with its ETag).
MAX_AGE_SECONDS = 3600


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"


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
        photo = stored_photo(data, file_type.pillow_format)
        if isinstance(photo, UploadProblem):
            return photo
        data = photo
    else:
        problem = pdf_problem(data)
        if problem:
            return problem
    name = unicodedata.normalize("NFC", filename).strip()
    return CheckedFile(data=data, original_name=name, type=file_type,
                       sha256=hashlib.sha256(data).hexdigest())


def _disposition(kind: AttachmentKind, original_name: str) -> str:
    disposition = "inline" if kind is AttachmentKind.PHOTO else "attachment"
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", original_name)[:100] or "file"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(original_name)}"


def serve(store: UploadStore, *, stored_name: str, content_type: str, kind: AttachmentKind,
          original_name: str) -> Response:
    """The stored file with the type we recorded and headers that keep a browser from
    running anything in it; 404 when the store has no such file.

    A stored file never changes under its name, so the name is its ETag: a browser that
    has the file is answered 304 without the store being asked for it."""
    etag = stored_name.partition(".")[0]
    response = Response(mimetype=content_type)
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_SECONDS
    response.headers["Content-Disposition"] = _disposition(kind, original_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if not is_resource_modified(request.environ, etag=etag):
        response.status_code = 304
        return response
    from portal.uploads.storage import FileMissing

    try:
        data = store.read(stored_name)
    except FileMissing:
        abort(404)
    response.set_data(data)
    return response.make_conditional(request, accept_ranges=True, complete_length=len(data))
