"""Verification pages of the resident: the status, the census register and e-ID."""

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
from flask import (
    session as browser_session,
)
from flask_login import current_user

from portal.accounts.access import guard_blueprint, login_redirect
from portal.accounts.login import log_in
from portal.accounts.views import safe_next
from portal.clock import utcnow
from portal.db import db_session
from portal.forms import show_refusal
from portal.i18n import _, get_locale
from portal.identity import eid, services
from portal.identity.forms import (
    PersonNumberForm,
)
from portal.identity.messages import PROBLEMS
from portal.identity.methods import available_methods
from portal.identity.rules import NumberKind, NumberProblem, parse_person_number
from portal.links import external_url
from portal.refusal import Refused
from portal.tenancy.routing import Place, current_place

bp = Blueprint("identity", __name__, url_prefix="/verify")
# Signing in by e-ID starts without an account, and its answer comes back to the one
# callback the provider knows.
guard_blueprint(bp, public=("eid_sign_in", "eid_callback"))

#: In the browser's session between the redirect to the provider and its answer: the
#: address to go to after an e-ID sign-in (its presence marks the login as a sign-in).
SIGN_IN_NEXT = "eid_sign_in_next"


@bp.app_template_global("eid_signin_available")
def eid_signin_available() -> bool:
    """Whether pages offer "sign in with BankID / Дія": e-ID is set up for this page's
    community (on the platform's own pages there is none whose residence it could settle:
    a person signs in by e-ID in their community)."""
    return current_place() is not None and eid.is_configured()


@bp.app_template_global("takes_part_here")
def takes_part_here(verification) -> bool:
    """Whether the verified person takes part in this page's community."""
    return services.takes_part(verification)


@bp.app_template_global("active_verification_of")
def active_verification_of(user):
    """The account's active verification, for any page that shows it (profile, admin)."""
    return services.active_verification(db_session(), user)


def person_key_secret() -> str:
    return current_app.config["PERSON_KEY_SECRET"]


def community_here() -> Place:
    """The community a verification here is of: its name is recorded, its settlements decide
    residence (every page of this part is a community's)."""
    return current_place() or abort(404)


def number_on(form: PersonNumberForm):
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
        number = number_on(form)
        if number is not None:
            policy = services.LockoutPolicy(current_app.config["CENSUS_MAX_FAILURES"],
                                            current_app.config["CENSUS_LOCKOUT"])
            try:
                services.verify_by_census(
                    session, user=current_user, number=number, birth_date=form.birth_date.data,
                    community=community_here().name, policy=policy,
                    secret=person_key_secret(), now=now,
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
        return eid.start(external_url("identity.eid_callback"))
    except Refused as refused:
        show_refusal(refused)
        return redirect(url_for("identity.status"))


@bp.route("/eid/sign-in")
def eid_sign_in():
    """Sign in (and, on first use, register and verify) with e-ID, in one visit."""
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target)
    if not eid.is_configured():
        flash(PROBLEMS.text("eid_unavailable"), "error")
        return redirect(url_for("accounts.login", next=request.args.get("next")))
    browser_session[SIGN_IN_NEXT] = target
    try:
        return eid.start(external_url("identity.eid_callback"))
    except Refused as refused:
        browser_session.pop(SIGN_IN_NEXT, None)
        show_refusal(refused)
        return redirect(url_for("accounts.login"))


@bp.route("/eid/callback")
def eid_callback():
    if not eid.is_configured():
        abort(404)
    sign_in_next = browser_session.pop(SIGN_IN_NEXT, None)
    if sign_in_next is not None and not current_user.is_authenticated:
        return _finish_sign_in(sign_in_next)
    if not current_user.is_authenticated:
        return login_redirect()
    try:
        person = eid.read_identity(eid.finish(), eid.claim_names())
    except Refused as refused:
        show_refusal(refused)
        return redirect(url_for("identity.status"))
    session = db_session()
    place = community_here()
    try:
        verification = services.verify_by_eid(
            session, user=current_user, number=person.number, birth_date=person.birth_date,
            address=person.address, locality=person.locality,
            localities=place.localities, community=place.name, secret=person_key_secret(),
            now=utcnow(),
        )
    except Refused as refused:
        show_refusal(refused)
        return redirect(url_for("identity.status"))
    if verification.resident:
        flash(_("Your account is verified. You can submit projects and vote."), "success")
    else:
        # The identity is established, the residence is not (no address released, or one
        # outside the community): the status page says what to do.
        flash(_("Your identity is verified, but your residence in the community is not "
                "established, so you cannot submit projects or vote yet."), "warning")
    return redirect(url_for("identity.status"))


def _finish_sign_in(target: str):
    """The provider's answer to a sign-in: the person's account, made on first use."""
    try:
        person = eid.read_identity(eid.finish(), eid.claim_names())
        place = community_here()
        signed_in = services.sign_in_by_eid(
            db_session(), name=person.name, number=person.number,
            birth_date=person.birth_date, address=person.address, locality=person.locality,
            localities=place.localities, community=place.name, secret=person_key_secret(),
            locale=str(get_locale() or "uk"), now=utcnow(),
        )
    except Refused as refused:
        show_refusal(refused)
        return redirect(url_for("accounts.login"))
    browser_session.clear()
    log_in(signed_in.user)
    verification = services.active_verification(db_session(), signed_in.user)
    if not verification.resident:
        flash(_("Your identity is verified, but your residence in the community is not "
                "established, so you cannot submit projects or vote yet."), "warning")
    if signed_in.created:
        return redirect(url_for("accounts.add_email", next=target))
    return redirect(target)


# The verifier desk ---------------------------------------------------------------------
