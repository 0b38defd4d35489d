"""Forms of voting: the ballot and the paper ballot at the desk.

The chosen projects come as repeated ``choice`` values (``"<category>:<project>"``) read by
the view, because the list of projects is the cycle's, not the form's.
"""

from __future__ import annotations

from collections.abc import Sequence

from portal.forms import BaseForm
from portal.identity.forms import DeskVerifyForm
from portal.voting.messages import CHOICE


class _ChoiceErrors:
    """What is wrong with the chosen projects: the problems of the ``choice`` values, shown
    in the ballot's own box rather than as the form's errors."""

    choice_errors: Sequence[str] = ()

    def add_error(self, field_name: str | None, message: str) -> None:
        if field_name == CHOICE:
            self.choice_errors = [*self.choice_errors, message]
        else:
            super().add_error(field_name, message)  # type: ignore[misc]


class BallotForm(_ChoiceErrors, BaseForm):
    """The ballot: CSRF only; the choices are read from the request."""


class PaperBallotForm(_ChoiceErrors, DeskVerifyForm):
    """A paper ballot at the desk: the person's number and birth date, then the choices."""
