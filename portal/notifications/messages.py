"""The words of notices: each kind's name (for the settings) and its sentence."""

from __future__ import annotations

from typing import Any

from portal.i18n import _, _l
from portal.notifications.rules import Delivery, NoticeKind

KIND_LABELS = {
    NoticeKind.SUBMISSION_OPENED: _l("Submission of projects opens in a cycle you follow"),
    NoticeKind.VOTING_OPENED: _l("Voting opens"),
    NoticeKind.VOTING_CLOSING: _l("Two days before voting closes, if you have not voted yet"),
    NoticeKind.RESULTS_PUBLISHED: _l("Results of a vote are published"),
    NoticeKind.EXPERTISE: _l("Expert review of a project you follow"),
    NoticeKind.DECISION: _l("The commission's decision on a project you follow"),
    NoticeKind.VOTING_RESULT: _l("Whether a project you follow won the vote"),
    NoticeKind.FUNDING: _l("Funding of a winning project you follow"),
    NoticeKind.IMPLEMENTATION_UPDATE: _l("News of the implementation of a project you follow"),
    NoticeKind.COMPLAINT_RULING: _l("The commission's ruling on a complaint"),
    NoticeKind.COMMENT: _l("New comments on a project you follow"),
}

DELIVERY_LABELS = {
    Delivery.IMMEDIATE: _l("In the portal and by e-mail at once"),
    Delivery.DAILY: _l("In the portal and in a daily e-mail"),
    Delivery.WEEKLY: _l("In the portal and in a weekly e-mail"),
    Delivery.PORTAL: _l("In the portal only"),
    Delivery.OFF: _l("Not at all"),
}

OUTCOMES = {
    "admit": _l("admitted to the vote"),
    "reject": _l("rejected"),
    "return_for_revision": _l("returned to the author for revision"),
    "select_winner": _l("won the vote"),
    "mark_not_selected": _l("did not win the vote"),
    "complaint_upheld": _l("the complaint is upheld"),
    "uphold_complaint": _l("the complaint is upheld"),
    "uphold_complaint_for_review": _l("the complaint is upheld; the project is reviewed again"),
    "complaint_dismissed": _l("the complaint is dismissed"),
}


def notice_text(kind: NoticeKind, params: dict[str, Any]) -> str:
    """The sentence of one notice, in the current language."""
    title = params.get("title", "")
    outcome = str(OUTCOMES.get(params.get("outcome", ""), ""))
    if kind is NoticeKind.SUBMISSION_OPENED:
        return _("Submission of projects is open in «%(title)s».", title=title)
    if kind is NoticeKind.VOTING_OPENED:
        return _("Voting is open in «%(title)s»: choose the projects you support.", title=title)
    if kind is NoticeKind.VOTING_CLOSING:
        return _("Voting in «%(title)s» closes in two days. You have not voted yet.",
                 title=title)
    if kind is NoticeKind.RESULTS_PUBLISHED:
        return _("The results of the vote in «%(title)s» are published.", title=title)
    if kind is NoticeKind.EXPERTISE:
        return _("The expert review of the project «%(title)s» is concluded.", title=title)
    if kind is NoticeKind.DECISION:
        return _("The commission decided on the project «%(title)s»: %(outcome)s.",
                 title=title, outcome=outcome)
    if kind is NoticeKind.VOTING_RESULT:
        return _("The project «%(title)s» %(outcome)s.", title=title, outcome=outcome)
    if kind is NoticeKind.FUNDING:
        return _("The project «%(title)s» is funded: it is a line of the city's program now.",
                 title=title)
    if kind is NoticeKind.IMPLEMENTATION_UPDATE:
        return _("News of the implementation of the project «%(title)s».", title=title)
    if kind is NoticeKind.COMPLAINT_RULING:
        return _("The commission ruled on the complaint about the project «%(title)s»: "
                 "%(outcome)s.", title=title, outcome=outcome)
    return _("New comment on the project «%(title)s».", title=title)
