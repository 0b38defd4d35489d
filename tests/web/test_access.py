"""Every route, requested by every role (anonymous included), gets its expected status.

The table below must name every rule of the URL map: a new route fails this test until
its expected statuses are written down.
"""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from tests.conftest import sign_in
from tests.factories.accounts import make_user
from tests.factories.cycles import make_cycle
from tests.factories.projects import make_project
from tests.factories.review import held_meeting, seat_commission
from tests.factories.voting import make_voting_cycle

ROLES = ("anonymous", "resident", "unverified", "verifier", "commission", "staff", "admin")
LOGIN = 302  # anonymous: sent to the login page
ANY = {role: 200 for role in ROLES}
SIGNED_IN = {**ANY, "anonymous": LOGIN}


def only(*allowed: str, ok: int = 200) -> dict[str, int]:
    return {role: (ok if role in allowed else 403) for role in ROLES} | {"anonymous": LOGIN}


#: A change to the resident's draft: the author 200, overseers 403, everyone else 404.
DRAFT_ACTION = {"anonymous": LOGIN, "resident": 200, "unverified": 404, "verifier": 404,
                "commission": 403, "staff": 403, "admin": 403}


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
    # Cycles: public pages, and their administration.
    "cycles.index": ("GET", "/cycles/", ANY),
    "cycles.page": ("GET", "/cycles/{cycle}", ANY),
    "cycle_admin.cycles": ("GET", "/admin/cycles/", only("admin")),
    "cycle_admin.new": ("GET", "/admin/cycles/new", only("admin")),
    "cycle_admin.cycle": ("GET", "/admin/cycles/{cycle}", only("admin")),
    "cycle_admin.edit": ("GET", "/admin/cycles/{cycle}/edit", only("admin")),
    "cycle_admin.new_category": ("GET", "/admin/cycles/{cycle}/categories/new", only("admin")),
    "cycle_admin.edit_category": ("GET", "/admin/cycles/{cycle}/categories/{category}",
                                  only("admin")),
    # POSTs without a CSRF token: refused (400) or sent back with the message (302).
    "cycle_admin.delete_category": ("POST", "/admin/cycles/{cycle}/categories/{category}/delete",
                                    only("admin", ok=400)),
    "cycle_admin.suspend": ("POST", "/admin/cycles/{cycle}/suspend", only("admin", ok=302)),
    "cycle_admin.resume": ("POST", "/admin/cycles/{cycle}/resume", only("admin", ok=302)),
    "cycle_admin.extend": ("POST", "/admin/cycles/{cycle}/extend", only("admin", ok=302)),
    "cycle_admin.leftover": ("POST", "/admin/cycles/{cycle}/leftover", only("admin", ok=302)),
    "cycle_admin.begin_review": ("POST", "/admin/cycles/{cycle}/begin-review",
                                 only("admin", ok=302)),
    # Projects: public pages (a submitted project of the resident).
    "projects.index": ("GET", "/projects/", ANY),
    "projects.map_page": ("GET", "/projects/map", ANY),
    "projects.map_data": ("GET", "/projects/map.json", ANY),
    "projects.page": ("GET", "/projects/{project}", ANY),
    "projects.attachment": ("GET", "/projects/{project}/files/{attachment}", ANY),
    # Authoring, on the resident's draft: strangers do not see it (404), overseers see it but
    # may not change it (403), the author may (400/302 here: no CSRF token, no file).
    "project_editor.mine": ("GET", "/projects/mine", SIGNED_IN),
    "project_editor.new": ("GET", "/projects/new", SIGNED_IN),
    "project_editor.edit": ("GET", "/projects/{draft}/edit", DRAFT_ACTION),
    "project_editor.upload": ("POST", "/projects/{draft}/attachments", {
        **DRAFT_ACTION, "resident": 302}),
    "project_editor.delete_attachment": (
        "POST", "/projects/{draft}/attachments/{draft_attachment}/delete",
        {**DRAFT_ACTION, "resident": 400}),
    "project_editor.invite": ("POST", "/projects/{draft}/coauthors", {
        **DRAFT_ACTION, "resident": 302}),
    "project_editor.remove_coauthor": ("POST", "/projects/{draft}/coauthors/{coauthor}/delete",
                                       {**DRAFT_ACTION, "resident": 400}),
    "project_editor.confirm_coauthor": ("GET", "/projects/coauthor/{token}", SIGNED_IN),
    "project_editor.submit": ("POST", "/projects/{draft}/submit", {
        **DRAFT_ACTION, "resident": 400}),
    "project_editor.resubmit": ("POST", "/projects/{draft}/resubmit", {
        **DRAFT_ACTION, "resident": 403}),
    "project_editor.delete": ("POST", "/projects/{draft}/delete", {
        **DRAFT_ACTION, "resident": 400}),
    "project_editor.withdraw": ("POST", "/projects/{project}/withdraw", {
        **{r: 403 for r in ROLES}, "anonymous": LOGIN, "resident": 400}),
    "project_editor.support": ("POST", "/projects/{project}/support", {
        **{r: 400 for r in ROLES}, "anonymous": LOGIN}),
    # Review: public pages of a held meeting and of a project under review.
    "review.cycle_meetings": ("GET", "/review/cycles/{review_cycle}/meetings", ANY),
    "review.meeting": ("GET", "/review/meetings/{meeting}", ANY),
    "review.protocol": ("GET", "/review/meetings/{meeting}/protocol", ANY),
    "review.protocol_docx": ("GET", "/review/meetings/{meeting}/protocol.docx", ANY),
    "review.protocol_pdf": ("GET", "/review/meetings/{meeting}/protocol.pdf", ANY),
    "review.project_review": ("GET", "/review/projects/{review_project}", ANY),
    # Only the project's author may contest its rejection; no role below is the author.
    "review.complaint": ("GET", "/review/projects/{review_project}/complaint",
                         {**{r: 403 for r in ROLES}, "anonymous": LOGIN}),
    "expertise.index": ("GET", "/expertise/", only("staff", "admin")),
    "expertise.queue": ("GET", "/expertise/cycles/{review_cycle}", only("staff", "admin")),
    "expertise.record": ("GET", "/expertise/projects/{review_project}", only("staff", "admin")),
    "commission.index": ("GET", "/commission/", only("commission", "admin")),
    "commission.cycle": ("GET", "/commission/cycles/{review_cycle}", only("commission", "admin")),
    # Without a CSRF token the form is refused (400), or the action redirects with a message.
    "commission.create_meeting": ("POST", "/commission/cycles/{review_cycle}/meetings",
                                  only("commission", "admin", ok=400)),
    "commission.meeting": ("GET", "/commission/meetings/{meeting}", only("commission", "admin")),
    "commission.attendance": ("POST", "/commission/meetings/{meeting}/attendance",
                              only("commission", "admin", ok=302)),
    "commission.agenda_add": ("POST", "/commission/meetings/{meeting}/agenda",
                              only("commission", "admin", ok=302)),
    "commission.agenda_remove": ("POST",
                                 "/commission/meetings/{meeting}/agenda/{agenda_item}/remove",
                                 only("commission", "admin", ok=302)),
    "commission.open_meeting": ("POST", "/commission/meetings/{meeting}/open",
                                only("commission", "admin", ok=302)),
    "commission.close_meeting": ("POST", "/commission/meetings/{meeting}/close",
                                 only("commission", "admin", ok=302)),
    "commission.decide": ("GET", "/commission/meetings/{meeting}/projects/{review_project}",
                          only("commission", "admin")),
    "roster.edit": ("GET", "/roster/cycles/{review_cycle}", only("admin")),
    "roster.remove": ("POST", "/roster/seats/{seat}/remove", only("admin", ok=302)),
    # Target programs: everyone reads a published program and its reports.
    "programs.index": ("GET", "/programs/", ANY),
    "programs.show": ("GET", "/programs/{program}", ANY),
    "programs.report": ("GET", "/programs/{program}/reports/{year}/annual", ANY),
    "programs.report_file": ("GET", "/programs/{program}/reports/{year}/q1.json", ANY),
    "programs.document": ("GET", "/programs/{program}/passport", ANY),
    "programs.document_file": ("GET", "/programs/{program}/appendix.csv", ANY),
    "api_programs.annual_report": ("GET", "/api/v1/programs/{program}/reports/{year}", ANY),
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
    "program_money.indicators": ("GET", "/staff/funding/programs/{program}/indicators/{year}",
                                 only("staff", "admin")),
    "program_money.indicator": ("GET", "/staff/funding/indicators/{indicator}",
                                only("staff", "admin")),
    "program_money.delete_indicator": ("POST", "/staff/funding/indicators/{indicator}/delete",
                                       only("staff", "admin", ok=302)),
    "program_money.link_cycle": ("POST", "/staff/funding/measures/{measure}/cycles",
                                 only("staff", "admin", ok=400)),
    "program_money.fund_winners": ("POST", "/staff/funding/cycles/{winners_cycle}/fund-winners",
                                   only("staff", "admin", ok=400)),
    # Implementation: everyone follows the winners; staff record status and updates.
    "implementation.index": ("GET", "/implementation/", ANY),
    "implementation.map_data": ("GET", "/implementation/map.json", ANY),
    "implementation.show": ("GET", "/implementation/{winner_line}", ANY),
    "implementation.photo": ("GET", "/implementation/photos/{update_photo}", ANY),
    "implementation_admin.edit": ("GET", "/staff/implementation/{winner_line}",
                                  only("staff", "admin")),
    "implementation_admin.post_update": ("POST", "/staff/implementation/{winner_line}/updates",
                                         only("staff", "admin", ok=400)),
    "implementation_admin.delete_update": ("POST",
                                           "/staff/implementation/updates/{update}/delete",
                                           only("staff", "admin", ok=302)),
    # Voting, on a cycle whose vote closed an hour ago (board and results are public).
    "voting.index": ("GET", "/voting/", ANY),
    "voting.ballot": ("GET", "/voting/{closed_cycle}/ballot", SIGNED_IN),
    "voting.my_ballot": ("GET", "/voting/{closed_cycle}/my-ballot", {r: 302 for r in ROLES}),
    "voting.board_page": ("GET", "/voting/{closed_cycle}/board", ANY),
    "voting.results": ("GET", "/voting/{closed_cycle}/results", ANY),
    "voting.export_pb": ("GET", "/voting/{closed_cycle}/ballots.pb", ANY),
    "paper.cycles": ("GET", "/desk/paper/", only("verifier", "admin")),
    "paper.enter": ("GET", "/desk/paper/{closed_cycle}", only("verifier", "admin")),
    "count.overview": ("GET", "/commission/voting/{closed_cycle}", only("commission", "admin")),
    "count.count": ("POST", "/commission/voting/{closed_cycle}/tally",
                    only("commission", "admin", ok=400)),
    "count.decide": ("POST", "/commission/voting/{closed_cycle}/decide",
                     only("commission", "admin", ok=400)),
    "api.openapi": ("GET", "/api/v1/openapi.json", ANY),
    "api.results": ("GET", "/api/v1/cycles/{closed_cycle}/results", ANY),
    "api.board": ("GET", "/api/v1/cycles/{closed_cycle}/board", ANY),
}


def test_every_route_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(ROUTES), {
        "missing": sorted(endpoints - set(ROUTES)), "stale": sorted(set(ROUTES) - endpoints)}


PHOTO_NAME = "0" * 32 + ".jpg"
PHOTO = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


@pytest.fixture(scope="module")
def table(app, module_db, tmp_path_factory):
    """The people of the table and every row its paths name, built once for the module:
    each case runs in a savepoint rolled back after it (``module_case``)."""
    uploads = tmp_path_factory.mktemp("access-uploads")
    (uploads / PHOTO_NAME).write_bytes(PHOTO)
    people, ids = people_and_ids(module_db)
    ids |= cycle_and_projects(module_db, people)
    ids |= review_ids(module_db, people)
    ids |= program_ids(module_db, people)
    module_db.commit()
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(app.config, "UPLOAD_FOLDER", str(uploads))
        yield people, ids


def people_and_ids(db) -> tuple[dict, dict]:
    """A user per role, a census ready for checks, and a cycle whose vote has closed."""
    from portal.clock import utcnow
    from portal.identity.models import CensusBatch
    from portal.identity.services import active_verification

    uploader = make_user(db, Role.STAFF)
    db.add(CensusBatch(filename="r.csv", uploaded_by_id=uploader.id, uploaded_at=utcnow(),
                       rows=0))
    people = {
        "resident": make_user(db, Role.RESIDENT, verified=True),
        "unverified": make_user(db, Role.RESIDENT, confirmed=False),
        "verifier": make_user(db, Role.VERIFIER),
        "commission": make_user(db, Role.COMMISSION, verified=True),
        "staff": make_user(db, Role.STAFF),
        "admin": make_user(db, Role.ADMIN),
    }
    return people, {
        "resident": people["resident"].id,
        "verification": active_verification(db, people["resident"]).id,
        "closed_cycle": make_voting_cycle(db, people["admin"], open_now=False).id,
    }


def cycle_and_projects(db, people) -> dict[str, object]:
    """A cycle open for submission, a submitted project of the resident with a photo, and
    the resident's draft with a photo and an invited co-author."""
    from portal.clock import utcnow
    from portal.projects.models import Attachment, CoAuthor
    from portal.projects.participation import token_hash
    from portal.projects.rules import ProjectStatus

    now = utcnow()
    cycle = make_cycle(db, people["admin"])
    resident = people["resident"]
    public = make_project(db, cycle, resident, status=ProjectStatus.SUBMITTED)
    draft = make_project(db, cycle, resident)
    photos = [Attachment(kind="photo", original_name="photo.jpg", stored_name=PHOTO_NAME,
                         content_type="image/jpeg", size=len(PHOTO), sha256="0" * 64,
                         uploaded_at=now) for _project in (public, draft)]
    photos[1].stored_name = "f" * 32 + ".jpg"
    public.attachments.append(photos[0])
    draft.attachments.append(photos[1])
    draft.coauthors.append(CoAuthor(email="friend@example.org", token_hash=token_hash("tkn"),
                                    invited_at=now))
    db.flush()
    return {"cycle": cycle.id, "category": cycle.categories[0].id, "project": public.id,
            "attachment": photos[0].id, "draft": draft.id, "draft_attachment": photos[1].id,
            "coauthor": draft.coauthors[0].id, "token": "tkn"}


def review_ids(db, people) -> dict[str, int]:
    """A cycle in review with a three-seat commission and a held meeting (two present)
    with a project on its agenda."""
    from portal.cycles.rules import Phase
    from portal.projects.rules import ProjectStatus

    admin = people["admin"]
    cycle = make_cycle(db, admin, phase=Phase.REVIEW)
    project = make_project(db, cycle, make_user(db), status=ProjectStatus.SUBMITTED)
    seats = seat_commission(db, cycle, admin, size=3)
    meeting = held_meeting(db, cycle, admin, present=2, projects=[project])
    return {"review_cycle": cycle.id, "review_project": project.id, "meeting": meeting.id,
            "agenda_item": meeting.agenda_items[0].id, "seat": seats[-1].id}


def program_ids(db, people) -> dict[str, int]:
    """A published program with one of everything its pages show, and a funded winner with
    an implementation update and its photo."""
    from datetime import date
    from decimal import Decimal

    from portal.clock import utcnow
    from portal.implementation.models import Implementation, ImplementationUpdate, UpdatePhoto
    from portal.programs import funding, services
    from portal.programs.report_rules import FundingSource, IndicatorGroup
    from portal.programs.winners import fund_winners
    from portal.projects.rules import ProjectStatus

    now = utcnow()
    cycle = make_cycle(db, people["admin"])
    year = cycle.budget_year
    program = services.create_program(db, actor=None, now=now, data=services.ProgramData(
        code="access-table", title="Програма", start_year=year - 1, end_year=year + 1))
    services.set_published(db, actor=None, program=program, published=True, now=now)
    amendment = services.add_amendment(db, actor=None, program=program, decided_by="ради",
                                       decided_on=date(2024, 3, 1), number="1/2", now=now)
    task = services.save_task(db, actor=None, program=program, number=1, title="Завдання",
                              now=now)
    department = services.save_department(db, actor=None, name="Відділ", now=now)
    measure = services.save_measure(db, actor=None, task=task, now=now,
                                    data=services.MeasureData(seq=1, content="Захід"))
    line = funding.plan_line(db, actor=None, measure=measure, year=year,
                             source=FundingSource.OTHER, planned=10_000_00, now=now)
    payment = funding.record_payment(db, actor=None, line=line, paid_on=date(year, 2, 1),
                                     amount=5_000_00, document="п/д 1", now=now)
    indicator = funding.save_indicator(db, actor=None, program=program, year=year, now=now,
                                       data=funding.IndicatorData(IndicatorGroup.PRODUCT, "Форуми",
                                                                  "од.", Decimal(2), Decimal(1)))
    make_project(db, cycle, people["resident"], status=ProjectStatus.WINNER,
                 latitude=Decimal("48.6"), longitude=Decimal("38.0"))
    cycle.measure_id = measure.id
    (winner_line,) = fund_winners(db, cycle=cycle, actor=None, now=now)
    record = db.get(Implementation, winner_line.implementation.id)
    update = ImplementationUpdate(implementation=record, posted_on=date(year, 1, 5),
                                  text="Розпочато роботи", created_at=now)
    update.photos.append(UpdatePhoto(stored_name=PHOTO_NAME, original_name="photo.jpg",
                                     content_type="image/jpeg", size=len(PHOTO)))
    db.add(update)
    db.flush()
    return {"program": program.id, "amendment": amendment.id, "task": task.id,
            "measure": measure.id, "line": line.id, "payment": payment.id,
            "indicator": indicator.id, "department": department.id,
            "winners_cycle": cycle.id, "winner_line": winner_line.id, "update": update.id,
            "update_photo": update.photos[0].id, "year": year}


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
