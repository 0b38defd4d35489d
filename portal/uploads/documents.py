"""PDF documents: refused when they carry anything that runs, opens or sends by itself.

The document is read with pypdf, which decodes names as a PDF viewer does
(``/J#61vaScript`` is ``/JavaScript``) and unpacks object streams, where a scan of the
file's bytes sees nothing; then every object the file lists is judged, whether anything
points at it or not. What is refused, and why:

- scripts: ``/JS`` (an action's script), ``/JavaScript`` (the document's named scripts),
  ``/XFA`` (a form that brings its own scripts);
- actions that fire by themselves when a page, a form field or the document is opened,
  closed or printed (``/AA``), and an ``/OpenAction`` that does more than show a place in
  the document: a web address opened by itself tells a server who read the file, and when;
- actions (``/S``) that start a program (``/Launch``), open another file or a network share
  (``/GoToR``, ``/GoToE``: a ``\\\\host\\share`` address gives away the reader's Windows
  password hash), send or read form data (``/SubmitForm``, ``/ImportData``) or play media
  (``/Rendition``, ``/RichMediaExecute``, ``/Sound``, ``/Movie``);
- content that is not the document's text and pictures: attached files (``/EmbeddedFiles``,
  ``/EF``, ``/EmbeddedFile``, ``/FileAttachment``), rich media (Flash, video), 3D models
  (they carry scripts of their own), sound and movie annotations.

Links a person clicks (``/URI``), moves within the document (``/GoTo``, ``/Named``) and an
``/OpenAction`` that opens at a page stay: ordinary estimates, drawings and exports from
Word or LaTeX carry them. A file pypdf cannot read, or one locked with a password, is
refused too: what cannot be read cannot be judged (and could not be published); so is one
of more than :data:`MAX_OBJECTS` objects, which would keep a worker busy for minutes.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
)

from portal.uploads.problems import UploadProblem

#: pypdf parses some 10,000 small objects a second; a budget estimate or a drawing has a few
#: hundred to a few thousand, a 10 MB file of tiny objects could have a million.
MAX_OBJECTS = 20_000
#: Keys whose presence is enough.
ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/XFA", "/AA", "/EmbeddedFiles", "/EF",
                         "/RichMediaContent", "/RichMediaSettings"})
#: Action types (the value of ``/S``).
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/GoToR", "/GoToE", "/SubmitForm",
                            "/ImportData", "/Rendition", "/RichMediaExecute", "/Sound",
                            "/Movie"})
#: Object types and subtypes (the value of ``/Type`` or ``/Subtype``).
ACTIVE_TYPES = frozenset({"/EmbeddedFile", "/FileAttachment", "/RichMedia", "/3D", "/Sound",
                          "/Movie"})


def _value(dictionary: DictionaryObject, key: str) -> PdfObject | None:
    """The value under ``key``, a reference followed (pypdf's ``[]`` does that)."""
    return dictionary[key] if key in dictionary else None  # noqa: SIM401 (.get does not follow)


def _name(dictionary: DictionaryObject, key: str) -> str | None:
    value = _value(dictionary, key)
    return value if isinstance(value, NameObject) else None


def _is_active(dictionary: DictionaryObject) -> bool:
    if not ACTIVE_KEYS.isdisjoint(dictionary.keys()):
        return True
    if _name(dictionary, "/S") in ACTIVE_ACTIONS:
        return True
    if _name(dictionary, "/Type") in ACTIVE_TYPES or _name(dictionary, "/Subtype") in ACTIVE_TYPES:
        return True
    opening = _value(dictionary, "/OpenAction")
    if isinstance(opening, DictionaryObject):  # an action; a destination is an array
        return _name(opening, "/S") != "/GoTo" or "/Next" in opening
    return False


class _TooManyObjects(Exception):  # noqa: N818  (an answer, not an error)
    pass


def _number(value: PdfObject | None) -> int:
    return int(value) if isinstance(value, NumberObject) else 0


def _objects(reader: PdfReader) -> Iterator[PdfObject | None]:
    """The trailer and every object the cross-reference lists, packed in a stream or not;
    at most :data:`MAX_OBJECTS`, counted before any is parsed (pypdf parses a stream's
    objects all at once, as many as the stream declares)."""
    listed = sum(len(numbers) for numbers in reader.xref.values()) + len(reader.xref_objStm)
    if listed > MAX_OBJECTS:
        raise _TooManyObjects
    streams = {stream for stream, _ in reader.xref_objStm.values()}
    declared = sum(_number(_value(reader.get_object(IndirectObject(stream, 0, reader)), "/N"))
                   for stream in streams)
    if declared > MAX_OBJECTS:
        raise _TooManyObjects
    yield reader.trailer
    for generation, numbers in list(reader.xref.items()):
        for number in list(numbers):
            yield reader.get_object(IndirectObject(number, generation, reader))
    for number in list(reader.xref_objStm):
        yield reader.get_object(IndirectObject(number, 0, reader))


def _has_active_content(reader: PdfReader) -> bool:
    for found in _objects(reader):
        inside: list[object] = [found]
        while inside:  # the object and what it holds as written; references are objects too
            item = inside.pop()
            if isinstance(item, DictionaryObject):  # a stream's dictionary included
                if _is_active(item):
                    return True
                inside.extend(dict.values(item))
            elif isinstance(item, ArrayObject):
                inside.extend(list.__iter__(item))
    return False


def pdf_problem(data: bytes) -> UploadProblem | None:
    """Why this PDF is refused, or None."""
    try:
        # pypdf warns about what it repairs; the answer must not depend on warning filters.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                return UploadProblem.PDF_UNREADABLE
            if _has_active_content(reader):
                return UploadProblem.PDF_SCRIPT
    except _TooManyObjects:
        return UploadProblem.PDF_TOO_COMPLEX
    # A damaged or hostile file can make any part of the parser fail, with any exception;
    # to the person each means the same: the document could not be read, so it is not taken.
    except Exception:
        return UploadProblem.PDF_UNREADABLE
    return None
