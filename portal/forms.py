"""The base form: plain WTForms with session-bound CSRF and messages in the user's language."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, request, session
from werkzeug.datastructures import CombinedMultiDict
from wtforms import FieldList, Form, FormField, RadioField
from wtforms.csrf.session import SessionCSRF
from wtforms.validators import ValidationError

from portal.db import doom
from portal.i18n import _, _l, catalogue
from portal.pagecache import TOKEN_MARK, making_for_keeps
from portal.refusal import Refused


class _BabelTranslations:
    """WTForms' translation hook backed by the request's Flask-Babel catalogue.

    WTForms ships its own catalogue of validator messages; ours holds the Ukrainian and
    English texts for them, so every message a person sees comes from one place.
    """

    def gettext(self, string: str) -> str:
        return catalogue().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return catalogue().ungettext(singular, plural, n)


class _PortalCSRF(SessionCSRF):
    def generate_csrf_token(self, csrf_token_field: Any) -> str:
        if making_for_keeps():  # each visitor's own token replaces the marker
            return TOKEN_MARK
        return super().generate_csrf_token(csrf_token_field)

    def validate_csrf_token(self, form: Form, field: Any) -> None:
        try:
            super().validate_csrf_token(form, field)
        except ValueError as error:
            # WTForms' own wording is technical; say what happened and what to do.
            raise ValidationError(
                _l("The form has expired or was sent from another page. Please send it again.")
            ) from error


class BaseForm(Form):
    """Every form of the portal derives from this one; CSRF is always on."""

    class Meta:
        csrf = True
        csrf_class = _PortalCSRF
        csrf_field_name = "csrf_token"

        @property
        def csrf_secret(self) -> bytes:
            return current_app.secret_key.encode()  # type: ignore[union-attr]

        @property
        def csrf_time_limit(self) -> Any:
            return current_app.config["CSRF_TIME_LIMIT"]

        @property
        def csrf_context(self) -> Any:
            return session

        def get_translations(self, form: Form) -> _BabelTranslations:
            return _BabelTranslations()

        def render_field(self, field: Any, render_kw: dict) -> Any:
            # The hidden CSRF token has no label: without an id, the several forms of one
            # page (the language switch, log out, the page's own) repeat no id.
            if field.type == "CSRFTokenField":
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)

    @classmethod
    def visitor_token(cls) -> str:
        """The CSRF token of this request's session (a kept page's forms get it)."""
        return cls().csrf_token.current_token

    @classmethod
    def from_request(cls, **kwargs: Any) -> BaseForm:
        """Bind to the request's form and files on POST, to nothing on GET."""
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            return cls(CombinedMultiDict([request.form, request.files]), **kwargs)
        return cls(**kwargs)

    @property
    def submitted_and_valid(self) -> bool:
        return request.method == "POST" and self.validate()

    def flash_errors(self) -> None:
        """A small action form (a button) that did not validate: its errors, each named
        by its field's label, as messages on the page the action returns to."""
        for field in self:
            for error in field.errors:
                flash(f"{field.label.text}: {error}", "error")

    def error_links(self) -> list[tuple[str, str]]:
        """Every field's message for the summary at the top of the form: (the id of the
        input to go to, the text naming the field), rows of a list of sub-forms (the cost
        lines) named by their number. The messages of the form as a whole and of its CSRF
        token have no field to go to and are left to ``form_errors``."""
        found: list[tuple[str, str]] = []
        for field in self:
            if field.name == "csrf_token":
                continue
            if isinstance(field, FieldList):
                for row, entry in enumerate(field.entries, start=1):
                    subfields = entry.form if isinstance(entry, FormField) else (entry,)
                    for sub in subfields:
                        label = _("%(field)s, line %(row)d", field=sub.label.text, row=row)
                        found += [(sub.id, f"{label}: {error}") for error in sub.errors]
                continue
            target = f"{field.id}-0" if isinstance(field, RadioField) else field.id
            found += [(target, f"{field.label.text}: {error}") for error in field.errors
                      if isinstance(error, str)]
        return found

    def add_error(self, field_name: str | None, message: str) -> None:
        """Attach a message from a service's refusal to a field or to the form as a whole."""
        if field_name and field_name in self._fields:
            self._fields[field_name].errors = [*self._fields[field_name].errors, message]
        else:
            self.form_errors.append(message)


class ActionForm(BaseForm):
    """A form with no fields: a button that changes something, protected by CSRF."""


def show_refusal(refused: Refused, form: BaseForm | None = None, *,
                 category: str = "error") -> None:
    """Show a service's refusal, the one way every view does: each problem on its field of
    ``form`` (or above the form), or, without a form, as a message of ``category`` on the
    next page. Nothing the request changed is kept, unless the refusal is itself a record."""
    if not refused.keep:
        doom()
    for problem in refused.problems:
        if form is None:
            flash(str(problem), category)
        else:
            form.add_error(problem.field, str(problem))
