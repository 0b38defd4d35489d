"""Every route, requested by every role (anonymous included), gets its expected status.

The table below must name every rule of the URL map: a new route fails this test until
its expected statuses are written down.
"""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from tests.conftest import sign_in
from tests.voting_factories import make_voting_cycle

ROLES = ("anonymous", "resident", "unverified", "verifier", "commission", "staff", "admin")
LOGIN = 302  # anonymous: sent to the login page
ANY = {role: 200 for role in ROLES}
SIGNED_IN = {**ANY, "anonymous": LOGIN}


def only(*allowed: str, ok: int = 200) -> dict[str, int]:
    return {role: (ok if role in allowed else 403) for role in ROLES} | {"anonymous": LOGIN}


# endpoint -> (method, path template, expected status per role)
ROUTES: dict[str, tuple[str, str, dict[str, int]]] = {
    "main.index": ("GET", "/", ANY),
    "main.health": ("GET", "/healthz", ANY),
    "static": ("GET", "/static/css/portal.css", ANY),
    "accounts.register": ("GET", "/register", {**{r: 302 for r in ROLES}, "anonymous": 200}),
    "accounts.login": ("GET", "/login", {**{r: 302 for r in ROLES}, "anonymous": 200}),
    "accounts.logout": ("POST", "/logout", {r: 302 for r in ROLES}),
    "accounts.forgot": ("GET", "/forgot", ANY),
    "accounts.reset": ("GET", "/reset/not-a-token", {r: 302 for r in ROLES}),
    "accounts.confirm": ("GET", "/confirm/not-a-token", {r: 302 for r in ROLES}),
    "accounts.unconfirmed": ("GET", "/confirm", {**{r: 302 for r in ROLES}, "unverified": 200}),
    "accounts.profile": ("GET", "/profile", SIGNED_IN),
    "accounts.change_password": ("POST", "/profile/password", {**{r: 400 for r in ROLES},
                                                               "anonymous": LOGIN}),
    "accounts.language": ("POST", "/language", {r: 302 for r in ROLES}),
    "identity.status": ("GET", "/verify/", SIGNED_IN),
    # Verified accounts are sent back to their status; the others get the form.
    "identity.census_verify": ("GET", "/verify/census", {
        **{r: 200 for r in ROLES}, "anonymous": LOGIN, "resident": 302, "commission": 302}),
    "identity.eid_start": ("GET", "/verify/eid", {r: 302 for r in ROLES}),
    "identity.eid_callback": ("GET", "/verify/eid/callback", {**{r: 404 for r in ROLES},
                                                              "anonymous": LOGIN}),
    "desk.index": ("GET", "/desk/", only("verifier", "admin")),
    "desk.account": ("GET", "/desk/account/{resident}", only("verifier", "admin")),
    "desk.revoke": ("POST", "/desk/verification/{verification}/revoke",
                    only("verifier", "admin", ok=302)),
    "census.upload": ("GET", "/census/", only("staff", "admin")),
    "admin.users": ("GET", "/admin/users", only("admin")),
    "admin.user": ("GET", "/admin/users/{resident}", only("admin")),
    "admin.grant": ("POST", "/admin/users/{resident}/roles/grant", only("admin", ok=302)),
    "admin.revoke": ("POST", "/admin/users/{resident}/roles/revoke", only("admin", ok=302)),
    "admin.audit_log": ("GET", "/admin/audit", only("admin")),
    # Voting, on a cycle whose vote closed an hour ago (board and results are public).
    "voting.index": ("GET", "/voting/", ANY),
    "voting.ballot": ("GET", "/voting/{cycle}/ballot", SIGNED_IN),
    "voting.my_ballot": ("GET", "/voting/{cycle}/my-ballot", {r: 302 for r in ROLES}),
    "voting.board_page": ("GET", "/voting/{cycle}/board", ANY),
    "voting.results": ("GET", "/voting/{cycle}/results", ANY),
    "voting.export_pb": ("GET", "/voting/{cycle}/ballots.pb", ANY),
    "paper.cycles": ("GET", "/desk/paper/", only("verifier", "admin")),
    "paper.enter": ("GET", "/desk/paper/{cycle}", only("verifier", "admin")),
    "count.overview": ("GET", "/commission/voting/{cycle}", only("commission", "admin")),
    "count.count": ("POST", "/commission/voting/{cycle}/tally",
                    only("commission", "admin", ok=400)),
    "count.decide": ("POST", "/commission/voting/{cycle}/decide",
                     only("commission", "admin", ok=400)),
    "api.openapi": ("GET", "/api/v1/openapi.json", ANY),
    "api.results": ("GET", "/api/v1/cycles/{cycle}/results", ANY),
    "api.board": ("GET", "/api/v1/cycles/{cycle}/board", ANY),
}


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(ROUTES), {
        "missing": sorted(endpoints - set(ROUTES)), "stale": sorted(set(ROUTES) - endpoints)}


@pytest.fixture
def people(db, make_user):
    from portal.identity.services import active_verification

    census_ready(db, make_user)
    people = {
        "resident": make_user(Role.RESIDENT, verified=True),
        "unverified": make_user(Role.RESIDENT, confirmed=False),
        "verifier": make_user(Role.VERIFIER),
        "commission": make_user(Role.COMMISSION, verified=True),
        "staff": make_user(Role.STAFF),
        "admin": make_user(Role.ADMIN),
    }
    people["ids"] = {
        "resident": people["resident"].id,
        "verification": active_verification(db, people["resident"]).id,
        "cycle": make_voting_cycle(db, open_now=False).id,
    }
    return people


def census_ready(db, make_user):
    from portal.clock import utcnow
    from portal.identity.models import CensusBatch

    uploader = make_user(Role.STAFF)
    db.add(CensusBatch(filename="r.csv", uploaded_by_id=uploader.id, uploaded_at=utcnow(), rows=0))
    db.flush()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_status_for_role(app, db, people, endpoint, role):
    method, template, expected = ROUTES[endpoint]
    client = app.test_client()
    if role != "anonymous":
        sign_in(client, people[role])
    path = template.format(**people["ids"])
    with client.open(path, method=method) as response:
        assert response.status_code == expected[role], (
            f"{method} {path} as {role}: {response.status_code}")
