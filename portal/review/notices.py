"""E-mails to authors about the commission's decisions, sent after the commit.

Each message is written in the recipient's own language, not the language of the
commission member who recorded the decision.
"""

from __future__ import annotations

from flask_babel import force_locale, format_date

from portal.i18n import _
from portal.links import external_url
from portal.mail import send_mail
from portal.review.decisions import Notice
from portal.review.messages import KIND_LABELS, REASON_LABELS
from portal.review.rules import DecisionKind


def _body(notice: Notice) -> str:
    decision, project = notice.decision, notice.project
    lines = [
        _("Hello, %(name)s!", name=notice.user.display_name),
        "",
        _("The participatory budget commission decided on your project «%(title)s» at its "
          "meeting No. %(number)d of %(date)s: %(decision)s.", title=project.title,
          number=decision.meeting.number, date=format_date(decision.meeting.held_on, "long"),
          decision=str(KIND_LABELS[decision.kind]).lower()),
    ]
    if decision.kind is DecisionKind.REJECT and decision.reason is not None:
        lines.append(_("Ground: %(reason)s.", reason=REASON_LABELS[decision.reason]))
    if decision.reason_text:
        lines += ["", decision.reason_text]
    if decision.kind is DecisionKind.RETURN_FOR_REVISION and decision.revision_deadline:
        lines += ["", _("Please revise the project and submit it again by %(date)s "
                        "inclusive.", date=format_date(decision.revision_deadline, "long"))]
    if decision.kind is DecisionKind.REJECT:
        days = project.cycle.complaint_days
        if days > 0:
            lines += ["", _("You may contest the rejection within %(days)d days on the "
                            "project's review page.", days=days)]
    lines += [
        "",
        _("Votes: for — %(votes_for)d, against — %(votes_against)d, abstained — "
          "%(abstained)d.", votes_for=decision.votes_for,
          votes_against=decision.votes_against, abstained=decision.abstained),
        "",
        external_url("review.project_review", project_id=project.id),
    ]
    return "\n".join(lines)


def send_decision_notices(notices: list[Notice]) -> None:
    """Send one e-mail per notice, each in its recipient's language."""
    for notice in notices:
        if notice.user.email is None:  # an e-ID account whose owner gave no address
            continue
        with force_locale(notice.user.locale or "uk"):
            subject = _("Decision of the commission on your project «%(title)s»",
                        title=notice.project.title)
            body = _body(notice)
        send_mail(notice.user.email, subject, body)
