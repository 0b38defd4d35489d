"""Registration, e-mail confirmation, login, password reset and the profile."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from portal.accounts import services, sessions
from portal.accounts.forms import (
    ChangePasswordForm,
    EmailForm,
    LanguageForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from portal.accounts.login import current_account_session, log_in, log_out, session_limits
from portal.accounts.rules import normalize_email
from portal.accounts.throttle import LoginThrottle
from portal.clock import utcnow
from portal.db import db_session
from portal.forms import ActionForm, show_refusal
from portal.i18n import _
from portal.links import external_url
from portal.mail import send_mail
from portal.ratelimit import limiter
from portal.refusal import Refused

bp = Blueprint("accounts", __name__)


def _secrets() -> services.Secrets:
    config = current_app.config
    return services.Secrets(
        secret_key=config["SECRET_KEY"],
        confirm_max_age=config["EMAIL_CONFIRM_MAX_AGE"],
        reset_max_age=config["PASSWORD_RESET_MAX_AGE"],
    )


def safe_next(target: str | None, default: str = "main.index") -> str:
    r"""Only same-site relative paths are followed after login.

    Browsers read a backslash as a slash and drop tabs and newlines, so "/\evil.example"
    and "/\t/evil.example" would lead to another site: such targets are refused too.
    """
    if target and not any(ch == "\\" or ord(ch) < 32 for ch in target):
        parts = urlsplit(target)
        if (not parts.scheme and not parts.netloc and target.startswith("/")
                and not target.startswith("//")):
            return target
    return url_for(default)


def _send_confirmation(user) -> None:
    link = external_url("accounts.confirm", token=services.confirmation_token(user, _secrets()))
    send_mail(
        user.email,
        _("Confirm your e-mail for the participatory budget portal"),
        _("Hello, %(name)s!\n\nTo confirm your e-mail, open this link within 48 hours:\n"
          "%(link)s\n\nIf you did not register, ignore this message.",
          name=user.display_name, link=link),
    )


def _send_already_registered(user) -> None:
    send_mail(
        user.email,
        _("Someone tried to register with your e-mail on the participatory budget portal"),
        _("Hello, %(name)s!\n\nSomeone tried to register a new account on the participatory "
          "budget portal with this e-mail. You already have an account, so nothing was "
          "created.\n\nIf it was you, log in:\n%(login)s\nor, if you do not remember the "
          "password, set a new one:\n%(forgot)s\n\nIf it was not you, ignore this message; "
          "your account stays as it is.",
          name=user.display_name, login=external_url("accounts.login"),
          forgot=external_url("accounts.forgot")),
    )


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], scope="register")
def register():
    """A new account, or, for an address that has one, a mail to its owner: the page says
    the same either way, so registering cannot tell anyone which addresses have accounts
    (the login and reset forms do not either). Nobody is logged in by registering: the
    link in the mail confirms the address, then the person logs in."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    form = RegisterForm.from_request()
    if form.submitted_and_valid:
        session_ = db_session()
        try:
            user = services.register(
                session_, email=form.email.data, password=form.password.data,
                display_name=form.display_name.data, locale=str(_current_locale()), now=utcnow(),
            )
        except Refused as refused:
            if refused.code != "email_taken":
                show_refusal(refused, form)
                return render_template("accounts/register.html", form=form)
            owner = services.find_user_by_email(session_, form.email.data)
            if owner is not None and owner.active:
                _send_already_registered(owner)
        else:
            _send_confirmation(user)
        flash(_("We sent a message to %(email)s. Open the link in it to confirm the address, "
                "then log in.", email=normalize_email(form.email.data)), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/register.html", form=form)


def _current_locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "uk")


@bp.route("/confirm/<token>")
def confirm(token: str):
    try:
        user = services.confirm_email(db_session(), token=token, secrets=_secrets(),
                                      now=utcnow())
    except Refused as refused:
        show_refusal(refused)
        return redirect(url_for("accounts.unconfirmed" if current_user.is_authenticated
                                else "accounts.login"))
    flash(_("Your e-mail is confirmed."), "success")
    if current_user.is_authenticated and current_user.id == user.id:
        return redirect(url_for("accounts.profile"))
    return redirect(url_for("accounts.login"))


@bp.route("/confirm", methods=["GET", "POST"])
@login_required
def unconfirmed():
    form = ActionForm.from_request()
    if current_user.email_confirmed:
        return redirect(url_for("accounts.profile"))
    if current_user.email is None:
        return redirect(url_for("accounts.add_email"))
    if form.submitted_and_valid:
        _send_confirmation(current_user)
        flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email),
              "success")
        return redirect(url_for("accounts.unconfirmed"))
    return render_template("accounts/unconfirmed.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm.from_request()
    if form.submitted_and_valid:
        throttle = LoginThrottle.of(current_app.config, email=form.email.data,
                                    address=request.remote_addr)
        try:
            throttle.check()
        except Refused as refused:
            show_refusal(refused, form)
            return render_template("accounts/login.html", form=form), 429
        try:
            user = services.authenticate(db_session(), email=form.email.data,
                                         password=form.password.data, now=utcnow())
        except Refused as refused:
            throttle.failed()
            show_refusal(refused, form)
        else:
            session.clear()
            log_in(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    form = ActionForm.from_request()
    if form.validate():
        log_out()
        flash(_("You have logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], scope="forgot")
def forgot():
    form = EmailForm.from_request()
    if form.submitted_and_valid:
        user = services.find_user_by_email(db_session(), form.email.data)
        if user is not None and user.active:
            link = external_url("accounts.reset", token=services.reset_token(user, _secrets()))
            send_mail(
                user.email,
                _("Reset your password on the participatory budget portal"),
                _("Hello, %(name)s!\n\nTo set a new password, open this link within 2 hours:\n"
                  "%(link)s\n\nIf you did not ask for it, ignore this message; your password "
                  "stays the same.", name=user.display_name, link=link),
            )
        # The same answer whether or not the address has an account.
        flash(_("If an account with this e-mail exists, we sent it a link to set a new "
                "password."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    session_ = db_session()
    try:
        user = services.user_for_reset_token(session_, token=token, secrets=_secrets())
    except Refused as refused:
        show_refusal(refused)
        return redirect(url_for("accounts.forgot"))
    form = ResetPasswordForm.from_request()
    if form.submitted_and_valid:
        try:
            services.set_password(session_, user=user, password=form.password.data,
                                  actor=user, now=utcnow(), reason="reset")
        except Refused as refused:
            show_refusal(refused, form)
        else:
            log_out()
            flash(_("Your new password is set. Log in with it."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


def _profile_page(password_form: ChangePasswordForm):
    this_session = current_account_session()
    active = sessions.active_sessions(db_session(), user=current_user, now=utcnow(),
                                      limits=session_limits(current_app.config))
    return render_template(
        "accounts/profile.html",
        password_form=password_form,
        language_form=LanguageForm(language=current_user.locale or _current_locale()),
        sessions_form=ActionForm(),
        # This device first, then the others, the most recently active first.
        sessions=sorted(active, key=lambda item: item is not this_session),
        this_session=this_session,
        idle_minutes=round(current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds() / 60),
    )


@bp.route("/profile")
@login_required
def profile():
    return _profile_page(ChangePasswordForm())


@bp.route("/profile/email", methods=["GET", "POST"])
@login_required
def add_email():
    """The e-mail of an account made by an e-ID sign-in: optional, asked right after it.

    An address lets the portal write (decisions on one's projects, a new password); it is
    confirmed by the link mailed to it. "Not now" goes where the person was going."""
    target = safe_next(request.args.get("next"), "accounts.profile")
    if current_user.has_password:
        # An account with a password changes nothing here: its address is its login, and
        # moving it would hand the password reset to whoever holds this browser.
        return redirect(url_for("accounts.profile"))
    form = EmailForm.from_request()
    if form.submitted_and_valid:
        try:
            services.set_email(db_session(), user=current_user, email=form.email.data,
                               now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            user = current_user._get_current_object()
            _send_confirmation(user)
            flash(_("We sent a message to %(email)s. Open the link in it to confirm the "
                    "address.", email=user.email), "success")
            return redirect(target)
    return render_template("accounts/add_email.html", form=form, target=target)


@bp.route("/profile/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm.from_request()
    if form.validate():
        try:
            services.change_password(db_session(), user=current_user,
                                     current=form.current_password.data,
                                     new=form.password.data, now=utcnow(),
                                     keep=current_account_session())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            flash(_("Your password is changed. You were logged out on your other devices."),
                  "success")
            return redirect(url_for("accounts.profile"))
    return _profile_page(form), 400


@bp.route("/profile/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    form = ActionForm.from_request()
    if form.validate():
        sessions.end_sessions(db_session(), user=current_user, now=utcnow(),
                              keep=current_account_session())
        flash(_("You were logged out on your other devices."), "success")
    else:
        form.flash_errors()
    return redirect(url_for("accounts.profile"))


@bp.route("/profile/sessions/end-all", methods=["POST"])
@login_required
def end_all_sessions():
    form = ActionForm.from_request()
    if not form.validate():
        form.flash_errors()
        return redirect(url_for("accounts.profile"))
    sessions.end_sessions(db_session(), user=current_user, now=utcnow())
    log_out()
    flash(_("You were logged out on all your devices, this one too."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/language", methods=["POST"])
def language():
    form = LanguageForm.from_request()
    if form.validate():
        session["locale"] = form.language.data
        if current_user.is_authenticated:
            services.set_locale(db_session(), user=current_user, locale=form.language.data)
    return redirect(safe_next(request.form.get("next")))
