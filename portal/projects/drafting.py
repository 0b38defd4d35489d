"""Between the project form and the services: choices, the rows of the estimate, and
reading what was typed into ``ProjectText`` and ``CostLine`` values with per-row errors."""

from __future__ import annotations

from types import SimpleNamespace

from flask import request
from sqlalchemy.orm import Session
from wtforms import SelectChoice

from portal.community.choices import district_choices
from portal.cycles.models import Cycle
from portal.i18n import _
from portal.money import format_hryvnias_short, format_number
from portal.parsing import whole_or_none
from portal.projects.forms import BLANK_LINES, MAX_LINES, ProjectForm
from portal.projects.models import Project
from portal.projects.rules import LineProblem, parse_quantity
from portal.projects.services import CostLine, ProjectText

LINE_MESSAGES = {
    LineProblem.NAME_REQUIRED: lambda: _("Name the item."),
    LineProblem.UNIT_REQUIRED: lambda: _("Give the unit (шт., м², послуга)."),
    LineProblem.QUANTITY_INVALID: lambda: _("Enter the quantity as a number, e.g. 2 or 12,5."),
    LineProblem.QUANTITY_NOT_POSITIVE: lambda: _("The quantity must be more than zero."),
    LineProblem.QUANTITY_TOO_PRECISE: lambda: _("At most three decimals in a quantity."),
    LineProblem.PRICE_INVALID: lambda: _("Enter the unit price in hryvnias."),
}

TEXT_FIELDS = ("title", "summary", "problem", "solution", "beneficiaries", "address")


def category_label(category) -> str:
    return _("%(name)s (%(low)s – %(high)s)", name=category.name,
             low=format_hryvnias_short(category.min_cost),
             high=format_hryvnias_short(category.max_cost))


def fill_form(form: ProjectForm, cycle: Cycle, session: Session,
              project: Project | None = None) -> None:
    """Give the form its choices and, on a GET, the project's values and blank rows."""
    form.category.choices = [SelectChoice(str(c.id), category_label(c))
                             for c in cycle.categories]
    form.district.choices = district_choices(session, _("— not applicable —"))
    if request.method == "POST":
        return
    while form.lines.entries:
        form.lines.pop_entry()
    if project is not None:
        for name in TEXT_FIELDS:
            getattr(form, name).data = getattr(project, name)
        form.category.data = str(project.category_id)
        form.district.data = str(project.district_id or "")
        form.latitude.data, form.longitude.data = project.latitude, project.longitude
        for item in project.cost_items:
            form.lines.append_entry(SimpleNamespace(
                name=item.name, quantity=format_number(item.quantity.normalize()),
                unit=item.unit, unit_price=item.unit_price))
    for _row in range(BLANK_LINES):
        if len(form.lines.entries) < MAX_LINES:
            form.lines.append_entry()


def rearrange_lines(form: ProjectForm) -> bool:
    """Without JavaScript, "Add a line" and a row's "Remove" send the form back to be shown
    again with one row more or less; nothing is saved. True when one of them was pressed."""
    if "add_line" in request.form:
        if len(form.lines.entries) < MAX_LINES:
            form.lines.append_entry()
        return True
    if "remove_line" not in request.form:
        return False
    position = whole_or_none(request.form["remove_line"])
    if position is not None and position < len(form.lines.entries):
        form.lines.entries.pop(position)
    if not form.lines.entries:
        form.lines.append_entry()
    return True


class ProjectFormReader:
    """The values of a validated ``ProjectForm``; row problems are put on the form."""

    def __init__(self, form: ProjectForm) -> None:
        self.form = form
        self.lines: list[CostLine] = []
        self.valid = True
        for entry in form.lines.entries:
            row = entry.form
            if row.blank:
                continue
            self._read_row(row)
        self.category_id = whole_or_none(form.category.data or "") or 0
        self.text = ProjectText(
            **{name: getattr(form, name).data or "" for name in TEXT_FIELDS},
            latitude=form.latitude.data, longitude=form.longitude.data,
            district_id=whole_or_none(form.district.data or ""),
        )
        if (form.latitude.data is None) != (form.longitude.data is None):
            form.add_error("longitude", _("Give both coordinates of the point, or neither."))
            self.valid = False

    def _problem(self, field, problem: LineProblem) -> bool:
        field.errors = [*field.errors, LINE_MESSAGES[problem]()]
        self.valid = False
        return False

    def _read_row(self, row) -> None:
        ok = True
        name, unit = (row.name.data or "").strip(), (row.unit.data or "").strip()
        if not name:
            ok = self._problem(row.name, LineProblem.NAME_REQUIRED)
        if not unit:
            ok = self._problem(row.unit, LineProblem.UNIT_REQUIRED)
        quantity = parse_quantity(row.quantity.data or "")
        if isinstance(quantity, LineProblem):
            ok = self._problem(row.quantity, quantity)
        if row.unit_price.data is None:
            ok = self._problem(row.unit_price, LineProblem.PRICE_INVALID)
        if ok:
            self.lines.append(CostLine(name=name, quantity=quantity, unit=unit,
                                       unit_price=row.unit_price.data))
