"""The problems a .pb file is refused with, in the words the ``pb`` command prints: the
research tools' own (English, untranslated), the code first, then where and what was found.

``detail`` (what was found) comes with its colon, or is empty: use :func:`problem`.
"""

from __future__ import annotations

from portal.refusal import Catalogue, Problem

PROBLEMS = Catalogue({
    # A file the format reader cannot read (``format.PabulibError``).
    "content_before_section": "content_before_section at line %(line)s%(detail)s",
    "too_many_fields": "too_many_fields at line %(line)s%(detail)s",
    "missing_section": "missing_section at line %(line)s%(detail)s",
    "missing_column": "missing_column at line %(line)s%(detail)s",
    # A file the portal cannot take as a finished cycle.
    "bad_amount": "bad_amount%(detail)s",
    "unsupported_vote_type": "unsupported_vote_type%(detail)s",
    "unsupported_rule": "unsupported_rule%(detail)s",
    "unknown_project": "unknown_project%(detail)s",
})


def problem(code: str, detail: str = "", **values: object) -> Problem:
    """The problem ``code`` with what was found, if anything, after a colon."""
    return PROBLEMS(code, detail=f": {detail}" if detail else "", **values)
