"""Verification pages: the resident's own, the verifier desk, and the register upload."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.access import guard_blueprint
from portal.accounts.models import Role, User
from portal.accounts.rules import normalize_email
from portal.clock import utcnow
from portal.community.choices import district_choices
from portal.community.models import District
from portal.db import db_session
from portal.forms import show_refusal
from portal.i18n import _
from portal.identity import eid, services
from portal.identity.census import parse_census
from portal.identity.forms import (
    CensusUploadForm,
    DeskVerifyForm,
    FindAccountForm,
    PersonNumberForm,
    RevokeForm,
)
from portal.identity.messages import PROBLEMS, census_problem
from portal.identity.methods import available_methods
from portal.identity.models import Verification, VerificationMethod
from portal.identity.rules import NumberKind, NumberProblem, parse_person_number
from portal.refusal import Refused

bp = Blueprint("identity", __name__, url_prefix="/verify")
guard_blueprint(bp)

desk = Blueprint("desk", __name__, url_prefix="/desk")
guard_blueprint(desk, Role.VERIFIER, Role.ADMIN)

census = Blueprint("census", __name__, url_prefix="/census")
guard_blueprint(census, Role.STAFF, Role.ADMIN)

MAX_CENSUS_BYTES = 20 * 1024 * 1024


@bp.app_template_global("active_verification_of")
def active_verification_of(user):
    """The account's active verification, for any page that shows it (profile, admin)."""
    return services.active_verification(db_session(), user)


def _secret() -> str:
    return current_app.config["PERSON_KEY_SECRET"]


def _number(form: PersonNumberForm):
    """The parsed number, or None after putting the problem on the form."""
    parsed = parse_person_number(form.number.data, NumberKind(form.kind.data))
    if isinstance(parsed, NumberProblem):
        form.add_error("number", PROBLEMS.text(parsed))
        return None
    return parsed


@bp.route("/")
def status():
    session = db_session()
    return render_template(
        "identity/status.html",
        verification=services.active_verification(session, current_user),
        methods=available_methods(),
        census_ready=services.latest_census(session) is not None,
    )


@bp.route("/census", methods=["GET", "POST"])
def census_verify():
    session = db_session()
    if services.active_verification(session, current_user):
        return redirect(url_for("identity.status"))
    now = utcnow()
    form = PersonNumberForm.from_request()
    locked = services.census_lock_state(session, current_user, now)
    if services.latest_census(session) is None:
        flash(PROBLEMS.text("census_empty"), "error")
        return redirect(url_for("identity.status"))
    if form.submitted_and_valid and not locked:
        number = _number(form)
        if number is not None:
            policy = services.LockoutPolicy(current_app.config["CENSUS_MAX_FAILURES"],
                                            current_app.config["CENSUS_LOCKOUT"])
            try:
                services.verify_by_census(
                    session, user=current_user, number=number, birth_date=form.birth_date.data,
                    community=current_app.config["COMMUNITY_NAME"], policy=policy,
                    secret=_secret(), now=now,
                )
            except Refused as refused:
                # A miss is kept (and counted towards the lockout) all the same.
                show_refusal(refused, form)
                locked = services.census_lock_state(session, current_user, now)
            else:
                flash(_("Your account is verified. You can submit projects and vote."),
                      "success")
                return redirect(url_for("identity.status"))
    return render_template("identity/census_verify.html", form=form, locked=locked)


@bp.route("/eid")
def eid_start():
    if not eid.is_configured():
        flash(PROBLEMS.text("eid_unavailable"), "error")
        return redirect(url_for("identity.status"))
    if services.active_verification(db_session(), current_user):
        return redirect(url_for("identity.status"))
    try:
        return eid.start(url_for("identity.eid_callback", _external=True))
    except Refused as refused:
        show_refusal(refused)
        return redirect(url_for("identity.status"))


@bp.route("/eid/callback")
def eid_callback():
    if not eid.is_configured():
        abort(404)
    try:
        person = eid.read_identity(eid.finish(), eid.claim_names())
    except Refused as refused:
        show_refusal(refused)
        return redirect(url_for("identity.status"))
    session = db_session()
    config = current_app.config
    try:
        services.verify_by_eid(
            session, user=current_user, number=person.number, birth_date=person.birth_date,
            address=person.address, locality=person.locality,
            localities=tuple(config["COMMUNITY_LOCALITIES"]),
            community=config["COMMUNITY_NAME"], secret=_secret(), now=utcnow(),
        )
    except Refused as refused:
        show_refusal(refused)
        return redirect(url_for("identity.status"))
    flash(_("Your account is verified. You can submit projects and vote."), "success")
    return redirect(url_for("identity.status"))


# The verifier desk ---------------------------------------------------------------------


@desk.route("/", methods=["GET", "POST"])
def index():
    session = db_session()
    form = FindAccountForm.from_request()
    if form.submitted_and_valid:
        user = session.execute(
            select(User).where(User.email == normalize_email(form.email.data))
        ).scalar_one_or_none()
        if user is None:
            form.add_error("email", _("No account with this e-mail."))
        else:
            return redirect(url_for("desk.account", user_id=user.id))
    return render_template("identity/desk.html", form=form,
                           done=services.verifications_by(session, current_user))


@desk.route("/account/<int:user_id>", methods=["GET", "POST"])
def account(user_id: int):
    session = db_session()
    user = session.get(User, user_id) or abort(404)
    verification = services.active_verification(session, user)
    form = DeskVerifyForm.from_request()
    form.district.choices = district_choices(session, _("— not applicable —"))
    if verification is None and form.submitted_and_valid:
        number = _number(form)
        district_id = int(form.district.data) if form.district.data else None
        if number is not None:
            claim = services.IdentityClaim(
                number=number, birth_date=form.birth_date.data,
                community=current_app.config["COMMUNITY_NAME"],
                resident=bool(form.resident.data), district_id=district_id,
            )
            try:
                services.verify_person(session, user=user, claim=claim,
                                       method=VerificationMethod.IN_PERSON, actor=current_user,
                                       secret=_secret(), now=utcnow())
            except Refused as refused:
                show_refusal(refused, form)
            else:
                flash(_("The account of %(name)s is verified.", name=user.display_name),
                      "success")
                return redirect(url_for("desk.index"))
    return render_template("identity/desk_account.html", account=user, form=form,
                           verification=verification, revoke_form=RevokeForm())


@desk.route("/verification/<int:verification_id>/revoke", methods=["POST"])
def revoke(verification_id: int):
    session = db_session()
    verification = session.get(Verification, verification_id) or abort(404)
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
    return redirect(url_for("desk.account", user_id=verification.user_id))


# The register of residents ---------------------------------------------------------------


@census.route("/", methods=["GET", "POST"])
def upload():
    session = db_session()
    form = CensusUploadForm.from_request()
    problems = []
    if form.submitted_and_valid:
        storage = form.file.data
        raw = storage.read(MAX_CENSUS_BYTES + 1) if storage else b""
        text = None
        if len(raw) > MAX_CENSUS_BYTES:
            form.add_error("file", _("The file is larger than 20 MB."))
        else:
            for encoding in ("utf-8-sig", "cp1251"):
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            if text is None or "\x00" in text:
                form.add_error("file", _("This is not a CSV text file."))
        if text is not None and not form.file.errors:
            known = {d.name for d in session.execute(select(District)).scalars()}
            rows, found = parse_census(text, known_districts=known, today=utcnow().date())
            problems = [(p.line, census_problem(p.code), p.value) for p in found[:100]]
            if not found:
                services.replace_census(session, rows=rows, filename=storage.filename or "",
                                        actor=current_user, secret=_secret(), now=utcnow())
                flash(_("The register is replaced: %(count)d residents.", count=len(rows)),
                      "success")
                return redirect(url_for("census.upload"))
            form.add_error("file", _("Nothing was stored: the file has %(count)d problems.",
                                     count=len(found)))
    return render_template("identity/census_upload.html", form=form, problems=problems,
                           latest=services.latest_census(session))
