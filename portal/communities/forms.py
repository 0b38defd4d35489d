"""The form a platform administrator adds a community with."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, FileField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.forms import BaseForm
from portal.i18n import _l


class CommunityForm(BaseForm):
    code = StringField(_l("КАТОТТГ code"), [InputRequired(), Length(max=19)],
                       description=_l("\"UA\" and 17 digits, from the codifier of "
                                      "administrative-territorial units; it never changes."),
                       render_kw={"autocomplete": "off", "spellcheck": "false"})
    name = StringField(_l("Name"), [InputRequired(), Length(max=200)],
                       description=_l("As in the council's documents: Хмільницька міська "
                                      "територіальна громада."))
    name_en = StringField(_l("Name in English"), [Optional(), Length(max=200)])
    slug = StringField(_l("Address on the platform"), [InputRequired(), Length(max=40)],
                       description=_l("The community's pages are at /ADDRESS/ on the "
                                      "platform: small Latin letters, digits and hyphens."),
                       render_kw={"autocomplete": "off", "spellcheck": "false"})
    localities = TextAreaField(_l("Settlements"), [Optional(), Length(max=20_000)],
                               description=_l("One per line: an e-ID address in one of them "
                                              "counts as residence."))
    domains = StringField(_l("Its own domains"), [Optional(), Length(max=1000)],
                          description=_l("Optional, separated by spaces: the community's "
                                         "pages are served there without the prefix."))
    admits_displaced = BooleanField(_l("Internally displaced persons registered here take "
                                       "part"))
    admin_email = EmailField(_l("E-mail of its first administrator"),
                             [Optional(), Length(max=254)],
                             description=_l("An account with this address becomes the "
                                            "community's administrator; one is made, and "
                                            "told by mail how to set its password, if "
                                            "there is none."))
    admin_name = StringField(_l("The administrator's name"), [Optional(), Length(max=120)])


class SettingsForm(BaseForm):
    """What a community's own administrator sets of it (the code and address are the
    platform's)."""

    name = StringField(_l("Name"), [InputRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), [Optional(), Length(max=200)])
    localities = TextAreaField(_l("Settlements"), [Optional(), Length(max=20_000)],
                               description=_l("One per line: an e-ID address in one of them "
                                              "counts as residence."))
    mail_sender = StringField(
        _l("Mail is sent as"), [Optional(), Length(max=254)],
        # The hints are markup (a lazy string is safe to Jinja): the brackets as entities.
        description=_l("Name and address, e.g. Бахмутська міська рада "
                       "&lt;pb@bakhmut-rada.gov.ua&gt;; empty: the platform's own sender. The "
                       "mail server must be allowed to send for that address."))
    signature_lines = TextAreaField(
        _l("Signatures under the program reports"), [Optional(), Length(max=2_000)],
        description=_l("One per line, the position and the name apart by a vertical bar, "
                       "e.g. Секретар Бахмутської міської ради | С.І. Кіщенко; printed at the "
                       "end of every annual and periodic report, in this order."))
    admits_displaced = BooleanField(_l("Internally displaced persons registered here take "
                                       "part"))
    emblem = FileField(_l("Emblem"), description=_l("PNG or SVG, at most 200 KB: shown in the "
                                                   "header beside the community's name."))
    remove_emblem = BooleanField(_l("Remove the emblem"))
