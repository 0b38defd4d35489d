"""The platform administrators' page of the communities: the list, and adding one with its
first administrator. Only a platform-wide administrator (``users create-admin``) opens it;
a community's own administrator manages only that community, on its own pages."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal.accounts.access import guard_blueprint, login_redirect
from portal.accounts.models import Role
from portal.accounts.services import Secrets, reset_token
from portal.clock import utcnow
from portal.communities import services
from portal.communities.forms import CommunityForm, SettingsForm
from portal.communities.rules import EMBLEM_MAX_BYTES
from portal.db import after_commit, db_session
from portal.forms import show_refusal
from portal.i18n import _
from portal.identity import eid_clients
from portal.links import external_url
from portal.mail import send_mail
from portal.refusal import Refused
from portal.tenancy import scope
from portal.tenancy.models import Community
from portal.tenancy.routing import current_place, directory, reserved_words

bp = Blueprint("communities_admin", __name__, url_prefix="/platform/communities")


@bp.before_request
def platform_administrators_only():
    if not current_user.is_authenticated:
        return login_redirect()
    if not current_user.is_platform_admin:
        abort(403)
    return None


@bp.route("/", methods=["GET", "POST"])
def index():
    session = db_session()
    form = CommunityForm.from_request()
    if form.submitted_and_valid:
        now = utcnow()
        with scope.everywhere():
            admin = (services.first_admin_account(
                session, email=form.admin_email.data, name=form.admin_name.data or "", now=now)
                if form.admin_email.data else None)
            try:
                community = services.create_community(
                    session, code=form.code.data, slug=form.slug.data, name=form.name.data,
                    name_en=form.name_en.data or "",
                    localities=(form.localities.data or "").splitlines(),
                    domains=(form.domains.data or "").split(),
                    admits_displaced=bool(form.admits_displaced.data), admin=admin,
                    actor=current_user, reserved=reserved_words(current_app), now=now)
            except Refused as refused:
                show_refusal(refused, form)
            else:
                after_commit(directory().forget)
                if admin is not None:
                    _tell_the_admin(admin, community)
                flash(_("The community %(name)s is on the platform.", name=community.name),
                      "success")
                return redirect(url_for("communities_admin.index"))
    with scope.everywhere():
        listed = services.listed(session)
    return render_template("communities/admin_index.html", form=form, communities=listed)


def _tell_the_admin(admin, community) -> None:
    """Mail the new administrator where the community is (and how to set a password)."""
    with scope.inside(community.id):
        address = external_url("main.index")
        lines = [_("You are the administrator of %(name)s on the participatory budget "
                   "platform: %(url)s", name=community.name, url=address)]
        if not admin.has_password:
            config = current_app.config
            token = reset_token(admin, Secrets(config["SECRET_KEY"],
                                               config["EMAIL_CONFIRM_MAX_AGE"],
                                               config["PASSWORD_RESET_MAX_AGE"]))
            lines.append(_("Set your password here: %(url)s",
                           url=external_url("accounts.reset", token=token)))
    send_mail(admin.email, _("Administrator of %(name)s", name=community.name),
              "\n\n".join(lines) + "\n")


settings_bp = Blueprint("communities_settings", __name__, url_prefix="/admin/community")
guard_blueprint(settings_bp, Role.ADMIN)


@settings_bp.route("/", methods=["GET", "POST"])
def settings():
    """The community's own administrator: its names, settlements, sender, rules on
    internally displaced persons, and emblem."""
    session = db_session()
    community = session.get(Community, scope.current_community_id(session)) or abort(404)
    form = SettingsForm.from_request(obj=community)
    if request.method == "GET":
        form.localities.data = community.localities
        form.signature_lines.data = "\n".join(f"{position} | {person}" for position, person
                                           in community.signatory_list)
    if form.submitted_and_valid:
        upload = form.emblem.data
        data = upload.stream.read(EMBLEM_MAX_BYTES + 1) if getattr(upload, "filename", "") else None
        try:
            services.update_settings(
                session, community=community, name=form.name.data, name_en=form.name_en.data or "",
                localities=(form.localities.data or "").splitlines(),
                mail_sender=form.mail_sender.data or "",
                admits_displaced=bool(form.admits_displaced.data), emblem=data,
                remove_emblem=bool(form.remove_emblem.data), actor=current_user, now=utcnow(),
                signatories=(form.signature_lines.data or "").splitlines())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            after_commit(directory().forget)
            flash(_("The community's settings are saved."), "success")
            return redirect(url_for("communities_settings.settings"))
    client = eid_clients.provider(current_place())
    own = client is not None and client.name != eid_clients.PLATFORM_CLIENT
    return render_template("communities/admin_settings.html", form=form, community=community,
                           eid_client=client, eid_own=own)
