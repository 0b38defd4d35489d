"""Error pages in the user's language; no stack trace ever reaches a browser."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from portal.i18n import _
from portal.links import public_url

log = logging.getLogger("portal.errors")


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Check what you sent.")),
        403: (_("Access denied"), _("You do not have permission to open this page.")),
        404: (_("Page not found"), _("There is no such page. Check the address.")),
        405: (_("Method not allowed"), _("This page cannot be used that way.")),
        413: (_("File too large"), _("What you sent is larger than the portal accepts.")),
        429: (
            _("Too many attempts"),
            _("Too many attempts in a short time. Please wait a few minutes and try again."),
        ),
        500: (
            _("Something went wrong"),
            _("The portal could not complete your request. Nothing was changed. Try again later."),
        ),
    }


def render_error(error: HTTPException):
    code = error.code or 500
    title, message = _titles().get(code, (error.name, error.description or ""))
    if request.path.startswith("/api/"):
        body = {"error": {"code": code, "title": title, "message": message}}
        return body, code, _own_headers(error)
    page = render_template("errors/error.html", code=code, title=title, message=message)
    return page, code, _own_headers(error)


def _own_headers(error: HTTPException) -> list[tuple[str, str]]:
    """What the error says of itself besides its body: ``Allow`` on a 405 (RFC 9110 15.5.6),
    ``WWW-Authenticate``, ``Retry-After``; the page sets its own Content-Type."""
    return [(name, value) for name, value in error.get_headers()
            if name.lower() != "content-type"]


def wrong_host(error: SecurityError):
    """A request for a host that is not the portal's (``links.trusted_hosts``).

    No view ran, so nothing was changed or mailed. The page stands alone (Flask made no
    URL adapter for a refused host, so ``url_for`` cannot run) and points to the public
    address.
    """
    title = _("Wrong address")
    message = _("The portal does not answer at this address. Open it at its own address:")
    if request.path.startswith("/api/"):
        return {"error": {"code": 400, "title": title, "message": message,
                          "public_url": public_url()}}, 400
    return render_template("errors/wrong_host.html", title=title, message=message,
                           public_url=public_url()), 400


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(SecurityError, wrong_host)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(InternalServerError())
