"""Forms of voting: the ballot and the paper ballot at the desk.

The chosen projects come as repeated ``choice`` values (``"<category>:<project>"``) read by
the view, because the list of projects is the cycle's, not the form's.
"""

from __future__ import annotations

from portal.forms import BaseForm
from portal.identity.forms import DeskVerifyForm


class BallotForm(BaseForm):
    """The ballot: CSRF only; the choices are read from the request."""


class PaperBallotForm(DeskVerifyForm):
    """A paper ballot at the desk: the person's number and birth date, then the choices."""
