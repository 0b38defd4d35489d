"""The words of the discussion: the marks of who speaks, the moderators' reasons, and the
problems the discussion's services refuse with."""

from portal.discussion.rules import DiscussionProblem, HideReason, Voice
from portal.i18n import _l
from portal.refusal import Catalogue

#: The mark beside a comment written in an office or by the project's team.
VOICES = {
    Voice.AUTHOR: _l("Author of the project"),
    Voice.COAUTHOR: _l("Co-author of the project"),
    Voice.DEPARTMENT: _l("City department"),
    Voice.COMMISSION: _l("Commission"),
}

HIDE_REASONS = {
    HideReason.INSULT: _l("insults"),
    HideReason.SPAM: _l("spam or advertising"),
    HideReason.PERSONAL_DATA: _l("personal data"),
    HideReason.OFF_TOPIC: _l("not about the project"),
    HideReason.OTHER: _l("other reason"),
}

PROBLEMS = Catalogue({
    DiscussionProblem.NOT_SIGNED_IN: _l("Log in to take part in the discussion."),
    DiscussionProblem.NOT_VERIFIED: _l("Only residents with a verified account can comment. "
                                       "Verify your account first."),
    DiscussionProblem.CLOSED: _l("The discussion of this project is closed."),
    DiscussionProblem.EMPTY: _l("Write the comment."),
    DiscussionProblem.TOO_LONG: _l("A comment may be at most %(limit)d characters long."),
    DiscussionProblem.NOTE_TOO_LONG: _l("The note may be at most %(limit)d characters long."),
    DiscussionProblem.REPLY_TO_REPLY: _l("Replies are one level deep: answer the comment "
                                         "the reply belongs to."),
    DiscussionProblem.PARENT_ELSEWHERE: _l("This comment belongs to another project."),
    DiscussionProblem.PARENT_HIDDEN: _l("A comment hidden by moderation cannot be answered."),
    DiscussionProblem.TOO_MANY: _l("You have already posted as many comments as one account "
                                   "may in an hour (%(limit)d). Please post again later; "
                                   "nothing was published."),
    DiscussionProblem.NOT_AUTHOR: _l("Only the person who wrote a comment can edit it."),
    DiscussionProblem.HIDDEN: _l("A comment hidden by moderation cannot be edited."),
    DiscussionProblem.UNCHANGED: _l("The text is the same as before; nothing was changed."),
    DiscussionProblem.OWN_COMMENT: _l("You cannot report your own comment."),
    DiscussionProblem.ALREADY_REPORTED: _l("You have already reported this comment; the "
                                           "moderators will look at it."),
    DiscussionProblem.NOT_MODERATOR: _l("Only the commission and the department's staff "
                                        "moderate the discussion."),
    DiscussionProblem.ALREADY_HIDDEN: _l("This comment is already hidden."),
    DiscussionProblem.NOT_HIDDEN: _l("This comment is not hidden."),
    DiscussionProblem.NOTE_REQUIRED: _l("Explain the reason in the note when it is “other "
                                        "reason”."),
    DiscussionProblem.NO_REPORTS: _l("This comment has no open reports."),
})


def voice_label(voice: Voice) -> str:
    """The mark of a comment's writer, or "" for a resident (no mark)."""
    return str(VOICES.get(Voice(voice), ""))


def hide_reason_label(reason: HideReason) -> str:
    return str(HIDE_REASONS[HideReason(reason)])
