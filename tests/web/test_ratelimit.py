"""Rate limits sit on views; the extension's check before every request is only kept when a
deployment sets limits for the whole application."""

from __future__ import annotations

from portal import create_app
from portal.ratelimit import limiter


def test_no_limit_check_runs_before_requests_the_portal_sets_no_limits_for(app):
    assert limiter._check_request_limit not in app.before_request_funcs.get(None, [])


def test_a_default_limit_set_by_a_deployment_is_enforced_on_every_page(database_url):
    limited = create_app("testing", {"DATABASE_URL": database_url,
                                     "RATELIMIT_DEFAULT": "2 per minute"})
    try:
        client = limited.test_client()
        statuses = [client.get("/healthz").status_code for _ in range(3)]
    finally:
        limited.extensions["portal.db"].engine.dispose()
    assert statuses == [200, 200, 429]
