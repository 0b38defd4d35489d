"""Error pages in the user's language; no stack trace ever reaches a browser.

While the database cannot be reached, every page answers 503 with ``Retry-After``: a page
rendered without the database (no signed-in user is loaded, so no account menu) in the
language of the browser session, or JSON under ``/api/``. A form that was sent comes back
as a form to send again, holding what the person entered (but passwords and files). While
the place the uploaded files are kept cannot be reached (``StorageUnavailable``: an object
store that does not answer), a page that needs a file answers the same way, saying so.
"""

from __future__ import annotations

import base64
import hashlib
import logging

from flask import Flask, current_app, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from portal.db import is_outage
from portal.forms import ActionForm
from portal.i18n import _
from portal.links import public_url
from portal.uploads import StorageUnavailable

log = logging.getLogger("portal.errors")

#: Seconds a person or a program is asked to wait before trying again during an outage.
RETRY_AFTER_SECONDS = 30


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
    original = getattr(error, "original_exception", None)
    if original is not None and is_outage(original):  # the commit found the database gone
        return render_outage(original)
    try:
        return _error_page(error)
    except Exception as failure:
        # The page's language or account menu needed the signed-in user: the database is gone.
        if not is_outage(failure):
            raise
        _log_outage(failure)
        _forget_user()
        return _error_page(error, database_down=True)


def _error_page(error: HTTPException, *, database_down: bool = False):
    code = error.code or 500
    title, message = _titles().get(code, (error.name, error.description or ""))
    if request.path.startswith("/api/"):
        body = {"error": {"code": code, "title": title, "message": message}}
        return body, code, _own_headers(error)
    page = render_template("errors/error.html", code=code, title=title, message=message,
                           database_down=database_down)
    return page, code, _own_headers(error)


def render_outage(error: Exception):
    """The answer to any request while the database is unavailable: 503, Retry-After."""
    _log_outage(error)
    _forget_user()
    return _unavailable(files=False)


def render_files_outage(error: StorageUnavailable):
    """The answer to a request that needed the uploaded files' store while it cannot be
    reached: 503, Retry-After; the database still answers, so the page is whole."""
    log.error("File storage unavailable on %s %s: %s", request.method, request.path, error)
    return _unavailable(files=True)


def _unavailable(*, files: bool):
    sent = request.method == "POST"
    title = _("Not saved") if sent else _("The portal is temporarily unavailable")
    if request.path.startswith("/api/"):
        message = (_("The portal cannot reach the storage of its files just now. Try again "
                     "in a minute.") if files else
                   _("The portal cannot reach its database just now. Try again in a minute."))
        response = jsonify({"error": {"code": 503, "title": title, "message": message}})
    else:
        response = make_response(render_template(
            "errors/unavailable.html", title=title, sent=sent, files=files,
            database_down=not files, again=request.full_path.rstrip("?"),
            **(_to_send_again() if sent else {}),
        ))
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _to_send_again() -> dict[str, object]:
    """What the outage page offers to send again: the fields of the form that was sent,
    under a new CSRF token. Passwords are not written into the page, files cannot be; a
    form whose own token was not valid (sent from another site), or that could not be read
    (larger than the portal accepts), is not offered at all."""
    try:
        form = ActionForm(request.form)
    except HTTPException:
        return {"fields": None, "dropped": False}
    if not form.validate():
        return {"fields": None, "dropped": False}
    fields = [(name, value) for name, value in request.form.items(multi=True)
              if name != "csrf_token" and "password" not in name]
    dropped = bool(request.files) or any("password" in name for name in request.form)
    return {"fields": fields, "dropped": dropped, "form": ActionForm()}


def _log_outage(error: Exception) -> None:
    """One line, not a traceback: every request fails the same way while it lasts."""
    cause = getattr(error, "orig", None) or error
    detail = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    log.error("Database unavailable on %s %s: %s: %s", request.method, request.path,
              type(cause).__name__, detail)


def _forget_user() -> None:
    """From here on the request is anonymous: nothing asks the database who is signed in
    (the user's language comes from the browser session, see ``portal.i18n``)."""
    current_app.login_manager._update_request_context_with_user()


class _OutageTracebacks(logging.Filter):
    """Flask logs a traceback for an error it meets after the view (a commit that failed);
    during an outage the error page has logged its one line, and that is enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and record.exc_info[1] is not None
                    and is_outage(record.exc_info[1]))


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
    page = render_template("errors/wrong_host.html", title=title, message=message,
                           public_url=public_url(), style=_WRONG_HOST_STYLE)
    return page, 400, [("Content-Security-Policy", _WRONG_HOST_POLICY)]


#: The wrong-host page's own look: its stylesheet lives on the public host, which this page's
#: origin may not load from, so the few rules it needs come inline, allowed by their hash.
_WRONG_HOST_STYLE = (
    "body{font-family:system-ui,sans-serif;line-height:1.5;color:#1b1f24;margin:0}"
    "main{max-width:40rem;margin:0 auto;padding:3rem 1.25rem;text-align:center}"
    ".code{font-size:3rem;font-weight:700;color:#0b4f9c;margin:0}"
    "a{color:#0b4f9c;font-weight:600;overflow-wrap:anywhere}"
)
_WRONG_HOST_POLICY = (
    "default-src 'none'; style-src 'sha256-"
    + base64.b64encode(hashlib.sha256(_WRONG_HOST_STYLE.encode()).digest()).decode()
    + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(SecurityError, wrong_host)
    app.register_error_handler(StorageUnavailable, render_files_outage)
    app.logger.addFilter(_OutageTracebacks())

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if is_outage(error):
            return render_outage(error)
        log.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(InternalServerError())
