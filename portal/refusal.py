"""One shape of "no": a service refuses by raising :class:`Refused` with its problems.

Each :class:`Problem` carries the words a person reads (a lazy translation, put into the
reader's language when shown), the form field it concerns (``None``: the form as a whole)
and the code that tests and logs know it by. A part keeps its words in its ``messages.py``
as a :class:`Catalogue`; its services raise::

    raise Refused(PROBLEMS("name_taken", field="name"))

and a view shows any refusal one way, ``portal.forms.show_refusal``: on the form's fields,
or as messages on the next page. Nothing the request changed is then kept (the request's
transaction, ``portal.db``), unless the refusal is itself a record (``keep``: a census
miss counts towards the lockout).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


@dataclasses.dataclass(frozen=True)
class Problem:
    """One reason for a refusal."""

    code: str
    words: Any  # a lazy translation (``_l``), or a string already in the reader's language
    field: str | None = None
    values: Mapping[str, object] = dataclasses.field(default_factory=dict)

    def __str__(self) -> str:
        text = str(self.words)
        return text % self.values if self.values else text


class Refused(Exception):  # noqa: N818  (a refusal is an answer, not an error of the portal)
    """A use case said no, for the reasons in ``problems``; nothing it did is to be kept,
    unless ``keep`` says the refusal is itself a record."""

    def __init__(self, *problems: Problem, keep: bool = False) -> None:
        if not problems:
            raise ValueError("a refusal needs at least one problem")
        super().__init__(", ".join(str(p.code) for p in problems))
        self.problems = problems
        self.keep = keep

    @property
    def codes(self) -> list[str]:
        return [problem.code for problem in self.problems]

    @property
    def code(self) -> str:
        """The first problem's code (most refusals have one problem)."""
        return self.problems[0].code

    @property
    def field(self) -> str | None:
        return self.problems[0].field

    def __str__(self) -> str:
        """The problems' words, one per line (what a command prints)."""
        return "\n".join(str(problem) for problem in self.problems)


class Catalogue:
    """A part's problem codes and the words for each: ``PROBLEMS(code, field, **values)``
    makes a :class:`Problem`; an unknown code is a programming error (``KeyError``)."""

    def __init__(self, words: Mapping[Any, Any]) -> None:
        self.words = words

    def __call__(self, code: Any, field: str | None = None, **values: object) -> Problem:
        return Problem(code, self.words[code], field, values)

    def __contains__(self, code: object) -> bool:
        return code in self.words

    def text(self, code: Any, **values: object) -> str:
        """The words for ``code`` in the reader's language."""
        return str(self(code, **values))
