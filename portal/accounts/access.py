"""Who may open what: one guard per blueprint, installed where the blueprint is defined.

A blueprint states its rule once (``guard_blueprint(bp, Role.ADMIN)``); templates hide
buttons with the same predicates (``can(...)``) that the guards and services enforce.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from portal.accounts.models import Role


def login_redirect():
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def guard_blueprint(
    bp: Blueprint,
    *roles: Role,
    public: Iterable[str] = (),
    confirmed_email: bool = False,
) -> None:
    """Require login (and one of ``roles`` if given) for every view of ``bp`` except ``public``.

    ``public`` names view functions (without the blueprint prefix) that anyone may open.
    """
    open_views = {f"{bp.name}.{name}" for name in public}

    @bp.before_request
    def check_access():
        if request.endpoint in open_views:
            return None
        if not current_user.is_authenticated:
            return login_redirect()
        if roles and not current_user.has_role(*roles):
            abort(403)
        if confirmed_email and not current_user.email_confirmed:
            return redirect(url_for("accounts.unconfirmed"))
        return None


def has_role(*roles: Role) -> Callable[[], bool]:
    def check() -> bool:
        return current_user.is_authenticated and current_user.has_role(*roles)

    return check
