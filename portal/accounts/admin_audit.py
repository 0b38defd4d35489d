"""The audit log as administrators read it: each event's action in words, the object it
concerns as a link, a readable summary of its details instead of its stored JSON; the
filters (person, object, dates) and the CSV export of what they select.

The labels of actions recorded by upper parts are words here (this part may not import
them); ``tests/web/test_admin_audit.py`` checks that every action the code records has one.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import url_for
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session
from wtforms import DateField, SearchField, SelectField, StringField
from wtforms.validators import Length, Optional

from portal.accounts.models import Role, User
from portal.audit.models import AuditEvent
from portal.audit.services import in_chain
from portal.clock import KYIV
from portal.forms import BaseForm
from portal.i18n import _, _l, kyiv_datetime
from portal.money import format_hryvnias
from portal.tenancy import scope

#: Each recorded action, in words.
ACTIONS = {
    "account.registered": _l("Account registered"),
    "account.registered_by_eid": _l("Account made by signing in with e-ID"),
    "account.signed_in_by_eid": _l("Signed in with e-ID"),
    "account.email_set": _l("E-mail address given"),
    "account.email_confirmed": _l("E-mail address confirmed"),
    "account.password_changed": _l("Password changed"),
    "account.password_reset": _l("Password reset by e-mail"),
    "role.granted": _l("Role granted"),
    "community.created": _l("Community created"),
    "community.cycle_defaults": _l("Default rules of new cycles kept"),
    "community.settings": _l("Community settings changed"),
    "community.eid": _l("Community's own e-ID client changed"),
    "role.revoked": _l("Role revoked"),
    "identity.verified": _l("Identity verified"),
    "identity.revoked": _l("Verification revoked"),
    "identity.census_locked": _l("Register checks locked after failed attempts"),
    "census.replaced": _l("Register of residents replaced"),
    "district.boundary_set": _l("District boundary changed"),
    "cycle.created": _l("Cycle created"),
    "cycle.updated": _l("Cycle settings changed"),
    "cycle.suspended": _l("Cycle suspended"),
    "cycle.resumed": _l("Cycle resumed"),
    "cycle.phase_extended": _l("Phase extended"),
    "cycle.leftover_category": _l("Category for the leftover chosen"),
    "cycle.review_begun": _l("Projects handed to the commission"),
    "cycle.measure_linked": _l("Cycle linked to a program measure"),
    "category.created": _l("Category added"),
    "category.updated": _l("Category changed"),
    "category.deleted": _l("Category deleted"),
    "project.created": _l("Project draft created"),
    "project.edited": _l("Project edited"),
    "project.draft_deleted": _l("Project draft deleted"),
    "project.coauthor_invited": _l("Co-author invited"),
    "project.coauthor_confirmed": _l("Co-authorship confirmed"),
    "project.coauthor_removed": _l("Co-author removed"),
    "project.attachment_added": _l("File attached to a project"),
    "project.attachment_removed": _l("File removed from a project"),
    "project.submit": _l("Project submitted"),
    "project.resubmit": _l("Revised project submitted again"),
    "project.open_support": _l("Collection of supporters opened"),
    "project.support_reached": _l("Enough supporters gathered"),
    "project.support_failed": _l("Too few supporters gathered"),
    "project.start_review": _l("Project taken under review"),
    "project.admit": _l("Project admitted to the vote"),
    "project.reject": _l("Project rejected"),
    "project.return_for_revision": _l("Project returned for revision"),
    "project.withdraw": _l("Project withdrawn by its author"),
    "project.uphold_complaint": _l("Complaint upheld"),
    "project.uphold_complaint_for_review": _l("Complaint upheld: project reviewed again"),
    "project.select_winner": _l("Project marked as a winner"),
    "project.mark_not_selected": _l("Project not selected"),
    "review.expertise_recorded": _l("Expertise recorded"),
    "review.seat_added": _l("Commission member seated"),
    "review.seat_removed": _l("Commission member removed"),
    "review.meeting_created": _l("Commission meeting scheduled"),
    "review.meeting_updated": _l("Commission meeting changed"),
    "review.attendance_set": _l("Attendance of a meeting recorded"),
    "review.agenda_added": _l("Project put on a meeting's agenda"),
    "review.agenda_removed": _l("Project taken off a meeting's agenda"),
    "review.meeting_opened": _l("Commission meeting opened"),
    "review.meeting_closed": _l("Commission meeting closed"),
    "review.decision_recorded": _l("Commission decision on a project"),
    "review.cycle_decision_recorded": _l("Commission decision on a cycle"),
    "review.complaint_filed": _l("Complaint filed"),
    "ballot.cast_online": _l("Ballot cast online"),
    "ballot.cast_paper": _l("Paper ballot entered"),
    "ballot.cast_imported": _l("Ballot imported from a file"),
    "voting.tallied": _l("Votes counted"),
    "voting.results_approved": _l("Results approved"),
    "voting.ballots_annulled": _l("Ballots annulled"),
    "programs.winners_not_funded": _l("Winners not funded: no program measure linked"),
    "program.created": _l("Program created"),
    "program.updated": _l("Program changed"),
    "program.published": _l("Program published"),
    "program.withdrawn": _l("Program withdrawn from publication"),
    "program.amended": _l("Program amendment recorded"),
    "program.amendment_removed": _l("Program amendment removed"),
    "program.plan_imported": _l("Program plan imported"),
    "program.task_saved": _l("Program task saved"),
    "program.task_deleted": _l("Program task deleted"),
    "program.measure_saved": _l("Program measure saved"),
    "program.measure_deleted": _l("Program measure deleted"),
    "department.saved": _l("Department saved"),
    "department.deleted": _l("Department deleted"),
    "funding_line.planned": _l("Funding planned"),
    "funding_line.changed": _l("Planned funding changed"),
    "funding_line.deleted": _l("Funding line deleted"),
    "funding_line.winner_funded": _l("Winner given a funding line"),
    "financing.recorded": _l("Payment recorded"),
    "financing.deleted": _l("Payment deleted"),
    "indicator.saved": _l("Indicator saved"),
    "indicator.deleted": _l("Indicator deleted"),
    "measure.execution_text_saved": _l("Report text of a measure saved"),
    "measure.execution_text_removed": _l("Report text of a measure removed"),
    "implementation.status": _l("Implementation status changed"),
    "implementation.update_posted": _l("Implementation update posted"),
    "implementation.update_deleted": _l("Implementation update deleted"),
    "job.run_again": _l("Failed background job run again"),
    "job.set_aside": _l("Failed background job set aside"),
    "comment.posted": _l("Comment posted"),
    "comment.edited": _l("Comment edited"),
    "comment.reported": _l("Comment reported to the moderators"),
    "comment.hidden": _l("Comment hidden by moderation"),
    "comment.restored": _l("Hidden comment shown again"),
    "comment.reports_dismissed": _l("Reports on a comment closed"),
}

#: object type -> (its name, the page that shows it: endpoint and the argument naming it).
OBJECTS: dict[str, tuple[Any, str | None, str | None]] = {
    "user": (_l("Account"), "accounts_admin.user", "user_id"),
    "cycle": (_l("Cycle"), "cycles_admin.cycle", "cycle_id"),
    "project": (_l("Project"), "projects.page", "project_id"),
    "meeting": (_l("Commission meeting"), "review_commission.meeting", "meeting_id"),
    "program": (_l("Program"), "programs_staff.manage", "program_id"),
    "fundingline": (_l("Funding line"), "programs_staff.line", "line_id"),
    "indicator": (_l("Indicator"), "programs_staff.indicator", "indicator_id"),
    "measure": (_l("Program measure"), "programs_staff.measure", "measure_id"),
    "department": (_l("Department"), "programs_staff.departments", None),
    "census_batch": (_l("Register of residents"), "identity_staff.census", None),
    "category": (_l("Category"), None, None),
    "job_failure": (_l("Failed background job"), "accounts_admin.jobs", None),
    "comment": (_l("Comment"), "discussion_commission.comment", "comment_id"),
}

#: Keys of the details worth a person's reading, in this order, with their words.
DETAIL_KEYS = {
    "title": _l("Title"), "name": _l("Title"), "code": _l("Code"), "number": _l("Number"),
    "email": _l("E-mail"), "role": _l("Role"), "year": _l("Year"), "planned": _l("Planned"),
    "amount": _l("Amount"), "document": _l("Document"), "paid_on": _l("Paid on"),
    "decided_on": _l("Decided on"), "new_end": _l("New end"), "reason": _l("Reason"),
    "note": _l("Note"), "text": _l("Text"), "winners": _l("Winners"),
    "under_review": _l("Under review"), "support_failed": _l("Too few supporters"),
    "supporters": _l("Supporters"), "present": _l("Present"), "seats": _l("Seats"),
    "decisions": _l("Decisions"), "annulled": _l("Annulled"), "progress": _l("Progress, %"),
    "issuer": _l("e-ID provider"), "client_id": _l("e-ID client"),
}
#: Amounts stored in kopecks.
MONEY_KEYS = {"amount", "planned", "total_cost", "budget"}
SUMMARY_LENGTH = 200


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, _("Other action")))


def object_label(object_type: str) -> str:
    return str(OBJECTS[object_type][0]) if object_type in OBJECTS else _("Other record")


def object_link(event: AuditEvent) -> str | None:
    """The page of the object the event concerns, if it has one and it can be named."""
    _label, endpoint, argument = OBJECTS.get(event.object_type, (None, None, None))
    if endpoint is None:
        return None
    if argument is None:
        return url_for(endpoint)
    if not (event.object_id or "").isdigit():
        return None
    return url_for(endpoint, **{argument: int(event.object_id)})


def _value(key: str, value: Any) -> str | None:
    if isinstance(value, bool) or value is None or isinstance(value, dict):
        return None
    if isinstance(value, list):
        if key == "present":
            return str(len(value))
        shown = [str(v) for v in value if isinstance(v, str | int)]
        return ", ".join(shown) or None
    if key in MONEY_KEYS and isinstance(value, int):
        return format_hryvnias(value)
    if key == "role":
        try:
            return str(Role(value).label)
        except ValueError:
            return None
    if key.endswith("_on") and isinstance(value, str):
        try:
            return date.fromisoformat(value).strftime("%d.%m.%Y")
        except ValueError:
            return value
    if key == "new_end" and isinstance(value, str):
        try:
            return kyiv_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def summary(details: str) -> str:
    """What the stored details say, in words: the keys a person can read, never the JSON."""
    try:
        data = json.loads(details or "{}")
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    parts = []
    for key, label in DETAIL_KEYS.items():
        shown = _value(key, data.get(key))
        if shown:
            parts.append(f"{label}: {shown}")
    text = "; ".join(parts)
    return text if len(text) <= SUMMARY_LENGTH else text[:SUMMARY_LENGTH - 1] + "…"


class AuditFilterForm(BaseForm):
    """The filters, read from the address (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    person = SearchField(_l("Person (e-mail or name)"), [Optional(), Length(max=200)])
    object_type = SelectField(_l("Object"), [Optional()])
    object_id = StringField(_l("Object number"), [Optional(), Length(max=64)])
    date_from = DateField(_l("From"), [Optional()])
    date_to = DateField(_l("To"), [Optional()])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.object_type.choices = [("", _("Any object"))] + sorted(
            ((kind, str(label)) for kind, (label, _e, _a) in OBJECTS.items()),
            key=lambda choice: choice[1])


@dataclass(frozen=True)
class Filters:
    person: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_form(cls, form: AuditFilterForm) -> Filters:
        if not form.validate():
            return cls()
        return cls((form.person.data or "").strip(), form.object_type.data or "",
                   (form.object_id.data or "").strip(), form.date_from.data, form.date_to.data)

    def query(self) -> Select:
        query = select(AuditEvent)
        here = scope.entered()
        if here is not None:  # the community's own chain (the platform's on its pages)
            query = query.where(in_chain(AuditEvent.community_id, max(here, 0)))
        if self.person:
            # SQLite lowers only ASCII letters: a name is also tried as typed and capitalised.
            words = {self.person.lower(), self.person, self.person.capitalize(),
                     self.person.title()}
            people = select(User.id).where(or_(
                *(func.lower(User.email).like(f"%{word.lower()}%") for word in words),
                *(func.lower(User.display_name).like(f"%{word}%") for word in words)))
            query = query.where(AuditEvent.actor_id.in_(people))
        if self.object_type:
            query = query.where(AuditEvent.object_type == self.object_type)
        if self.object_id:
            query = query.where(AuditEvent.object_id == self.object_id)
        if self.date_from:
            query = query.where(AuditEvent.at >= _kyiv_midnight(self.date_from))
        if self.date_to:
            query = query.where(AuditEvent.at < _kyiv_midnight(self.date_to + timedelta(days=1)))
        return query

    def args(self) -> dict[str, str]:
        """The filters as the address's arguments (for the pager and the export)."""
        found = {"person": self.person, "object_type": self.object_type,
                 "object_id": self.object_id,
                 "date_from": self.date_from.isoformat() if self.date_from else "",
                 "date_to": self.date_to.isoformat() if self.date_to else ""}
        return {key: value for key, value in found.items() if value}


def _kyiv_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=KYIV)


def actors_of(session: Session, events: list[AuditEvent]) -> dict[int, User]:
    ids = {e.actor_id for e in events if e.actor_id}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}


def csv_text(events: list[AuditEvent], actors: dict[int, User]) -> str:
    """The selected events as CSV (UTF-8 with a BOM, so that spreadsheets read it)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("No."), _("When"), _("Who"), _("Action"), _("Object"),
                     _("Object number"), _("Details")])
    for event in events:
        actor = actors.get(event.actor_id)
        writer.writerow([event.id, event.at.astimezone(KYIV).strftime("%d.%m.%Y %H:%M:%S"),
                         f"{actor.display_name} <{actor.email}>" if actor else _("the system"),
                         action_label(event.action), object_label(event.object_type),
                         event.object_id or "", summary(event.details)])
    return out.getvalue()
