"""The administrators' pages of accounts: accounts and their roles, and the audit log of
what accounts did."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, or_, select

from portal.accounts import admin_jobs
from portal.accounts import services as accounts
from portal.accounts.access import guard_blueprint
from portal.accounts.admin_audit import (
    AuditFilterForm,
    Filters,
    action_label,
    actors_of,
    csv_text,
    object_label,
    object_link,
    summary,
)
from portal.accounts.belonging import holds_platform_wide, listed_for, seen_by
from portal.accounts.forms import RoleForm, UserSearchForm
from portal.accounts.models import Role, User
from portal.accounts.rules import normalize_email
from portal.audit.models import AuditEvent
from portal.clock import utcnow
from portal.db import db_session
from portal.forms import ActionForm, show_refusal
from portal.i18n import _
from portal.jobs import job_label, queue
from portal.parsing import page_arg, page_within
from portal.refusal import Refused

bp = Blueprint("accounts_admin", __name__, url_prefix="/admin")
guard_blueprint(bp, Role.ADMIN)

PAGE_SIZE = 50
#: The most events one export holds (the filters narrow a larger log).
EXPORT_LIMIT = 100_000


@bp.route("/users")
def users():
    session = db_session()
    form = UserSearchForm(request.args)
    searched = normalize_email(form.q.data) if form.validate() and form.q.data else ""
    # The community's accounts; a newcomer's (no community's yet) by its whole address.
    query = select(User).where(listed_for(session, current_user, Role.ADMIN, email=searched))
    if searched:
        pattern = f"%{searched}%"
        query = query.where(or_(func.lower(User.email).like(pattern),
                                func.lower(User.display_name).like(pattern)))
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page, pages = page_within(page_arg(), total=total, size=PAGE_SIZE)
    rows = session.execute(
        query.order_by(User.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).scalars().all()
    return render_template("accounts/admin_users.html", form=form, users=rows, page=page,
                           pages=pages, total=total)


def _account(session, user_id: int) -> User:
    """The account, if it is this community's to see (``accounts.belonging``), else 404."""
    return session.scalar(select(User).where(
        User.id == user_id, seen_by(session, current_user, Role.ADMIN))) or abort(404)


@bp.route("/users/<int:user_id>")
def user(user_id: int):
    session = db_session()
    account = _account(session, user_id)
    return render_template("accounts/admin_user.html", account=account, form=RoleForm(),
                           roles=list(Role))


def _change_role(user_id: int, grant: bool):
    session = db_session()
    account = _account(session, user_id)
    form = RoleForm.from_request()
    if not form.validate():
        flash(_("Choose a role."), "error")
        return redirect(url_for("accounts_admin.user", user_id=user_id))
    role = Role(form.role.data)
    action = accounts.grant_role if grant else accounts.revoke_role
    try:
        changed = action(session, user=account, role=role, actor=current_user, now=utcnow())
    except Refused as refused:
        show_refusal(refused)
        return redirect(url_for("accounts_admin.user", user_id=user_id))
    if changed:
        text = (_("Role %(role)s granted.", role=role.label) if grant
                else _("Role %(role)s revoked.", role=role.label))
        flash(text, "success")
    return redirect(url_for("accounts_admin.user", user_id=user_id))


@bp.route("/users/<int:user_id>/roles/grant", methods=["POST"])
def grant(user_id: int):
    return _change_role(user_id, grant=True)


@bp.route("/users/<int:user_id>/roles/revoke", methods=["POST"])
def revoke(user_id: int):
    return _change_role(user_id, grant=False)


@bp.route("/audit")
def audit_log():
    session = db_session()
    form = AuditFilterForm(request.args)
    filters = Filters.from_form(form)
    query = filters.query()
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page, pages = page_within(page_arg(), total=total, size=PAGE_SIZE)
    events = session.execute(
        query.order_by(AuditEvent.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).scalars().all()
    return render_template(
        "accounts/admin_audit.html", events=events, actors=actors_of(session, events),
        page=page, pages=pages, total=total, form=form, filters=filters.args(),
        action_label=action_label, object_label=object_label, object_link=object_link,
        summary=summary)


@bp.route("/audit.csv")
def audit_csv():
    """The events the filters select, all of them (newest first), as a CSV file."""
    session = db_session()
    filters = Filters.from_form(AuditFilterForm(request.args))
    events = session.execute(
        filters.query().order_by(AuditEvent.id.desc()).limit(EXPORT_LIMIT)).scalars().all()
    response = make_response(csv_text(events, actors_of(session, events)))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=audit-log.csv"
    return response


@bp.route("/jobs")
def jobs():
    session = db_session()
    return render_template("accounts/admin_jobs.html", mail=admin_jobs.mail_figures(session),
                           failures=admin_jobs.open_failures(session, current_user),
                           every_community=holds_platform_wide(current_user, Role.ADMIN),
                           community_of=admin_jobs.community_name,
                           can_run_again=admin_jobs.can_run_again, job_label=job_label,
                           waiting=queue().pending(), form=ActionForm())


def _handle_failure(failure_id: int, *, again: bool):
    session = db_session()
    failure = admin_jobs.failure_seen_by(session, current_user, failure_id) or abort(404)
    if not ActionForm.from_request().validate():
        abort(400)
    if failure.handled_at is not None:
        flash(_("This failure was already dealt with."), "info")
    elif again and not admin_jobs.can_run_again(failure):
        flash(_("This job cannot be run again from here; set it aside."), "error")
    else:
        admin_jobs.handle(session, failure, again=again, actor=current_user, now=utcnow())
        flash(_("The job is queued again.") if again else _("The failure is set aside."),
              "success")
    return redirect(url_for("accounts_admin.jobs"))


@bp.route("/jobs/<int:failure_id>/again", methods=["POST"])
def run_job_again(failure_id: int):
    return _handle_failure(failure_id, again=True)


@bp.route("/jobs/<int:failure_id>/aside", methods=["POST"])
def set_job_aside(failure_id: int):
    return _handle_failure(failure_id, again=False)
