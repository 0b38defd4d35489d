"""The protocol of a commission meeting, composed once and printed three ways.

:func:`build_protocol` reads a meeting and writes every sentence of its protocol in the
shape Ukrainian commissions use: the heading "ПРОТОКОЛ № N засідання комісії з питань
бюджету участі", date and place, the members present and the quorum, "ПОРЯДОК ДЕННИЙ",
then for each item "СЛУХАЛИ / ВИРІШИЛИ / Голосували: за — N, проти — N, утрималися — N",
and the signatures of the chair and the secretary. The HTML print view, the DOCX and the
PDF (``portal.review.documents``) all print this one :class:`Protocol`, so they cannot
differ.

A protocol is an official document of a local self-government body and is written in the
state language, so it is composed in Ukrainian whatever the reader's interface language;
every sentence still goes through gettext and has an English text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import force_locale, format_date, ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.i18n import _
from portal.money import format_hryvnias
from portal.projects.models import Project
from portal.review.messages import REASON_LABELS
from portal.review.models import Decision, Meeting, MeetingStatus, SeatRole
from portal.review.rules import DecisionKind
from portal.review.services import latest_expertise, seats_of

PROTOCOL_LOCALE = "uk"


@dataclass(frozen=True)
class Member:
    name: str
    role: str  # "голова комісії", "член комісії"
    position: str  # the member's post outside the commission


@dataclass(frozen=True)
class Decided:
    """One decision under an item: what was decided and how the members voted."""

    text: str
    votes: str
    outcome: str


@dataclass(frozen=True)
class Item:
    number: int
    subject: str  # the agenda line
    heard: str  # СЛУХАЛИ
    decided: list[Decided] = field(default_factory=list)  # ВИРІШИЛИ (none: postponed)


@dataclass(frozen=True)
class Labels:
    """The fixed words of the form, in the protocol's language."""

    present: str
    absent: str
    agenda: str
    course: str
    heard: str
    decided: str
    postponed: str
    presiding: str
    secretary: str
    draft: str


@dataclass(frozen=True)
class Protocol:
    community: str
    title: str
    subtitle: str
    date_text: str
    place: str
    cycle_name: str
    present: list[Member]
    absent: list[Member]
    quorum_text: str
    agenda_intro: str
    items: list[Item]
    minutes: str
    presiding: str
    secretary: str
    labels: Labels
    draft: bool
    file_stem: str


def _long_date(value: date) -> str:
    return format_date(value, "long")


def _votes(decision: Decision) -> str:
    return _("Voted: for — %(votes_for)d, against — %(votes_against)d, "
             "abstained — %(abstained)d.", votes_for=decision.votes_for,
             votes_against=decision.votes_against, abstained=decision.abstained)


def decision_text(decision: Decision) -> str:
    """What the commission decided, as the protocol's ВИРІШИЛИ says it."""
    kind, text = decision.kind, decision.reason_text
    data = decision.data
    if kind is DecisionKind.ADMIT:
        sentence = _("To admit the project to the vote.")
    elif kind is DecisionKind.RETURN_FOR_REVISION:
        sentence = _("To return the project to the author for revision by %(date)s.",
                     date=_long_date(decision.revision_deadline))  # type: ignore[arg-type]
    elif kind is DecisionKind.REJECT:
        sentence = _("To reject the project on the ground: %(reason)s.",
                     reason=str(REASON_LABELS[decision.reason]))  # type: ignore[index]
    elif kind is DecisionKind.COMPLAINT_UPHELD:
        sentence = (_("To uphold the author's complaint and admit the project to the vote.")
                    if data.get("readmit", True) else
                    _("To uphold the author's complaint and consider the project again."))
    elif kind is DecisionKind.COMPLAINT_DISMISSED:
        sentence = _("To dismiss the author's complaint.")
    elif kind is DecisionKind.APPROVE_RESULTS:
        sentence = _("To approve the results of the vote.")
    elif kind is DecisionKind.ANNUL_BALLOTS:
        ballots = [str(b) for b in data.get("ballots", [])]
        sentence = ngettext("To annul %(num)d ballot: No. %(ids)s.",
                            "To annul %(num)d ballots: No. %(ids)s.", len(ballots),
                            ids=", ".join(ballots))
    else:
        sentence = _("To settle the order of projects with equal votes by lot; the seed of "
                     "the lot is %(seed)s.", seed=data.get("seed", ""))
    parts = [sentence, text]
    if decision.supersedes is not None:
        earlier = decision.supersedes
        parts.append(_("This decision corrects the decision of meeting No. %(number)d of "
                       "%(date)s.", number=earlier.meeting.number,
                       date=_long_date(earlier.meeting.held_on)))
    return " ".join(p for p in parts if p)


def _cycle_subject(kind: DecisionKind) -> str:
    if kind is DecisionKind.APPROVE_RESULTS:
        return _("On the approval of the results of the vote")
    if kind is DecisionKind.ANNUL_BALLOTS:
        return _("On annulling ballots")
    return _("On drawing lots between projects with equal votes")


def _project_heard(session: Session, project: Project) -> str:
    heard = _("The secretary of the commission on project No. %(code)s «%(title)s» "
              "(author: %(author)s; category «%(category)s»; cost by the author's "
              "estimate: %(cost)s).", code=project.registration_code or project.id,
              title=project.title, author=project.author.display_name,
              category=project.category.name, cost=format_hryvnias(project.total_cost))
    expertise = latest_expertise(session, project)
    if expertise is None:
        return heard
    verdict = (_("the project can be implemented") if expertise.feasible
               else _("the project cannot be implemented"))
    return " ".join([heard, _(
        "Conclusion of the expertise (%(department)s): %(verdict)s; adjusted cost: "
        "%(cost)s. %(conclusion)s", department=expertise.department, verdict=verdict,
        cost=format_hryvnias(expertise.adjusted_total), conclusion=expertise.conclusion)])


def _items(session: Session, meeting: Meeting) -> list[Item]:
    decided_here: dict[int | None, list[Decision]] = {}
    for decision in meeting.decisions:
        decided_here.setdefault(decision.project_id, []).append(decision)
    outcome = _("The decision is taken.")

    def lines(found: list[Decision]) -> list[Decided]:
        return [Decided(decision_text(d), _votes(d), outcome) for d in found]

    projects = {p.id: p for p in session.execute(select(Project).where(
        Project.id.in_([i.project_id for i in meeting.agenda_items]))).scalars()}
    items = []
    for item in meeting.agenda_items:
        project = projects[item.project_id]
        subject = _("On project No. %(code)s «%(title)s»",
                    code=project.registration_code or project.id, title=project.title)
        items.append(Item(len(items) + 1, subject, _project_heard(session, project),
                          lines(decided_here.get(project.id, []))))
    for decision in decided_here.get(None, []):
        subject = _cycle_subject(decision.kind)
        items.append(Item(len(items) + 1, subject, subject, lines([decision])))
    return items


def build_protocol(
    session: Session, meeting: Meeting, *, community: str, locale: str = PROTOCOL_LOCALE,
) -> Protocol:
    """Compose the protocol of ``meeting`` in ``locale`` (Ukrainian unless a test asks)."""
    with force_locale(locale):
        return _build(session, meeting, community)


def _build(session: Session, meeting: Meeting, community: str) -> Protocol:
    seats = seats_of(session, meeting.cycle)
    present_ids = {a.seat_id for a in meeting.attendance}

    def member(seat) -> Member:
        return Member(seat.name, seat.role.label, seat.position)

    present = [member(s) for s in seats if s.id in present_ids]
    absent = [member(s) for s in seats if s.id not in present_ids]
    size = meeting.seats if meeting.seats is not None else len(seats)
    quorum = 2 * len(present) > size
    quorum_text = (_("Present: %(present)d of %(seats)d members of the commission. There is "
                     "a quorum; the meeting is competent.", present=len(present), seats=size)
                   if quorum else
                   _("Present: %(present)d of %(seats)d members of the commission. There is "
                     "no quorum.", present=len(present), seats=size))
    by_role = {s.role: s for s in seats}
    chair, deputy = by_role.get(SeatRole.CHAIR), by_role.get(SeatRole.DEPUTY_CHAIR)
    presiding = chair if chair is None or chair.id in present_ids or deputy is None else deputy
    secretary = by_role.get(SeatRole.SECRETARY)
    labels = Labels(
        present=_("Present members of the commission:"),
        absent=_("Absent:"),
        agenda=_("AGENDA:"),
        course=_("Course of the meeting:"),
        heard=_("HEARD:"),
        decided=_("DECIDED:"),
        postponed=_("The consideration is postponed."),
        presiding=(_("Chair of the commission") if presiding is chair
                   else _("Presiding at the meeting")),
        secretary=_("Secretary of the commission"),
        draft=_("DRAFT: the meeting has not been held yet"),
    )
    return Protocol(
        community=community,
        title=_("PROTOCOL No. %(number)d", number=meeting.number),
        subtitle=_("of the meeting of the participatory budget commission"),
        date_text=_long_date(meeting.held_on),
        place=meeting.place,
        cycle_name=meeting.cycle.name,
        present=present,
        absent=absent,
        quorum_text=quorum_text,
        agenda_intro=meeting.agenda,
        items=_items(session, meeting),
        minutes=meeting.minutes,
        presiding=presiding.name if presiding else "",
        secretary=secretary.name if secretary else "",
        labels=labels,
        draft=meeting.status is MeetingStatus.DRAFT,
        file_stem=f"protocol-{meeting.held_on.isoformat()}-{meeting.number}",
    )
