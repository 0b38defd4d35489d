"""Which community a request is for: its path prefix, its host, or the default.

``/<slug>/...`` on the platform's host is community ``slug``'s: the prefix is moved from
``PATH_INFO`` to ``SCRIPT_NAME`` before Flask routes, so every rule stays as it is and
``url_for`` puts the prefix back into every link. A community's own domain, and the
installation's default community (``scope.default_community_id``), are served without a
prefix, so an upgraded installation's addresses keep working. On the platform's host with
no default, the pages that are not a community's (the front page listing communities,
accounts, the API's list) are the platform's; any other answers 404.

A first path segment that is one of the application's own (``projects``, ``static``...)
is never taken for a community: no community may have such a slug (``RESERVED``).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from flask import Flask, abort, current_app, g, has_app_context, request
from sqlalchemy import select

from portal.tenancy import scope
from portal.tenancy.models import SLUG_PATTERN, Community, CommunityDomain

#: The execution option of a connection that only reads (``portal.db.begin_immediate``).
READ_ONLY = "portal_read_only"
#: Environ key of the slug taken from the path.
SLUG_KEY = "portal.community_slug"
#: How long a process trusts what it read about the communities.
FRESH_SECONDS = 30.0
#: Endpoints served on the platform's host when no community is chosen (by blueprint, or
#: by endpoint).
PLATFORM_BLUEPRINTS = frozenset({"accounts", "static", "communities_admin", "api_platform"})
#: Endpoints that are nobody's and read nothing: no community is looked for.
UNSCOPED_ENDPOINTS = frozenset({"static", "main.health"})
PLATFORM_ENDPOINTS = frozenset({"static", "main.index", "main.health"})


@dataclass(frozen=True)
class Place:
    """What a request needs of its community, read once and shared by requests."""

    id: int
    code: str
    slug: str
    name: str
    name_en: str
    localities: tuple[str, ...]
    admits_displaced: bool
    mail_sender: str
    emblem: str | None
    #: The community's own e-ID client settings (a JSON object; ``{}``: none of its own).
    eid_settings: str = "{}"

    @classmethod
    def of(cls, row: Any) -> Place:
        """From a ``communities`` row (a Core row: the ORM's scope plays no part)."""
        localities = tuple(line.strip() for line in (row.localities or "").splitlines()
                           if line.strip())
        return cls(id=row.id, code=row.code, slug=row.slug, name=row.name,
                   name_en=row.name_en or row.name, localities=localities,
                   admits_displaced=row.admits_displaced, mail_sender=row.mail_sender,
                   emblem=row.emblem, eid_settings=row.eid_settings or "{}")

    def display_name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name


class Directory:
    """The communities as this process last read them (slugs, domains, ids)."""

    def __init__(self) -> None:
        self.read_at = -FRESH_SECONDS
        self.by_slug: dict[str, Place] = {}
        self.by_host: dict[str, Place] = {}
        self.by_id: dict[int, Place] = {}
        self.by_code: dict[str, Place] = {}
        self.default: Place | None = None
        self.host_of: dict[int, str] = {}

    def refresh(self, *, force: bool = False, session: Any = None) -> None:
        """Read the communities again when what was read is older than FRESH_SECONDS: in
        the transaction the request (or command) has open, else in a session of its own, so
        a view that needs no database opens none, and on SQLite no second connection waits
        for the write lock this one holds."""
        if not force and time.monotonic() - self.read_at < FRESH_SECONDS:
            return
        from portal.db import database

        open_session = session if session is not None else g.get("db_session")
        if open_session is not None and (session is not None or open_session.in_transaction()):
            places, domains = self._read(open_session.connection())
        else:
            # A read of its own: on SQLite a plain (deferred) BEGIN, which waits for no
            # write lock another session of this thread may hold (portal.db).
            with database().sessionmaker() as own:
                places, domains = self._read(
                    own.connection(execution_options={READ_ONLY: True}))
        self.by_id = places
        self.by_slug = {place.slug: place for place in places.values()}
        self.by_code = {place.code: place for place in places.values()}
        self.by_host = {host.lower(): places[cid] for host, cid in domains if cid in places}
        self.host_of = {}
        for host, cid in sorted(domains):
            self.host_of.setdefault(cid, host.lower())
        # A community's own domain is answered like the public host (portal.links).
        trusted = current_app.config.get("TRUSTED_HOSTS")
        if trusted is not None:
            trusted.extend(host for host in self.by_host if host not in trusted)
        code = current_app.config.get("DEFAULT_COMMUNITY") or ""
        if code:
            self.default = next((place for place in places.values() if place.code == code), None)
        else:
            self.default = next(iter(places.values())) if len(places) == 1 else None
        self.read_at = time.monotonic()

    @staticmethod
    def _read(connection: Any) -> tuple[dict[int, Place], list]:
        rows = connection.execute(select(Community).where(Community.active)).all()
        places = {row.id: Place.of(row) for row in rows}
        domains = connection.execute(
            select(CommunityDomain.host, CommunityDomain.community_id)).all()
        return places, list(domains)

    def forget(self) -> None:
        self.read_at = -FRESH_SECONDS


class PrefixMiddleware:
    """Moves ``/<slug>`` from the path to the script root, so Flask routes the rest."""

    def __init__(self, wsgi_app: Any, app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = app
        self.reserved: frozenset[str] | None = None
        self.slug = re.compile(rf"/({SLUG_PATTERN})(/.*)?\Z", re.S)

    def __call__(self, environ: dict, start_response: Any) -> Any:
        if self.reserved is None:  # read at the first request, once every rule is added
            self.reserved = reserved_words(self.app)
        match = self.slug.match(environ.get("PATH_INFO", ""))
        if match and match.group(1) not in self.reserved:
            slug, rest = match.group(1), match.group(2) or ""
            environ[SLUG_KEY] = slug
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "").rstrip("/") + "/" + slug
            environ["PATH_INFO"] = rest or "/"
        return self.wsgi_app(environ, start_response)


def reserved_words(app: Flask) -> frozenset[str]:
    """The first path segments the application's own rules use."""
    words = set()
    for rule in app.url_map.iter_rules():
        first = rule.rule.lstrip("/").split("/", 1)[0]
        if first and "<" not in first:
            words.add(first)
    return frozenset(words)


def directory() -> Directory:
    return current_app.extensions["portal.communities"]


def address_of(community_id: int | None) -> tuple[str | None, str]:
    """Where a community's pages are, for links that leave the page: its own domain (or
    None: the platform's host) and the path prefix (``""`` or ``"/<slug>"``)."""
    if community_id is None or community_id <= 0:
        return None, ""
    places = directory()
    places.refresh()
    if community_id not in places.by_id:
        places.refresh(force=True)  # one made a moment ago (in this very transaction, even)
    if community_id in places.host_of:
        return places.host_of[community_id], ""
    place = places.by_id.get(community_id)
    if place is None or place is places.default:
        return None, ""
    return None, "/" + place.slug


def place_of(community_id: int | None, session: Any = None) -> Place | None:
    """The community ``community_id`` as this process last read it (None: no such one, or
    the platform's own work); outside an application, read through ``session``."""
    if community_id is None or community_id <= 0:
        return None
    if not has_app_context():
        if session is None:
            return None
        table = Community.__table__
        row = session.connection().execute(select(table).where(table.c.id == community_id)
                                           ).first()
        return Place.of(row) if row is not None else None
    places = directory()
    places.refresh(session=session)
    found = places.by_id.get(community_id)
    if found is None:
        places.refresh(force=True, session=session)
        found = places.by_id.get(community_id)
    return found


def here() -> Place | None:
    """The community the code works for now (a request's, a job's, a command's)."""
    from portal.db import db_session

    return g.get("community") or place_of(scope.current_community_id(db_session()))


def current_place() -> Place | None:
    """The community of this request (None on the platform's own pages)."""
    return g.get("community")


def _resolve() -> None:
    from portal.db import is_outage

    if request.endpoint in UNSCOPED_ENDPOINTS:
        g.community = None
        return

    places = directory()
    try:
        places.refresh()
    except Exception as error:
        if not is_outage(error):
            raise
        # The database cannot be reached: what this process knows serves, and the view's
        # first statement meets the outage and answers 503 (portal.errors). A prefix it
        # does not know is not found (asked again once the database is back, it may be).
        slug = request.environ.get(SLUG_KEY)
        if request.routing_exception is not None or (slug and slug not in places.by_slug):
            abort(404)
        g.community = places.by_slug[slug] if slug else places.default
        g.community_token = scope.enter(g.community.id if g.community else scope.NOWHERE)
        return
    slug = request.environ.get(SLUG_KEY)
    code = g.pop("api_community", None)  # /api/v1/communities/<code>/... (portal.api)
    place = None
    if code is not None:
        place = places.by_code.get(code)
        if place is None:
            places.refresh(force=True)
            place = places.by_code.get(code)
        g.api_community = code  # for the links the API writes (its url_defaults)
        if place is None or (slug is not None and places.by_slug.get(slug) is not place):
            g.community = None
            g.community_token = scope.enter(scope.NOWHERE)
            abort(404)
    elif slug is not None:
        place = places.by_slug.get(slug)
        if place is None:
            places.refresh(force=True)  # created a moment ago, by another process?
            place = places.by_slug.get(slug)
        if place is None:
            g.community = None
            g.community_token = scope.enter(scope.NOWHERE)
            abort(404)
    else:
        # The Host header only chooses among the communities' own domains (Flask has
        # already refused a host that is not trusted); no link is built from it.
        host = request.environ.get("HTTP_HOST", "").split(":", 1)[0].lower()
        place = places.by_host.get(host) or places.default
    g.community = place
    if place is None:
        g.community_token = scope.enter(scope.EVERYWHERE)
        if not _platform_page():
            abort(404)
    else:
        g.community_token = scope.enter(place.id)


def _platform_page() -> bool:
    endpoint = request.endpoint or ""
    return (endpoint in PLATFORM_ENDPOINTS
            or endpoint.split(".", 1)[0] in PLATFORM_BLUEPRINTS)


def _leave(_error: BaseException | None) -> None:
    token = g.pop("community_token", None)
    if token is not None:
        scope.leave(token)


def init_app(app: Flask) -> None:
    """After the blueprints: the prefix, and choosing the community before any view."""
    app.extensions["portal.communities"] = Directory()
    app.wsgi_app = PrefixMiddleware(app.wsgi_app, app)  # type: ignore[method-assign]
    app.before_request_funcs.setdefault(None, []).insert(0, _resolve)
    app.teardown_request(_leave)
