"""Every route, requested by every role (anonymous included), gets its expected status.

The table below must name every rule of the URL map: a new route fails this test until
its expected statuses are written down.
"""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from tests.conftest import sign_in

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
    # Target programs: everyone reads a published program and its reports.
    "programs.index": ("GET", "/programs/", ANY),
    "programs.show": ("GET", "/programs/{program}", ANY),
    "programs.report": ("GET", "/programs/{program}/reports/2024/annual", ANY),
    "programs.report_file": ("GET", "/programs/{program}/reports/2024/q1.json", ANY),
    "programs.document": ("GET", "/programs/{program}/passport", ANY),
    "programs.document_file": ("GET", "/programs/{program}/appendix.csv", ANY),
    "api_programs.annual_report": ("GET", "/api/v1/programs/{program}/reports/2024", ANY),
    # Staff maintain programs; a POST without its CSRF token changes nothing.
    "program_admin.new": ("GET", "/staff/programs/new", only("staff", "admin")),
    "program_admin.edit": ("GET", "/staff/programs/{program}/edit", only("staff", "admin")),
    "program_admin.manage": ("GET", "/staff/programs/{program}", only("staff", "admin")),
    "program_admin.publish": ("POST", "/staff/programs/{program}/publish",
                              only("staff", "admin", ok=302)),
    "program_admin.add_amendment": ("POST", "/staff/programs/{program}/amendments",
                                    only("staff", "admin", ok=400)),
    "program_admin.delete_amendment": ("POST", "/staff/programs/amendments/{amendment}/delete",
                                       only("staff", "admin", ok=302)),
    "program_admin.save_task": ("POST", "/staff/programs/{program}/tasks",
                                only("staff", "admin", ok=400)),
    "program_admin.task": ("GET", "/staff/programs/tasks/{task}", only("staff", "admin")),
    "program_admin.delete_task": ("POST", "/staff/programs/tasks/{task}/delete",
                                  only("staff", "admin", ok=302)),
    "program_admin.save_measure": ("POST", "/staff/programs/{program}/measures",
                                   only("staff", "admin", ok=400)),
    "program_admin.measure": ("GET", "/staff/programs/measures/{measure}",
                              only("staff", "admin")),
    "program_admin.delete_measure": ("POST", "/staff/programs/measures/{measure}/delete",
                                     only("staff", "admin", ok=302)),
    "program_admin.departments": ("GET", "/staff/programs/departments", only("staff", "admin")),
    "program_admin.delete_department": ("POST",
                                        "/staff/programs/departments/{department}/delete",
                                        only("staff", "admin", ok=302)),
    "program_admin.template": ("GET", "/staff/programs/{program}/template.csv",
                               only("staff", "admin")),
    "program_admin.import_plan": ("GET", "/staff/programs/{program}/import",
                                  only("staff", "admin")),
    "program_money.plan_line": ("POST", "/staff/funding/measures/{measure}/lines",
                                only("staff", "admin", ok=400)),
    "program_money.line": ("GET", "/staff/funding/lines/{line}", only("staff", "admin")),
    "program_money.delete_line": ("POST", "/staff/funding/lines/{line}/delete",
                                  only("staff", "admin", ok=302)),
    "program_money.record_payment": ("POST", "/staff/funding/lines/{line}/payments",
                                     only("staff", "admin", ok=400)),
    "program_money.delete_payment": ("POST", "/staff/funding/payments/{payment}/delete",
                                     only("staff", "admin", ok=302)),
    "program_money.execution_text": ("POST", "/staff/funding/measures/{measure}/texts",
                                     only("staff", "admin", ok=400)),
    "program_money.indicators": ("GET", "/staff/funding/programs/{program}/indicators/2024",
                                 only("staff", "admin")),
    "program_money.indicator": ("GET", "/staff/funding/indicators/{indicator}",
                                only("staff", "admin")),
    "program_money.delete_indicator": ("POST", "/staff/funding/indicators/{indicator}/delete",
                                       only("staff", "admin", ok=302)),
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
        **program_ids(db),
    }
    return people


def program_ids(db) -> dict[str, int]:
    """A published program with one of everything staff pages show, by id."""
    from datetime import date
    from decimal import Decimal

    from portal.clock import utcnow
    from portal.programs import funding, services
    from portal.programs.report_rules import FundingSource, IndicatorGroup

    now = utcnow()
    program = services.create_program(db, actor=None, now=now, data=services.ProgramData(
        code="access-table", title="Програма", start_year=2023, end_year=2025))
    services.set_published(db, actor=None, program=program, published=True, now=now)
    amendment = services.add_amendment(db, actor=None, program=program, decided_by="ради",
                                       decided_on=date(2024, 3, 1), number="1/2", now=now)
    task = services.save_task(db, actor=None, program=program, number=1, title="Завдання",
                              now=now)
    department = services.save_department(db, actor=None, name="Відділ", now=now)
    measure = services.save_measure(db, actor=None, task=task, now=now,
                                    data=services.MeasureData(seq=1, content="Захід"))
    line = funding.plan_line(db, actor=None, measure=measure, year=2024,
                             source=FundingSource.CITY_BUDGET, planned=10_000_00, now=now)
    payment = funding.record_payment(db, actor=None, line=line, paid_on=date(2024, 2, 1),
                                     amount=5_000_00, document="п/д 1", now=now)
    indicator = funding.save_indicator(db, actor=None, program=program, year=2024, now=now,
                                       data=funding.IndicatorData(IndicatorGroup.PRODUCT, "Форуми",
                                                                  "од.", Decimal(2), Decimal(1)))
    return {"program": program.id, "amendment": amendment.id, "task": task.id,
            "measure": measure.id, "line": line.id, "payment": payment.id,
            "indicator": indicator.id, "department": department.id}


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
