"""A person's notices (the list, with the unread count in the header), how they want each
kind, the districts they follow, and the one-click unsubscribe of every notice e-mail."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice, SelectField

from portal.accounts.access import guard_blueprint
from portal.clock import utcnow
from portal.community.models import District
from portal.db import db_session
from portal.forms import ActionForm, BaseForm
from portal.i18n import _
from portal.notifications import services
from portal.notifications.messages import DELIVERY_LABELS, KIND_LABELS
from portal.notifications.models import Notice
from portal.notifications.rules import Delivery, FollowTarget, NoticeKind
from portal.parsing import page_arg, page_within

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
guard_blueprint(bp, public=["unsubscribe"])

PAGE_SIZE = 30


@bp.app_template_global("unread_notices")
def unread_notices() -> int:
    if not current_user.is_authenticated:
        return 0
    return services.unread_count(db_session(), current_user.id)


@bp.route("/")
def index():
    session = db_session()
    total = services.count_of(session, current_user.id)
    page, pages = page_within(page_arg(), total=total, size=PAGE_SIZE)
    notices = services.notices_of(session, current_user.id, offset=(page - 1) * PAGE_SIZE,
                                  limit=PAGE_SIZE)
    return render_template("notifications/index.html", notices=notices, page=page,
                           pages=pages, total=total, text_of=services.text_of,
                           form=ActionForm())


@bp.route("/<int:notice_id>")
def open_notice(notice_id: int):
    """The page a notice is about, the notice marked read on the way."""
    session = db_session()
    notice = session.get(Notice, notice_id)
    if notice is None or notice.user_id != current_user.id:
        abort(404)
    services.mark_read(session, user_id=current_user.id, notice_id=notice.id, now=utcnow())
    endpoint, arguments = services.page_of(notice.target, notice.target_id)
    return redirect(url_for(endpoint, **arguments))


@bp.route("/read", methods=["POST"])
def mark_all_read():
    if not ActionForm.from_request().validate():
        abort(400)
    services.mark_read(db_session(), user_id=current_user.id, now=utcnow())
    flash(_("All notices are marked as read."), "success")
    return redirect(url_for("notifications.index"))


def _settings_form(chosen: dict[NoticeKind, Delivery]):
    class SettingsForm(BaseForm):
        pass

    choices = [SelectChoice(delivery.value, DELIVERY_LABELS[delivery]) for delivery in Delivery]
    for kind in NoticeKind:
        setattr(SettingsForm, f"kind_{kind.value}",
                SelectField(str(KIND_LABELS[kind]), choices=choices,
                            default=chosen[kind].value))
    form = SettingsForm.from_request()
    return form, [(kind, form[f"kind_{kind.value}"]) for kind in NoticeKind]


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    session = db_session()
    now = utcnow()
    chosen = services.preferences_of(session, current_user.id)
    districts = list(session.scalars(select(District).order_by(District.name)))
    followed = {f.target_id for f in services.follows_of(session, current_user.id)
                if f.target is FollowTarget.DISTRICT}
    form, fields = _settings_form(chosen)
    if form.submitted_and_valid:
        services.set_preferences(session, user_id=current_user.id, chosen={
            kind: Delivery(field.data) for kind, field in fields})
        wanted = {int(value) for value in request.form.getlist("district")
                  if value.isascii() and value.isdigit()}
        for district in districts:
            if district.id in wanted and district.id not in followed:
                services.follow(session, user=current_user, target=FollowTarget.DISTRICT,
                                target_id=district.id, now=now)
            elif district.id not in wanted and district.id in followed:
                services.stop_following(session, user=current_user,
                                        target=FollowTarget.DISTRICT, target_id=district.id,
                                        now=now)
        flash(_("Your notice settings are saved."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form, fields=fields,
                           districts=districts, followed=followed,
                           follows=services.follows_of(session, current_user.id))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """RFC 8058: a mail client's one-click POST (no session, no form token: the signed
    token in the address is the proof), or a person's click on the link and then the button."""
    found = services.read_unsubscribe_token(token)
    if found is None:
        abort(404)
    user_id, kind = found
    if request.method == "POST":
        services.unsubscribe(db_session(), user_id=user_id, kind=kind)
        return render_template("notifications/unsubscribed.html", kind=KIND_LABELS[kind],
                               done=True)
    return render_template("notifications/unsubscribed.html", kind=KIND_LABELS[kind],
                           done=False)


@bp.app_template_global("is_following")
def is_following(target: str, target_id: int) -> bool:
    return current_user.is_authenticated and services.following(
        db_session(), current_user.id, FollowTarget(target), target_id)


def change_following(*, target: FollowTarget, target_id: int) -> None:
    """The follow button's POST (``action``: follow or stop), said back to the person."""
    session, now = db_session(), utcnow()
    if request.form.get("action") == "stop":
        services.stop_following(session, user=current_user, target=target, target_id=target_id,
                                now=now)
        flash(_("You no longer follow it."), "info")
    else:
        services.follow(session, user=current_user, target=target, target_id=target_id, now=now)
        flash(_("You follow it now: its news comes to your notices."), "success")
