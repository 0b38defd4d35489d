"""The staff's pages of target programs, one blueprint (``programs_staff``): maintaining a
program (``maintenance.py``) and its money and results (``funding.py``)."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint

from portal.accounts.access import guard_blueprint
from portal.money import format_number
from portal.programs.messages import source_label
from portal.programs.permissions import MANAGERS

bp = Blueprint("programs_staff", __name__, url_prefix="/staff/programs")
guard_blueprint(bp, *MANAGERS)


def figure_text(value: Decimal | None) -> str:
    """An indicator figure as typed: "3 500", "166,7"; empty when there is none."""
    return "" if value is None else format_number(value.normalize())


@bp.app_context_processor
def program_words() -> dict:
    """Words and figures of programs for every program and implementation page."""
    return {"source_label": source_label, "figure": figure_text}


# The pages register their routes on ``bp``.
from portal.programs.staff import funding, maintenance  # noqa: E402, F401
