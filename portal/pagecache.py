"""Public pages, made once and served again to visitors who are not signed in.

A visitor who is not signed in sees what every such visitor sees at that address in that
language: the home page, a cycle, a project, the results, the board, the implementation
pages, a program's reports. Making such a page costs tens of milliseconds of templates
and statements; serving the copy made a moment ago costs well under one. So each process
keeps a ``public_page`` view's answer per address (with its query) and language for
``PUBLIC_PAGE_SECONDS`` (0 turns the copies off, as the tests do; the tests of this module
turn them on): such a visitor sees the page at most that many seconds old, as the results
already are.

The one part of a public page that belongs to the visitor is the CSRF token of its forms
(the language switch, a form offered to all). While a page is made for keeping, every
token is written as a marker; each answer, the first included, carries the marker
replaced by the token of the visitor's own session, so a kept page's forms work for
whoever gets it. Nothing is kept or served from the copies for a signed-in person, for a
visitor with a message waiting to be shown (a flash), or for an answer other than 200.

For a signed-in person a page is made anew, but the parts of it that are the same for
everyone (a cycle's figures and cards, a program's report) are kept the same way: a
template wraps such a part in ``{% call kept("name") %}...{% endcall %}``, and the view
hands it loaders (``cards=lambda: ...``) that run only when the part is made.

The copies are each process's own, not shared between the workers or the machines serving
the portal, and that is tolerated on purpose: a copy is the answer any node would give, at
most ``PUBLIC_PAGE_SECONDS`` old, so two visitors sent to two nodes see the same page, or
one a few seconds fresher. Nothing a request changes or relies on lives here (sessions,
limits, files and every record are in the database, Redis or the file store), so no node
ever needs another's copy; sharing them (in Redis) would put a round trip in front of every
public page to spare each node making it once every few seconds.

``recent`` keeps a value that everyone sees the same way (the cycles as the front pages
glance at them, a report read from the records) for the same time, for the office too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Flask, current_app, g, has_request_context, make_response, request, session
from flask_login import current_user
from markupsafe import Markup

#: What a kept page holds in place of the visitor's CSRF token.
TOKEN_MARK = "csrf-token-of-the-visitor"  # noqa: S105 (a marker, not a secret)
#: The headers of a page that can be kept (a view that sets others answers anew each time).
PLAIN_HEADERS = {"Content-Type", "Content-Length"}
#: Copies kept per process at most; past it the oldest half is dropped.
MAX_PAGES = 1000


@dataclass(frozen=True)
class Kept:
    made: float  # time.monotonic() when the page was made
    body: str  # with TOKEN_MARK for the token
    mimetype: str


class PageCache:
    def __init__(self, seconds: float, visitor_token: Callable[[], str]) -> None:
        self.seconds = seconds
        self.visitor_token = visitor_token
        self._pages: dict[tuple, Kept] = {}
        self._values: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return len(self._pages)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._values.clear()

    def recent(self, name: Hashable, make: Callable[[], Any]) -> Any:
        found = self._values.get(name)
        if found is None or time.monotonic() - found[0] >= self.seconds:
            found = (time.monotonic(), make())
            if self.seconds > 0:
                with self._lock:
                    if len(self._values) >= MAX_PAGES:
                        self._values.clear()
                    self._values[name] = found
        return found[1]

    def fresh(self, key: tuple) -> Kept | None:
        kept = self._pages.get(key)
        if kept is None or time.monotonic() - kept.made >= self.seconds:
            return None
        return kept

    def keep(self, key: tuple, kept: Kept) -> None:
        with self._lock:
            if len(self._pages) >= MAX_PAGES:
                oldest = sorted(self._pages, key=lambda k: self._pages[k].made)
                for old in oldest[: MAX_PAGES // 2]:
                    del self._pages[old]
            self._pages[key] = kept


def init_app(app: Flask, visitor_token: Callable[[], str]) -> None:
    """``visitor_token()`` gives this request's visitor the CSRF token of their session
    (``portal.forms``, which asks ``making_for_keeps`` here)."""
    app.extensions["portal.pages"] = PageCache(float(app.config["PUBLIC_PAGE_SECONDS"]),
                                               visitor_token)
    app.add_template_global(kept, "kept")
    app.add_template_global(audience, "audience")


def kept(name: str, caller: Callable[[], str], shared: bool | None = None) -> Markup:
    """The part of this page called ``name``, from the copy kept for this address and
    language, or made now by ``caller`` (a template's call block) and kept; made for this
    visitor alone when not ``shared`` (the part shows them something of their own). By
    default a part is shared with visitors and residents, and made anew for the office
    (staff, the commission, verifiers, admins), who change what it shows and must see
    their change at once."""
    cache: PageCache = current_app.extensions["portal.pages"]
    if cache.seconds <= 0 or not has_request_context():
        return caller()
    if shared is None:
        shared = not _in_office()
    if not shared:
        return caller()
    from portal.i18n import get_locale

    key = ("part", _place(), request.full_path, str(get_locale()), name)
    found = cache.fresh(key)
    outer = making_for_keeps()
    if found is None:
        g.page_for_keeps = True
        try:
            found = Kept(time.monotonic(), str(caller()), "text/html")
        finally:
            g.page_for_keeps = outer
        cache.keep(key, found)
    # The body is the template's own output, escaped when it was made.
    if outer or TOKEN_MARK not in found.body:  # the whole page is being kept: marks stay
        return Markup(found.body)  # noqa: S704
    return Markup(found.body.replace(TOKEN_MARK, _visitor_token()))  # noqa: S704


def _in_office() -> bool:
    return bool(current_user.is_authenticated and current_user.roles - {"resident"})


def audience() -> str:
    """Who looks, as far as the parts kept per audience care: a visitor, or an account and
    its roles (the menus)."""
    if not current_user.is_authenticated:
        return "visitor"
    platform = " platform" if getattr(current_user, "is_platform_admin", False) else ""
    return "account " + " ".join(sorted(role.value for role in current_user.roles)) + platform


def recent(name: Hashable, make: Callable[[], Any]) -> Any:
    """``make()``, or what it gave less than PUBLIC_PAGE_SECONDS ago in this process (for
    this request's community)."""
    return current_app.extensions["portal.pages"].recent((_place(), name), make)


def making_for_keeps() -> bool:
    """Whether the page being made will be kept: its CSRF tokens are then the marker."""
    return bool(g.get("page_for_keeps"))


def _applies() -> bool:
    return (request.method == "GET" and current_app.extensions["portal.pages"].seconds > 0
            and not current_user.is_authenticated and not session.get("_flashes"))


def _visitor_token() -> str:
    return current_app.extensions["portal.pages"].visitor_token()


def _answer(kept: Kept):
    response = make_response(kept.body.replace(TOKEN_MARK, _visitor_token()))
    response.mimetype = kept.mimetype
    return response


def _place() -> int:
    """The community the page is of (``portal.tenancy`` sets ``g.community``): the same
    path is another page in another community."""
    return getattr(g.get("community"), "id", 0)


def public_page(view: Callable) -> Callable:
    """Serve ``view``'s page from the copy kept for visitors who are not signed in."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not _applies():
            return view(*args, **kwargs)
        from portal.i18n import get_locale

        cache: PageCache = current_app.extensions["portal.pages"]
        key = (_place(), request.full_path, str(get_locale()))
        kept = cache.fresh(key)
        if kept is None:
            g.page_for_keeps = True
            try:
                response = make_response(view(*args, **kwargs))
            finally:
                g.page_for_keeps = False
            if response.direct_passthrough:  # a file: nothing of ours in it
                return response
            if response.status_code != 200 or set(response.headers.keys()) - PLAIN_HEADERS:
                # Not a plain page (a redirect, an error page): answered once, as made.
                response.set_data(response.get_data(as_text=True).replace(
                    TOKEN_MARK, _visitor_token()))
                return response
            kept = Kept(time.monotonic(), response.get_data(as_text=True), response.mimetype)
            if not session.get("_flashes"):  # the view may have flashed after all
                cache.keep(key, kept)
        return _answer(kept)

    return wrapper
