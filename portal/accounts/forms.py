"""Forms of accounts, and of their administration."""

from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional

from portal.accounts.models import ROLE_LABELS, Role
from portal.forms import BaseForm
from portal.i18n import _l

LANGUAGE_CHOICES = [SelectChoice("uk", "Українська"), SelectChoice("en", "English")]


class RegisterForm(BaseForm):
    display_name = StringField(_l("Name"), [InputRequired(), Length(max=120)],
                               render_kw={"autocomplete": "name"})
    email = EmailField(_l("E-mail"), [InputRequired(), Email(), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    password = PasswordField(
        _l("Password"), [InputRequired()],
        description=_l("At least 10 characters; a phrase of several words works well."),
        render_kw={"autocomplete": "new-password"},
    )
    password_again = PasswordField(
        _l("Password again"),
        [InputRequired(), EqualTo("password", message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(BaseForm):
    email = EmailField(_l("E-mail"), [InputRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), [InputRequired()],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me logged in on this device"))


class EmailForm(BaseForm):
    email = EmailField(_l("E-mail"), [InputRequired(), Email(), Length(max=254)],
                       render_kw={"autocomplete": "email"})


def _new_password_fields() -> tuple[PasswordField, PasswordField]:
    """A new password typed twice. Fresh fields each call: WTForms orders a form's fields
    by when they were made, so a form can put other fields before these."""
    return (
        PasswordField(_l("New password"), [InputRequired()],
                      render_kw={"autocomplete": "new-password"}),
        PasswordField(
            _l("New password again"),
            [InputRequired(), EqualTo("password", message=_l("The passwords do not match."))],
            render_kw={"autocomplete": "new-password"},
        ),
    )


class ResetPasswordForm(BaseForm):
    password, password_again = _new_password_fields()


class ChangePasswordForm(BaseForm):
    # The current password comes first, as people expect when changing it.
    current_password = PasswordField(_l("Current password"), [InputRequired()],
                                     render_kw={"autocomplete": "current-password"})
    password, password_again = _new_password_fields()


class LanguageForm(BaseForm):
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)


class RoleForm(BaseForm):
    role = SelectField(_l("Role"), [InputRequired()],
                       choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role])


class UserSearchForm(BaseForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("E-mail or name"), [Optional(), Length(max=254)])
