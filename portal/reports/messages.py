"""The words for the problems a report request is refused with."""

from __future__ import annotations

from portal.i18n import _l
from portal.refusal import Catalogue

PROBLEMS = Catalogue({
    "year_outside_term": _l("This year is outside the program's term."),
    "bad_quarter": _l("A quarter is 1, 2, 3 or 4."),
})
