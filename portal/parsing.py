"""One rule for reading what a request sends as text: whole numbers and NUL characters.

Whole numbers (ids in addresses, page numbers and ids in query strings, ids posted by a
form, a ballot's choices, numeric form fields) are ASCII digits and nothing else: Python's
``int()`` also reads ``"٤٠"`` (Arabic-Indic forty), ``"４０"``, ``" 40 "`` and ``"4_0"``, and
``str.isdigit()`` says yes to ``"²"``, which ``int()`` then refuses. A number is also bounded
by the database's ``INTEGER`` (every id column is one), because PostgreSQL refuses a larger
one with an error instead of finding nothing.

What cannot be read is malformed (400, or a form error); a well-formed number beyond the
range names nothing (404). A page number past the last page shows the last page.

PostgreSQL refuses a NUL character in text, and no person types one: a request carrying one
in its address, query, form or file names is refused (400) before any view runs.
"""

from __future__ import annotations

import re

from flask import Flask, abort, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter, ValidationError

#: The largest value of a PostgreSQL ``INTEGER`` (SQLite's integers are wider).
DB_INT_MAX = 2**31 - 1

_WHOLE = re.compile(r"-?[0-9]+", re.ASCII)


class NotAWholeNumber(ValueError):
    """The text is not a whole number written in ASCII digits (or is below the minimum)."""


class OutOfRange(ValueError):
    """A well-formed whole number beyond the largest value asked for."""


def whole_number(text: str, *, minimum: int = 0, maximum: int = DB_INT_MAX) -> int:
    """``text`` read as a whole number between ``minimum`` and ``maximum``.

    Raises :class:`NotAWholeNumber` for anything but ASCII digits (with a leading ``-`` when
    ``minimum`` is negative) and for a number below ``minimum``, :class:`OutOfRange` for one
    above ``maximum``. The length is checked before the digits are converted, so a
    thousand-digit number costs nothing.
    """
    if not isinstance(text, str) or not _WHOLE.fullmatch(text):
        raise NotAWholeNumber(text)
    negative = text.startswith("-")
    digits = text.lstrip("-").lstrip("0") or "0"
    if len(digits) > len(str(max(abs(minimum), abs(maximum)))):
        if negative:
            raise NotAWholeNumber(text)
        raise OutOfRange(text)
    value = -int(digits) if negative else int(digits)
    if value < minimum:
        raise NotAWholeNumber(text)
    if value > maximum:
        raise OutOfRange(text)
    return value


def whole_or_none(text: str, *, minimum: int = 0, maximum: int = DB_INT_MAX) -> int | None:
    """:func:`whole_number`, or None when ``text`` is not one between the bounds."""
    try:
        return whole_number(text, minimum=minimum, maximum=maximum)
    except ValueError:
        return None


def coerce_id(value: object) -> int:
    """``coerce`` of a select field of ids: an int as it is, text by the one rule (a
    ``ValueError`` becomes WTForms' "could not coerce" error of the field)."""
    if isinstance(value, int):
        return value
    return whole_number(str(value))


class IdConverter(IntegerConverter):
    """The ``int`` converter of every rule: ASCII digits within the database's range.

    A number outside the range does not match the rule, so the address answers 404.
    """

    regex = r"[0-9]+"

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002  (Werkzeug's own name)
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        try:
            return whole_number(value, minimum=self.min or 0, maximum=self.max)
        except ValueError as error:
            raise ValidationError() from error


def int_arg(name: str, values=None) -> int | None:
    """The whole number (an id, a year) named ``name`` in the query string (or in ``values``,
    a posted form): None when absent or empty; 400 when malformed; 404 when beyond the
    database's range."""
    raw = (request.args if values is None else values).get(name, "")
    if raw == "":
        return None
    try:
        return whole_number(raw)
    except OutOfRange:
        abort(404)
    except NotAWholeNumber:
        abort(400)


def page_arg(name: str = "page") -> int:
    """The page number of a list: 1 when absent; 400 when malformed, empty or below 1 (no
    link of the portal sends those, and the API's document forbids them).

    A number past the database's range is read as the largest one; like any page past the
    end, the list shows its last page.
    """
    raw = request.args.get(name)
    if raw is None:
        return 1
    try:
        return whole_number(raw, minimum=1)
    except OutOfRange:
        return DB_INT_MAX
    except NotAWholeNumber:
        abort(400)


def page_within(page: int, *, total: int, size: int) -> tuple[int, int]:
    """The page to show of ``total`` items ``size`` a page, and how many pages there are
    (one, when there are no items): ``page``, or the last page when it is past it."""
    pages = max(1, -(-total // size))
    return min(max(page, 1), pages), pages


def _carries_nul() -> bool:
    if "\x00" in request.path:
        return True
    try:
        form, files = request.form, request.files
    except RequestEntityTooLarge:
        return False  # the view that takes files says what the limit is
    for values in (request.args, form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                return True
    return any("\x00" in (upload.filename or "") or "\x00" in key
               for key, upload in files.items(multi=True))


def refuse_nul() -> None:
    """Refuse (400) a request with a NUL character in its address, query, form or file names."""
    if _carries_nul():
        abort(400)


def init_app(app: Flask) -> None:
    """Make :class:`IdConverter` the ``int`` of every rule (before any rule is added) and
    refuse NUL characters before any view runs."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul)
