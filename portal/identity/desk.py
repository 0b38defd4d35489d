"""The verifier desk (ЦНАП): find an account, verify the person in front of the desk by
their document, revoke a verification."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.access import guard_blueprint
from portal.accounts.belonging import holds_platform_wide, seen_by
from portal.accounts.models import Role, User
from portal.accounts.rules import normalize_email
from portal.clock import utcnow
from portal.community.choices import district_choices
from portal.db import db_session
from portal.forms import show_refusal
from portal.i18n import _
from portal.identity import services
from portal.identity.forms import (
    DeskVerifyForm,
    FindAccountForm,
    RevokeForm,
)
from portal.identity.messages import PROBLEMS
from portal.identity.models import Verification, VerificationMethod
from portal.identity.views import community_here, number_on, person_key_secret
from portal.refusal import Refused
from portal.tenancy.scope import current_community_id

bp = Blueprint("identity_desk", __name__, url_prefix="/desk/verify")
guard_blueprint(bp, Role.VERIFIER, Role.ADMIN)
DESK = (Role.VERIFIER, Role.ADMIN)


def _seen(session, user_id: int) -> User | None:
    """The account, if it is this community's (``accounts.belonging``)."""
    return session.scalar(select(User).where(User.id == user_id,
                                             seen_by(session, current_user, *DESK)))


def _revocable(session, verification: Verification) -> bool:
    """A desk revokes the verifications of its community's residents (the platform's
    verifiers, anyone's)."""
    return (verification.community_id == current_community_id(session)
            or holds_platform_wide(current_user, *DESK))


@bp.route("/", methods=["GET", "POST"])
def index():
    session = db_session()
    form = FindAccountForm.from_request()
    if form.submitted_and_valid:
        user = session.execute(
            select(User).where(User.email == normalize_email(form.email.data))
        ).scalar_one_or_none()
        if user is None:
            form.add_error("email", _("No account with this e-mail."))
        elif _seen(session, user.id) is None:
            form.add_error("email", _("This account is another community's: its holder lives "
                                      "or works there, and that community's desk serves it."))
        else:
            return redirect(url_for("identity_desk.account", user_id=user.id))
    return render_template("identity/desk.html", form=form,
                           done=services.verifications_by(session, current_user))


@bp.route("/account/<int:user_id>", methods=["GET", "POST"])
def account(user_id: int):
    session = db_session()
    user = _seen(session, user_id) or abort(404)
    verification = services.active_verification(session, user)
    form = DeskVerifyForm.from_request()
    form.district.choices = district_choices(session, _("— not applicable —"))
    if verification is None and form.submitted_and_valid:
        number = number_on(form)
        district_id = int(form.district.data) if form.district.data else None
        if number is not None:
            claim = services.IdentityClaim(
                number=number, birth_date=form.birth_date.data,
                community=community_here().name,
                resident=bool(form.resident.data), district_id=district_id,
                displaced_certificate=form.displaced_certificate.data or None,
            )
            try:
                services.verify_person(session, user=user, claim=claim,
                                       method=VerificationMethod.IN_PERSON, actor=current_user,
                                       secret=person_key_secret(), now=utcnow())
            except Refused as refused:
                show_refusal(refused, form)
            else:
                flash(_("The account of %(name)s is verified.", name=user.display_name),
                      "success")
                return redirect(url_for("identity_desk.index"))
    return render_template("identity/desk_account.html", account=user, form=form,
                           verification=verification, revoke_form=RevokeForm(),
                           revocable=verification is not None
                           and _revocable(session, verification))


@bp.route("/verification/<int:verification_id>/revoke", methods=["POST"])
def revoke(verification_id: int):
    session = db_session()
    verification = session.get(Verification, verification_id)
    if verification is None or not _revocable(session, verification):
        abort(404)
    form = RevokeForm.from_request()
    if form.validate():
        try:
            services.revoke_verification(session, verification=verification,
                                         reason=form.reason.data, actor=current_user,
                                         now=utcnow())
        except Refused as refused:
            show_refusal(refused)
        else:
            flash(_("The verification is revoked."), "success")
    else:
        flash(PROBLEMS.text("reason_required"), "error")
    return redirect(url_for("identity_desk.account", user_id=verification.user_id))


# The register of residents ---------------------------------------------------------------
