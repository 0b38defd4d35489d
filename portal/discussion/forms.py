"""Forms of the discussion. The length and emptiness of a text are the services' to refuse
(one message, in one place), so the text fields carry no validators of their own."""

from __future__ import annotations

from wtforms import SelectChoice, SelectField, TextAreaField

from portal.discussion.messages import HIDE_REASONS
from portal.discussion.rules import MAX_LENGTH, MAX_NOTE_LENGTH, HideReason
from portal.forms import BaseForm
from portal.i18n import _l


class CommentForm(BaseForm):
    text = TextAreaField(_l("Your comment"),
                         description=_l("Plain text; web addresses become links. Be polite: "
                                        "moderators hide insults, spam, personal data and "
                                        "comments not about the project."),
                         render_kw={"rows": 4, "maxlength": MAX_LENGTH})


class ReplyForm(BaseForm):
    text = TextAreaField(_l("Your reply"), render_kw={"rows": 3, "maxlength": MAX_LENGTH})


class EditForm(BaseForm):
    text = TextAreaField(_l("Text of the comment"),
                         description=_l("The earlier text is kept on record; the comment is "
                                        "marked as edited."),
                         render_kw={"rows": 6, "maxlength": MAX_LENGTH})


class ReportForm(BaseForm):
    note = TextAreaField(_l("What is wrong with this comment? (optional)"),
                         render_kw={"rows": 2, "maxlength": MAX_NOTE_LENGTH})


class HideForm(BaseForm):
    reason = SelectField(_l("Reason"), choices=[SelectChoice(reason.value, label)
                                               for reason, label in HIDE_REASONS.items()],
                         default=HideReason.INSULT.value)
    note = TextAreaField(_l("Note"), description=_l("Required for “other reason”; shown with "
                                                    "the hidden comment."),
                         render_kw={"rows": 2, "maxlength": MAX_NOTE_LENGTH})
