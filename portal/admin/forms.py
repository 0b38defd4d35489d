"""Forms of the administration pages."""

from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from portal.accounts.models import ROLE_LABELS, Role
from portal.forms import BaseForm
from portal.i18n import _l


class RoleForm(BaseForm):
    role = SelectField(_l("Role"), [InputRequired()],
                       choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in Role])


class UserSearchForm(BaseForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("E-mail or name"), [Optional(), Length(max=254)])
