"""Response headers that every page carries, and what the portal believes of its proxies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix


def content_security_policy(config: Mapping[str, Any]) -> str:
    img_sources = ["'self'", "data:"]
    tile_url = config.get("MAP_TILE_URL", "")
    if tile_url.startswith("https://"):
        img_sources.append("https://" + tile_url.split("/")[2].replace("{s}", "*"))
    return "; ".join(
        [
            "default-src 'self'",
            f"img-src {' '.join(img_sources)}",
            "style-src 'self'",
            "script-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The headers every response carries unless its view set its own; they depend on the
    configuration only, so they are worked out once per application."""
    headers = [
        ("Content-Security-Policy", content_security_policy(config)),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)"),
    ]
    if config.get("SESSION_COOKIE_SECURE"):
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return headers


def init_app(app: Flask) -> None:
    headers = security_headers(app.config)

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        for name, value in headers:
            response.headers.setdefault(name, value)
        return response

    hops = app.config.get("PROXY_HOPS", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
