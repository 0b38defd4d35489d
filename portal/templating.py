"""What every template can use: the user's roles, small CSRF-protected action forms, money."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask_login import current_user

from portal.accounts.forms import LanguageForm
from portal.accounts.models import Role
from portal.forms import ActionForm
from portal.i18n import _
from portal.money import format_hryvnias, format_thousands, percent
from portal.tenancy.routing import current_place


def request_path() -> str:
    """This request's path and query: where a form with no other action posts (a global, so
    that macros imported without the page's context see it too)."""
    return request.full_path.rstrip("?") if has_request_context() else "/"


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.add_template_global(request_path, "request_path")

    @app.context_processor
    def globals_for_templates():
        return {
            "Role": Role,
            "action_form": ActionForm,
            "header_language_form": lambda: LanguageForm(language=str(_locale())),
            "current_path": request_path(),
            "community": current_place(),
            "community_name": community_name(),
            "is_role": lambda *roles: (current_user.is_authenticated
                                       and current_user.has_role(*roles)),
            "hryvnias": format_hryvnias, "thousands": format_thousands, "percent": percent,
        }


def community_name() -> str:
    """The name of the request's community in the reader's language; the platform's name
    on the platform's own pages."""
    place = current_place()
    if place is None:
        return str(_("Participatory budgets of communities"))
    return place.display_name(str(_locale()))


def _locale():
    from flask_babel import get_locale

    return get_locale() or "uk"
