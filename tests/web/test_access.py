"""Every route, requested by every role (anonymous included), gets its expected status.

The table (``tests/web/access_table.py``) must name every rule of the URL map: a new route
fails this test until its expected statuses are written down.
"""

from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.web.access_table import PHOTO, PHOTO_NAME, ROLES, ROUTES, build_table


def test_every_route_is_in_the_table(app):
    """(Old addresses that moved redirect before any check: ``tests/web/test_moved.py``.)"""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if not rule.endpoint.startswith("moved.")}
    assert endpoints == set(ROUTES), {
        "missing": sorted(endpoints - set(ROUTES)), "stale": sorted(set(ROUTES) - endpoints)}


@pytest.fixture(scope="module")
def table(app, module_db, tmp_path_factory):
    """The people of the table and every row its paths name, built once for the module:
    each case runs in a savepoint rolled back after it (``module_case``)."""
    uploads = tmp_path_factory.mktemp("access-uploads")
    (uploads / PHOTO_NAME).write_bytes(PHOTO)
    people, ids = build_table(module_db)
    module_db.commit()
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(app.config, "UPLOAD_FOLDER", str(uploads))
        yield people, ids


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_status_for_role(app, table, module_case, endpoint, role):
    method, template, expected = ROUTES[endpoint]
    people, ids = table
    client = app.test_client()
    if role != "anonymous":
        sign_in(client, people[role])
    path = template.format(**ids)
    with client.open(path, method=method) as response:
        assert response.status_code == expected[role], (
            f"{method} {path} as {role}: {response.status_code}")
