"""Registration, e-mail confirmation, login, password reset and the profile."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import services
from portal.accounts.forms import (
    ChangePasswordForm,
    EmailForm,
    LanguageForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from portal.accounts.rules import normalize_email
from portal.clock import utcnow
from portal.db import after_commit, db_session
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


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    form = RegisterForm.from_request()
    if form.submitted_and_valid:
        try:
            user = services.register(
                db_session(), email=form.email.data, password=form.password.data,
                display_name=form.display_name.data, locale=str(_current_locale()), now=utcnow(),
            )
        except Refused as refused:
            show_refusal(refused, form)
        else:
            after_commit(lambda: _send_confirmation(user))
            login_user(user)
            flash(_("Your account is created. We sent a confirmation link to %(email)s.",
                    email=user.email), "success")
            return redirect(url_for("accounts.unconfirmed"))
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
    if form.submitted_and_valid:
        _send_confirmation(current_user)
        flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email),
              "success")
        return redirect(url_for("accounts.unconfirmed"))
    return render_template("accounts/unconfirmed.html", form=form)


def _login_failed(response) -> bool:
    return bool(g.get("login_failed"))


def _account_key() -> str:
    return "login-account:" + normalize_email(request.form.get("email", ""))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_login_failed, scope="login-address")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_account_key, deduct_when=_login_failed, scope="login-account")
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm.from_request()
    if form.submitted_and_valid:
        try:
            user = services.authenticate(db_session(), email=form.email.data,
                                         password=form.password.data, now=utcnow())
        except Refused as refused:
            g.login_failed = True
            show_refusal(refused, form)
        else:
            session.clear()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    form = ActionForm.from_request()
    if form.validate():
        logout_user()
        session.clear()
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
            logout_user()
            flash(_("Your new password is set. Log in with it."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


@bp.route("/profile")
@login_required
def profile():
    return render_template(
        "accounts/profile.html",
        password_form=ChangePasswordForm(),
        language_form=LanguageForm(language=current_user.locale or _current_locale()),
    )


@bp.route("/profile/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm.from_request()
    if form.validate():
        try:
            services.change_password(db_session(), user=current_user,
                                     current=form.current_password.data,
                                     new=form.password.data, now=utcnow())
        except Refused as refused:
            show_refusal(refused, form)
        else:
            # The stamp changed: keep this session, end the others.
            login_user(current_user._get_current_object())
            flash(_("Your password is changed."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/profile.html", password_form=form,
        language_form=LanguageForm(language=current_user.locale or "uk"),
    ), 400


@bp.route("/language", methods=["POST"])
def language():
    form = LanguageForm.from_request()
    if form.validate():
        session["locale"] = form.language.data
        if current_user.is_authenticated:
            services.set_locale(db_session(), user=current_user, locale=form.language.data)
    return redirect(safe_next(request.form.get("next")))
