"""Absolute links, built on the portal's public address (``PUBLIC_URL``), never on the
request's ``Host`` header.

Whoever sends a request chooses its Host: a password-reset link built from it
(``url_for(..., _external=True)``, ``request.host_url``) would mail the token to
``http://evil.example/reset/...``. So every link that leaves the page (mail, receipts,
exports, the API's ``servers``) comes from ``external_url``, and the portal answers only
its public host (and, outside production, the developer's own machine): Flask's
``TRUSTED_HOSTS`` check refuses any other with 400 before a view runs, whether the name
came in the Host header or, behind ``PROXY_HOPS`` proxies, in X-Forwarded-Host.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app

from portal.tenancy import scope
from portal.tenancy.routing import address_of


def public_url() -> str:
    """The public address without a trailing slash: ``https://budget.example.ua``."""
    return current_app.config["PUBLIC_URL"].rstrip("/")


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute address of ``endpoint`` on the public site, as mailed or exported.

    Works with or without a request (commands and jobs send mail too).
    """
    root = urlsplit(public_url())
    host, prefix = address_of(scope.entered())
    adapter = current_app.url_map.bind(host or root.netloc,
                                       script_name=(root.path.rstrip("/") + prefix) or "/",
                                       url_scheme=root.scheme)
    current_app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)


def trusted_hosts(config: Mapping[str, Any]) -> list[str]:
    """The hosts the portal answers: the public one and the configured ``LOCAL_HOSTS``."""
    public = urlsplit(config["PUBLIC_URL"]).hostname or ""
    return list(dict.fromkeys([public, *config.get("LOCAL_HOSTS", ())]))


def init_app(app: Flask) -> None:
    # Flask checks the request's host against this list as it routes (werkzeug's
    # get_host, raising SecurityError: errors.wrong_host answers it).
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    app.add_template_global(external_url)
