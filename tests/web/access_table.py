"""The access table: every route of the URL map with its method, its path (placeholders
named after the rows they take) and the status each role gets; and the builders of the rows
the placeholders name, with a user per role.

``tests/web/test_access.py`` checks every route for every role against the table (and that
the table names every route); ``tests/web/test_isolation.py`` builds the same rows in a
second community and checks that no route of one community reaches or shows the other's.
The builders take a ``Mark``: a word put into every name and title they write (and one into
every e-mail address), so that a page that shows a row of another community is found by a
plain substring search. They write into the community the code has entered
(``portal.tenancy.scope.inside``), the test's own (1) otherwise.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from uuid import uuid4

from portal.accounts.models import Role
from tests.conftest import TEST_COMMUNITY
from tests.factories.accounts import make_user
from tests.factories.cycles import SMALL_AND_LARGE, make_cycle
from tests.factories.discussion import make_comment
from tests.factories.projects import make_project
from tests.factories.review import held_meeting, seat_commission
from tests.factories.voting import make_voting_cycle

ROLES = ("anonymous", "resident", "unverified", "verifier", "commission", "staff", "admin")
LOGIN = 302  # anonymous: sent to the login page
ANY = {role: 200 for role in ROLES}
#: The API of the test's own community, named by its code.
IN_COMMUNITY = f"/api/v1/communities/{TEST_COMMUNITY['code']}"
SIGNED_IN = {**ANY, "anonymous": LOGIN}
#: A file the worker makes: the first request asks for it and is told to come back (202).
PREPARING = {role: 202 for role in ROLES}


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
    # Only an account without a password (made by e-ID) gives its e-mail here.
    "accounts.add_email": ("GET", "/profile/email", {r: 302 for r in ROLES}),
    "accounts.change_password": ("POST", "/profile/password", {**{r: 400 for r in ROLES},
                                                               "anonymous": LOGIN}),
    "accounts.language": ("POST", "/language", {r: 302 for r in ROLES}),
    "accounts.end_other_sessions": ("POST", "/profile/sessions/end-others",
                                    {r: 302 for r in ROLES}),
    "accounts.end_all_sessions": ("POST", "/profile/sessions/end-all", {r: 302 for r in ROLES}),
    "identity.status": ("GET", "/verify/", SIGNED_IN),
    # Verified accounts are sent back to their status; the others get the form.
    "identity.census_verify": ("GET", "/verify/census", {
        **{r: 200 for r in ROLES}, "anonymous": LOGIN, "resident": 302, "commission": 302}),
    "identity.eid_start": ("GET", "/verify/eid", {r: 302 for r in ROLES}),
    # Without e-ID configured (as here) the callback does not exist for anyone.
    "identity.eid_callback": ("GET", "/verify/eid/callback", {r: 404 for r in ROLES}),
    # Signed in: back to where one was going; anonymous: to the login page (no e-ID here).
    "identity.eid_sign_in": ("GET", "/verify/eid/sign-in", {r: 302 for r in ROLES}),
    "identity_desk.index": ("GET", "/desk/verify/", only("verifier", "admin")),
    "identity_desk.account": ("GET", "/desk/verify/account/{resident}", only("verifier", "admin")),
    "identity_desk.revoke": ("POST", "/desk/verify/verification/{verification}/revoke",
                    only("verifier", "admin", ok=302)),
    "identity_staff.census": ("GET", "/staff/verify/census/", only("staff", "admin")),
    "accounts_admin.users": ("GET", "/admin/users", only("admin")),
    "accounts_admin.user": ("GET", "/admin/users/{resident}", only("admin")),
    "accounts_admin.grant": ("POST", "/admin/users/{resident}/roles/grant", only("admin", ok=302)),
    "accounts_admin.revoke": (
        "POST", "/admin/users/{resident}/roles/revoke",
        only("admin", ok=302)),
    "accounts_admin.audit_log": ("GET", "/admin/audit", only("admin")),
    "accounts_admin.audit_csv": ("GET", "/admin/audit.csv", only("admin")),
    "accounts_admin.jobs": ("GET", "/admin/jobs", only("admin")),
    # No failure by that number: the administrator is told so.
    "accounts_admin.run_job_again": ("POST", "/admin/jobs/2147483647/again",
                                     only("admin", ok=404)),
    "accounts_admin.set_job_aside": ("POST", "/admin/jobs/2147483647/aside",
                                     only("admin", ok=404)),
    # Cycles: public pages, and their administration.
    "main.cycles": ("GET", "/cycles/", ANY),
    "main.cycle": ("GET", "/cycles/{cycle}", ANY),
    "cycles_admin.cycles": ("GET", "/admin/cycles/", only("admin")),
    "cycles_admin.new": ("GET", "/admin/cycles/new", only("admin")),
    "cycles_admin.cycle": ("GET", "/admin/cycles/{cycle}", only("admin")),
    "cycles_admin.edit": ("GET", "/admin/cycles/{cycle}/edit", only("admin")),
    "cycles_admin.new_category": ("GET", "/admin/cycles/{cycle}/categories/new", only("admin")),
    "cycles_admin.edit_category": ("GET", "/admin/cycles/{cycle}/categories/{category}",
                                  only("admin")),
    # POSTs without a CSRF token: refused (400) or sent back with the message (302).
    "cycles_admin.delete_category": ("POST", "/admin/cycles/{cycle}/categories/{category}/delete",
                                    only("admin", ok=400)),
    "cycles_admin.suspend": ("POST", "/admin/cycles/{cycle}/suspend", only("admin", ok=302)),
    "cycles_admin.resume": ("POST", "/admin/cycles/{cycle}/resume", only("admin", ok=302)),
    "cycles_admin.extend": ("POST", "/admin/cycles/{cycle}/extend", only("admin", ok=302)),
    "cycles_admin.leftover": ("POST", "/admin/cycles/{cycle}/leftover", only("admin", ok=302)),
    # Projects: public pages (a submitted project of the resident).
    "projects.index": ("GET", "/projects/", ANY),
    "projects.map_page": ("GET", "/projects/map", ANY),
    "projects.map_data": ("GET", "/projects/map.json", ANY),
    "projects.page": ("GET", "/projects/{project}", ANY),
    "projects.attachment": ("GET", "/projects/{project}/files/{attachment}", ANY),
    # Authoring, on the resident's draft: strangers do not see it (404), overseers see it but
    # may not change it (403), the author may (400/302 here: no CSRF token, no file).
    "projects.mine": ("GET", "/projects/mine", SIGNED_IN),
    "projects.new": ("GET", "/projects/new", SIGNED_IN),
    "projects.edit": ("GET", "/projects/{draft}/edit", DRAFT_ACTION),
    "projects.upload": ("POST", "/projects/{draft}/attachments", {
        **DRAFT_ACTION, "resident": 302}),
    "projects.delete_attachment": (
        "POST", "/projects/{draft}/attachments/{draft_attachment}/delete",
        {**DRAFT_ACTION, "resident": 400}),
    "projects.invite": ("POST", "/projects/{draft}/coauthors", {
        **DRAFT_ACTION, "resident": 302}),
    "projects.remove_coauthor": ("POST", "/projects/{draft}/coauthors/{coauthor}/delete",
                                       {**DRAFT_ACTION, "resident": 400}),
    "projects.confirm_coauthor": ("GET", "/projects/coauthor/{token}", SIGNED_IN),
    "projects.submit": ("POST", "/projects/{draft}/submit", {
        **DRAFT_ACTION, "resident": 400}),
    "projects.resubmit": ("POST", "/projects/{draft}/resubmit", {
        **DRAFT_ACTION, "resident": 403}),
    "projects.delete": ("POST", "/projects/{draft}/delete", {
        **DRAFT_ACTION, "resident": 400}),
    "projects.withdraw": ("POST", "/projects/{project}/withdraw", {
        **{r: 403 for r in ROLES}, "anonymous": LOGIN, "resident": 400}),
    "projects.support": ("POST", "/projects/{project}/support", {
        **{r: 400 for r in ROLES}, "anonymous": LOGIN}),
    # Following (a POST without its form's token is refused; a visitor is sent to log in).
    "projects.follow": ("POST", "/projects/{project}/follow", {
        **{r: 400 for r in ROLES}, "anonymous": LOGIN}),
    "main.follow_cycle": ("POST", "/cycles/{cycle}/follow", {
        **{r: 400 for r in ROLES}, "anonymous": LOGIN}),
    "notifications.index": ("GET", "/notifications/", SIGNED_IN),
    "notifications.settings": ("GET", "/notifications/settings", SIGNED_IN),
    "notifications.open_notice": ("GET", "/notifications/2147483647", {
        **{r: 404 for r in ROLES}, "anonymous": LOGIN}),
    "notifications.mark_all_read": ("POST", "/notifications/read", {
        **{r: 400 for r in ROLES}, "anonymous": LOGIN}),
    # The signed token is the proof, for anyone; a forged one names nothing.
    "notifications.unsubscribe": ("GET", "/notifications/unsubscribe/forged",
                                  {r: 404 for r in ROLES}),
    # Discussion: writing on the resident's submitted project, and the resident's comment on
    # it (only its writer edits it); the moderators' queue and decisions.
    "discussion.write": ("GET", "/discussion/projects/{project}/comment", SIGNED_IN),
    "discussion.reply": ("GET", "/discussion/comments/{comment}/reply", SIGNED_IN),
    "discussion.edit": ("GET", "/discussion/comments/{comment}/edit", {
        **{r: 403 for r in ROLES}, "anonymous": LOGIN, "resident": 200}),
    "discussion.report": ("GET", "/discussion/comments/{comment}/report", SIGNED_IN),
    "discussion_commission.queue": ("GET", "/commission/discussion/",
                                    only("commission", "staff", "admin")),
    "discussion_commission.comment": ("GET", "/commission/discussion/comments/{comment}",
                                      only("commission", "staff", "admin")),
    "discussion_commission.hide": ("POST", "/commission/discussion/comments/{comment}/hide",
                                   only("commission", "staff", "admin", ok=400)),
    "discussion_commission.restore": (
        "POST", "/commission/discussion/comments/{comment}/restore",
        only("commission", "staff", "admin", ok=400)),
    "discussion_commission.dismiss": (
        "POST", "/commission/discussion/comments/{comment}/dismiss",
        only("commission", "staff", "admin", ok=400)),
    # Review: public pages of a held meeting and of a project under review.
    "review.cycle_meetings": ("GET", "/review/cycles/{review_cycle}/meetings", ANY),
    "review.meeting": ("GET", "/review/meetings/{meeting}", ANY),
    "review.protocol": ("GET", "/review/meetings/{meeting}/protocol", ANY),
    "review.protocol_docx": ("GET", "/review/meetings/{meeting}/protocol.docx", PREPARING),
    "review.protocol_pdf": ("GET", "/review/meetings/{meeting}/protocol.pdf", PREPARING),
    "review.project_review": ("GET", "/review/projects/{review_project}", ANY),
    # Only the project's author may contest its rejection; no role below is the author.
    "review.complaint": ("GET", "/review/projects/{review_project}/complaint",
                         {**{r: 403 for r in ROLES}, "anonymous": LOGIN}),
    "review_staff.index": ("GET", "/staff/review/", only("staff", "admin")),
    "review_staff.queue": ("GET", "/staff/review/cycles/{review_cycle}", only("staff", "admin")),
    "review_staff.record": (
        "GET", "/staff/review/projects/{review_project}",
        only("staff", "admin")),
    "review_commission.index": ("GET", "/commission/review/", only("commission", "admin")),
    "review_commission.cycle": (
        "GET", "/commission/review/cycles/{review_cycle}",
        only("commission", "admin")),
    # Without a CSRF token the form is refused (400), or the action redirects with a message.
    "review_commission.create_meeting": (
        "POST", "/commission/review/cycles/{review_cycle}/meetings",
                                  only("commission", "admin", ok=400)),
    "review_commission.meeting": (
        "GET", "/commission/review/meetings/{meeting}",
        only("commission", "admin")),
    "review_commission.attendance": ("POST", "/commission/review/meetings/{meeting}/attendance",
                              only("commission", "admin", ok=302)),
    "review_commission.agenda_add": ("POST", "/commission/review/meetings/{meeting}/agenda",
                              only("commission", "admin", ok=302)),
    "review_commission.agenda_remove": ("POST",
                                 "/commission/review/meetings/{meeting}/agenda/{agenda_item}/remove",
                                 only("commission", "admin", ok=302)),
    "review_commission.open_meeting": ("POST", "/commission/review/meetings/{meeting}/open",
                                only("commission", "admin", ok=302)),
    "review_commission.close_meeting": ("POST", "/commission/review/meetings/{meeting}/close",
                                 only("commission", "admin", ok=302)),
    "review_commission.decide": (
        "GET", "/commission/review/meetings/{meeting}/projects/{review_project}",
                          only("commission", "admin")),
    "review_admin.roster": ("GET", "/admin/review/roster/cycles/{review_cycle}", only("admin")),
    "review_admin.remove_seat": (
        "POST", "/admin/review/roster/seats/{seat}/remove",
        only("admin", ok=302)),
    "review_admin.begin_review": (
        "POST", "/admin/review/cycles/{cycle}/begin-review",
        only("admin", ok=302)),
    # Target programs: everyone reads a published program and its reports.
    "reports.index": ("GET", "/programs/", ANY),
    "reports.show": ("GET", "/programs/{program}", ANY),
    "reports.report": ("GET", "/programs/{program}/reports/{year}/annual", ANY),
    "reports.report_file": ("GET", "/programs/{program}/reports/{year}/q1.json", ANY),
    "reports.document": ("GET", "/programs/{program}/passport", ANY),
    "reports.document_file": ("GET", "/programs/{program}/appendix.csv", ANY),
    "api.annual_report": ("GET", "/api/v1/programs/{program}/reports/{year}", ANY),
    "api_in.annual_report": ("GET", f"{IN_COMMUNITY}/programs/{{program}}/reports/{{year}}",
                             ANY),
    # Staff maintain programs; a POST without its CSRF token changes nothing.
    "programs_staff.new": ("GET", "/staff/programs/new", only("staff", "admin")),
    "programs_staff.edit": ("GET", "/staff/programs/{program}/edit", only("staff", "admin")),
    "programs_staff.manage": ("GET", "/staff/programs/{program}", only("staff", "admin")),
    "programs_staff.publish": ("POST", "/staff/programs/{program}/publish",
                              only("staff", "admin", ok=302)),
    "programs_staff.add_amendment": ("POST", "/staff/programs/{program}/amendments",
                                    only("staff", "admin", ok=400)),
    "programs_staff.delete_amendment": ("POST", "/staff/programs/amendments/{amendment}/delete",
                                       only("staff", "admin", ok=302)),
    "programs_staff.save_task": ("POST", "/staff/programs/{program}/tasks",
                                only("staff", "admin", ok=400)),
    "programs_staff.task": ("GET", "/staff/programs/tasks/{task}", only("staff", "admin")),
    "programs_staff.delete_task": ("POST", "/staff/programs/tasks/{task}/delete",
                                  only("staff", "admin", ok=302)),
    "programs_staff.save_measure": ("POST", "/staff/programs/{program}/measures",
                                   only("staff", "admin", ok=400)),
    "programs_staff.measure": ("GET", "/staff/programs/measures/{measure}",
                              only("staff", "admin")),
    "programs_staff.delete_measure": ("POST", "/staff/programs/measures/{measure}/delete",
                                     only("staff", "admin", ok=302)),
    "programs_staff.departments": ("GET", "/staff/programs/departments", only("staff", "admin")),
    "programs_staff.delete_department": ("POST",
                                        "/staff/programs/departments/{department}/delete",
                                        only("staff", "admin", ok=302)),
    "programs_staff.template": ("GET", "/staff/programs/{program}/template.csv",
                               only("staff", "admin")),
    "programs_staff.import_plan": ("GET", "/staff/programs/{program}/import",
                                  only("staff", "admin")),
    "programs_staff.plan_line": ("POST", "/staff/programs/funding/measures/{measure}/lines",
                                only("staff", "admin", ok=400)),
    "programs_staff.line": ("GET", "/staff/programs/funding/lines/{line}", only("staff", "admin")),
    "programs_staff.delete_line": ("POST", "/staff/programs/funding/lines/{line}/delete",
                                  only("staff", "admin", ok=302)),
    "programs_staff.record_payment": ("POST", "/staff/programs/funding/lines/{line}/payments",
                                     only("staff", "admin", ok=400)),
    "programs_staff.delete_payment": ("POST", "/staff/programs/funding/payments/{payment}/delete",
                                     only("staff", "admin", ok=302)),
    "programs_staff.execution_text": ("POST", "/staff/programs/funding/measures/{measure}/texts",
                                     only("staff", "admin", ok=400)),
    "programs_staff.indicators": (
        "GET", "/staff/programs/funding/programs/{program}/indicators/{year}",
                                 only("staff", "admin")),
    "programs_staff.indicator": ("GET", "/staff/programs/funding/indicators/{indicator}",
                                only("staff", "admin")),
    "programs_staff.delete_indicator": (
        "POST", "/staff/programs/funding/indicators/{indicator}/delete",
                                       only("staff", "admin", ok=302)),
    "programs_staff.link_cycle": ("POST", "/staff/programs/funding/measures/{measure}/cycles",
                                 only("staff", "admin", ok=400)),
    "implementation_staff.fund_winners": (
        "POST", "/staff/implementation/cycles/{winners_cycle}/fund-winners",
        only("staff", "admin", ok=400)),
    # Implementation: everyone follows the winners; staff record status and updates.
    "implementation.index": ("GET", "/implementation/", ANY),
    "implementation.map_data": ("GET", "/implementation/map.json", ANY),
    "implementation.show": ("GET", "/implementation/{winner_project}", ANY),
    "implementation.photo": ("GET", "/implementation/photos/{update_photo}", ANY),
    "implementation_staff.edit": ("GET", "/staff/implementation/{winner_line}",
                                  only("staff", "admin")),
    "implementation_staff.post_update": ("POST", "/staff/implementation/{winner_line}/updates",
                                         only("staff", "admin", ok=400)),
    "implementation_staff.delete_update": ("POST",
                                           "/staff/implementation/updates/{update}/delete",
                                           only("staff", "admin", ok=302)),
    # Voting, on a cycle whose vote closed an hour ago (board and results are public).
    "voting.index": ("GET", "/voting/", ANY),
    # The ballot asks a visitor to sign in on the page itself (with the e-ID button).
    "voting.ballot": ("GET", "/voting/{closed_cycle}/ballot", ANY),
    # The review is reached by the ballot's form; a bare request shows the ballot (the
    # verified) or leads back to it.
    "voting.review": ("POST", "/voting/{closed_cycle}/review", {
        **{r: 302 for r in ROLES}, "anonymous": LOGIN, "resident": 200, "commission": 200}),
    "voting.my_ballot": ("GET", "/voting/{closed_cycle}/my-ballot", {r: 302 for r in ROLES}),
    "voting.board_page": ("GET", "/voting/{closed_cycle}/board", ANY),
    "results.page": ("GET", "/voting/{closed_cycle}/results", ANY),
    "pabulib.export": ("GET", "/voting/{closed_cycle}/ballots.pb", ANY),
    "voting_desk.cycles": ("GET", "/desk/voting/", only("verifier", "admin")),
    "voting_desk.enter": ("GET", "/desk/voting/{closed_cycle}", only("verifier", "admin")),
    "results_commission.overview": (
        "GET", "/commission/voting/{closed_cycle}",
        only("commission", "admin")),
    "results_commission.count": ("POST", "/commission/voting/{closed_cycle}/tally",
                    only("commission", "admin", ok=400)),
    "results_commission.decide": ("POST", "/commission/voting/{closed_cycle}/decide",
                     only("commission", "admin", ok=400)),
    "api_platform.openapi": ("GET", "/api/v1/openapi.json", ANY),
    "api_platform.communities": ("GET", "/api/v1/communities", ANY),
    # A platform administrator's page: the table's administrator is the community's.
    "communities_admin.index": ("GET", "/platform/communities/", only()),
    "communities_settings.settings": ("GET", "/admin/community/", only("admin")),
    "api_in.results": ("GET", f"{IN_COMMUNITY}/cycles/{{closed_cycle}}/results", ANY),
    "api_in.board": ("GET", f"{IN_COMMUNITY}/cycles/{{closed_cycle}}/board", ANY),
    "api_in.audit_checkpoints": ("GET", f"{IN_COMMUNITY}/audit/checkpoints", ANY),
    "api.results": ("GET", "/api/v1/cycles/{closed_cycle}/results", ANY),
    "api.board": ("GET", "/api/v1/cycles/{closed_cycle}/board", ANY),
    "audit.checkpoints": ("GET", "/audit/checkpoints", ANY),
    "community.boundaries": ("GET", "/districts/boundaries.geojson", ANY),
    "community_admin.districts": ("GET", "/admin/districts/", only("admin")),
    "community_admin.district": ("GET", "/admin/districts/{district}", only("admin")),
    "api.audit_checkpoints": ("GET", "/api/v1/audit/checkpoints", ANY),
    # Open data: the catalogue, a dataset's file, the DCAT metadata, and the same in the API.
    "opendata.index": ("GET", "/data/", ANY),
    "opendata.download": ("GET", "/data/projects.csv", ANY),
    "opendata.catalog": ("GET", "/data/catalog.jsonld", ANY),
    "opendata.catalog_rdf": ("GET", "/data/catalog.rdf", ANY),
    "api.datasets": ("GET", "/api/v1/datasets", ANY),
    "api.dataset": ("GET", "/api/v1/datasets/projects", ANY),
    "api_in.datasets": ("GET", f"{IN_COMMUNITY}/datasets", ANY),
    "api_in.dataset": ("GET", f"{IN_COMMUNITY}/datasets/implementation", ANY),
}



PHOTO_NAME = "0" * 32 + ".jpg"
DRAFT_PHOTO_NAME = "f" * 32 + ".jpg"
PHOTO = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


@dataclass(frozen=True)
class Mark:
    """What the rows of one community are recognised by: ``text`` in every name and title,
    ``tag`` in every e-mail address and code. The empty mark writes the plain names."""

    text: str = ""
    tag: str = ""

    def __call__(self, name: str) -> str:
        return f"{self.text} {name}" if self.text else name

    def email(self, who: str) -> str | None:
        """An address with the tag (None: the builder's own address, as unmarked)."""
        return f"{self.tag}-{who}-{uuid4().hex[:8]}@example.org" if self.tag else None

    def code(self, code: str) -> str:
        return f"{code}-{self.tag}" if self.tag else code

    def hidden(self, name: str) -> str:
        """A value unique to the mark that does not show it (a stored file's name, a token
        that the page echoes in its own address)."""
        if not self.tag:
            return name
        return hashlib.sha256(f"{self.tag}:{name}".encode()).hexdigest()[:32]

    def stored(self, name: str) -> str:
        """An uploaded file's stored name (unique across the platform)."""
        return f"{self.hidden(name)}.jpg" if self.tag else name


PLAIN = Mark()


def build_table(db, mark: Mark = PLAIN) -> tuple[dict, dict]:
    """The people of the table (a user per role) and the id of every row its paths name,
    in the community the code has entered."""
    people, ids = people_and_ids(db, mark)
    ids |= cycle_and_projects(db, people, mark)
    ids |= review_ids(db, people, mark)
    ids |= program_ids(db, people, mark)
    return people, ids


def people_and_ids(db, mark: Mark = PLAIN) -> tuple[dict, dict]:
    """A user per role, a census ready for checks, and a cycle whose vote has closed."""
    from portal.clock import utcnow
    from portal.community.models import District
    from portal.identity.models import CensusBatch
    from portal.identity.services import active_verification

    district = District(name=mark("Район таблиці доступу"))
    db.add(district)
    uploader = make_user(db, Role.STAFF, name=mark("Завантажувач переліку"),
                         email=mark.email("uploader"))
    db.add(CensusBatch(filename=mark.code("r") + ".csv", uploaded_by_id=uploader.id,
                       uploaded_at=utcnow(), rows=0))

    def person(who: str, *roles: Role, **options):
        return make_user(db, *roles, name=mark(f"Користувач ({who})"), email=mark.email(who),
                         **options)

    people = {
        "resident": person("resident", Role.RESIDENT, verified=True),
        "unverified": person("unverified", Role.RESIDENT, confirmed=False),
        "verifier": person("verifier", Role.VERIFIER),
        "commission": person("commission", Role.COMMISSION, verified=True),
        "staff": person("staff", Role.STAFF),
        "admin": person("admin", Role.ADMIN),
    }
    closed = make_voting_cycle(db, people["admin"], open_now=False,
                               **({"name": mark("Голосування завершене")} if mark.text else {}))
    return people, {
        "resident": people["resident"].id,
        "verification": active_verification(db, people["resident"]).id,
        "closed_cycle": closed.id,
        "district": district.id,
    }


def _pots(mark: Mark):
    """The small and large pots, named with the mark."""
    from dataclasses import replace

    return tuple(replace(pot, name=mark(pot.name)) for pot in SMALL_AND_LARGE)


def cycle_and_projects(db, people, mark: Mark = PLAIN) -> dict[str, object]:
    """A cycle open for submission, a submitted project of the resident with a photo, and
    the resident's draft with a photo and an invited co-author."""
    from portal.clock import utcnow
    from portal.projects.models import Attachment, CoAuthor
    from portal.projects.participation import token_hash
    from portal.projects.rules import ProjectStatus

    now = utcnow()
    named = {"name": mark("Цикл подання")} if mark.text else {}
    cycle = make_cycle(db, people["admin"], categories=_pots(mark), **named)
    resident = people["resident"]
    public = make_project(db, cycle, resident, status=ProjectStatus.SUBMITTED,
                          title=mark("Поданий проєкт"))
    draft = make_project(db, cycle, resident, title=mark("Чернетка проєкту"))
    photos = [Attachment(kind="photo", original_name=mark.code("photo") + ".jpg",
                         stored_name=mark.stored(PHOTO_NAME), content_type="image/jpeg",
                         size=len(PHOTO),
                         sha256="0" * 64, uploaded_at=now) for _project in (public, draft)]
    photos[1].stored_name = mark.stored(DRAFT_PHOTO_NAME)
    public.attachments.append(photos[0])
    draft.attachments.append(photos[1])
    token = mark.hidden("tkn")
    draft.coauthors.append(CoAuthor(email=mark.email("friend") or "friend@example.org",
                                    token_hash=token_hash(token), invited_at=now))
    comment = make_comment(db, public, resident, text=mark("Гарна ідея, підтримую."))
    db.flush()
    return {"cycle": cycle.id, "category": cycle.categories[0].id, "project": public.id,
            "comment": comment.id, "attachment": photos[0].id, "draft": draft.id,
            "draft_attachment": photos[1].id,
            "coauthor": draft.coauthors[0].id, "token": token}


def review_ids(db, people, mark: Mark = PLAIN) -> dict[str, int]:
    """A cycle in review with a three-seat commission and a held meeting (two present)
    with a project on its agenda."""
    from portal.cycles.rules import Phase
    from portal.projects.rules import ProjectStatus

    admin = people["admin"]
    named = {"name": mark("Цикл розгляду")} if mark.text else {}
    cycle = make_cycle(db, admin, phase=Phase.REVIEW, categories=_pots(mark), **named)
    author = make_user(db, name=mark("Автор на розгляді"), email=mark.email("author"))
    project = make_project(db, cycle, author, status=ProjectStatus.SUBMITTED,
                           title=mark("Проєкт на розгляді"))
    seats = seat_commission(db, cycle, admin, size=3)
    meeting = held_meeting(db, cycle, admin, present=2, projects=[project])
    return {"review_cycle": cycle.id, "review_project": project.id, "meeting": meeting.id,
            "agenda_item": meeting.agenda_items[0].id, "seat": seats[-1].id}


def program_ids(db, people, mark: Mark = PLAIN) -> dict[str, int]:
    """A published program with one of everything its pages show, and a funded winner with
    an implementation update and its photo."""
    from datetime import date
    from decimal import Decimal

    from portal.clock import utcnow
    from portal.implementation.funding import fund_winners
    from portal.implementation.models import Implementation, ImplementationUpdate, UpdatePhoto
    from portal.programs import funding, services
    from portal.programs.rules import FundingSource, IndicatorGroup
    from portal.projects.rules import ProjectStatus

    now = utcnow()
    named = {"name": mark("Цикл переможців")} if mark.text else {}
    cycle = make_cycle(db, people["admin"], categories=_pots(mark), **named)
    year = cycle.budget_year
    program = services.create_program(db, actor=None, now=now, data=services.ProgramData(
        code=mark.code("access-table"), title=mark("Програма"), start_year=year - 1,
        end_year=year + 1))
    services.set_published(db, actor=None, program=program, published=True, now=now)
    amendment = services.add_amendment(db, actor=None, program=program, decided_by="ради",
                                       decided_on=date(2024, 3, 1), number="1/2", now=now)
    task = services.save_task(db, actor=None, program=program, number=1,
                              title=mark("Завдання"), now=now)
    department = services.save_department(db, actor=None, name=mark("Відділ"), now=now)
    measure = services.save_measure(db, actor=None, task=task, now=now,
                                    data=services.MeasureData(seq=1, content=mark("Захід")))
    line = funding.plan_line(db, actor=None, measure=measure, year=year,
                             source=FundingSource.OTHER, planned=10_000_00, now=now)
    payment = funding.record_payment(db, actor=None, line=line, paid_on=date(year, 2, 1),
                                     amount=5_000_00, document="п/д 1", now=now)
    indicator = funding.save_indicator(db, actor=None, program=program, year=year, now=now,
                                       data=funding.IndicatorData(
                                           IndicatorGroup.PRODUCT, mark("Форуми"), "од.",
                                           Decimal(2), Decimal(1)))
    make_project(db, cycle, people["resident"], status=ProjectStatus.WINNER,
                 title=mark("Проєкт-переможець"),
                 latitude=Decimal("48.6"), longitude=Decimal("38.0"))
    cycle.measure_id = measure.id
    (winner_line,) = fund_winners(db, cycle=cycle, actor=None, now=now)
    record = db.get(Implementation, winner_line.implementation.id)
    update = ImplementationUpdate(implementation=record, posted_on=date(year, 1, 5),
                                  text=mark("Розпочато роботи"), created_at=now)
    update.photos.append(UpdatePhoto(stored_name=mark.stored(PHOTO_NAME),
                                     original_name=mark.code("photo") + ".jpg",
                                     content_type="image/jpeg", size=len(PHOTO)))
    db.add(update)
    db.flush()
    return {"program": program.id, "amendment": amendment.id, "task": task.id,
            "measure": measure.id, "line": line.id, "payment": payment.id,
            "indicator": indicator.id, "department": department.id,
            "winners_cycle": cycle.id, "winner_line": winner_line.id,
            "winner_project": winner_line.project_id, "update": update.id,
            "update_photo": update.photos[0].id, "year": year}
