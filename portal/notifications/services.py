"""Following, and telling people: who is told what, stored as notices, mailed as each chose.

A notice never says how, or whether, anyone but its addressee voted: voters follow the
cycle they voted in, never the projects on their ballot, and "voting closes in two days"
goes to the verified residents who have not voted, each about themselves only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, and_, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.i18n import _
from portal.jobs import enqueue_after_commit
from portal.links import external_url
from portal.mail import send_mail, write_mails
from portal.notifications.messages import notice_text
from portal.notifications.models import Follow, Notice, Preference
from portal.notifications.rules import (
    DEFAULTS,
    PROJECT_EVENTS,
    Delivery,
    FollowReason,
    FollowTarget,
    NoticeKind,
)
from portal.tenancy.routing import here

#: Where a notice's link leads, by what it is about.
LINKS = {FollowTarget.PROJECT: ("projects.page", "project_id"),
         FollowTarget.CYCLE: ("main.cycle", "cycle_id")}


# ---- following ---------------------------------------------------------------------------

def following(session: Session, user_id: int, target: FollowTarget, target_id: int, *,
              took_part: bool = False) -> bool:
    """Whether the person follows ``target``: by a row, or (``took_part``: a voter in the
    cycle) by taking part, unless they stopped."""
    row = session.execute(select(Follow.stopped_at).where(
        Follow.user_id == user_id, Follow.target == target,
        Follow.target_id == target_id)).first()
    if row is None:
        return took_part
    return row.stopped_at is None


def _row(session: Session, user_id: int, target: FollowTarget, target_id: int) -> Follow | None:
    return session.scalar(select(Follow).where(
        Follow.user_id == user_id, Follow.target == target, Follow.target_id == target_id))


def _set_following(session: Session, *, user: User, target: FollowTarget, target_id: int,
                   now: datetime, on: bool) -> None:
    found = _row(session, user.id, target, target_id)
    if found is None:
        # Stopping without a row: a voter following their cycle by having voted.
        session.add(Follow(user_id=user.id, target=target, target_id=target_id,
                           reason=FollowReason.CHOSEN if on else FollowReason.VOTER,
                           created_at=now, stopped_at=None if on else now))
    elif on and found.stopped_at is not None:
        found.stopped_at, found.reason = None, FollowReason.CHOSEN
    elif not on and found.stopped_at is None:
        found.stopped_at = now
    session.flush()


def follow(session: Session, *, user: User, target: FollowTarget, target_id: int,
           now: datetime) -> None:
    """The person follows ``target`` (again, if they had stopped)."""
    _set_following(session, user=user, target=target, target_id=target_id, now=now, on=True)


def stop_following(session: Session, *, user: User, target: FollowTarget, target_id: int,
                   now: datetime) -> None:
    """Stop following; a voter who follows their cycle without a row gets a stopped one."""
    _set_following(session, user=user, target=target, target_id=target_id, now=now, on=False)


def follow_for_taking_part(session: Session, *, user_id: int, target: FollowTarget,
                           target_id: int, reason: FollowReason, now: datetime) -> None:
    """An author, co-author, supporter or voter follows what they took part in, unless
    they once stopped following it."""
    if _row(session, user_id, target, target_id) is None:
        with session.begin_nested():
            session.add(Follow(user_id=user_id, target=target, target_id=target_id,
                               reason=reason, created_at=now))


def follows_of(session: Session, user_id: int) -> list[Follow]:
    return list(session.scalars(select(Follow).where(
        Follow.user_id == user_id, Follow.stopped_at.is_(None)).order_by(Follow.id)))


# ---- telling -----------------------------------------------------------------------------

def tell_followers(session: Session, *, kind: NoticeKind, target: FollowTarget,
                   target_id: int, params: dict[str, Any], district_id: int | None = None,
                   exclude: Iterable[int] = ()) -> None:
    """Once the transaction commits, the worker tells the followers of ``target`` (and of
    ``district_id``), but not those in ``exclude`` (who did it, or were told otherwise)."""
    from portal.notifications.jobs import tell

    enqueue_after_commit(session, tell, kind.value, target.value, target_id,
                         json.dumps(params, ensure_ascii=False), district_id,
                         sorted(set(exclude)))


#: Kinds the project's authors hear of by the commission's own letter (review.notices).
TOLD_BY_LETTER = frozenset({NoticeKind.DECISION, NoticeKind.COMPLAINT_RULING})


def project_event(session: Session, *, event_kind: str, project_id: int, title: str,
                  district_id: int | None, actor_id: int | None,
                  team: Iterable[int] = ()) -> None:
    """A project's public event: its followers are told if it is one they want to know."""
    kind = PROJECT_EVENTS.get(event_kind)
    if kind is not None:
        exclude = [actor_id] if actor_id else []
        if kind in TOLD_BY_LETTER:
            exclude += list(team)
        tell_followers(session, kind=kind, target=FollowTarget.PROJECT, target_id=project_id,
                       params={"title": title, "outcome": event_kind},
                       district_id=district_id, exclude=exclude)


def followers(target: FollowTarget, target_id: int, district_id: int | None = None,
              exclude: Iterable[int] = ()) -> Select:
    """The ids of the people following ``target`` (or the district), as a statement."""
    matches = and_(Follow.target == target, Follow.target_id == target_id)
    if district_id is not None:
        matches = or_(matches, and_(Follow.target == FollowTarget.DISTRICT,
                                    Follow.target_id == district_id))
    query = select(Follow.user_id).where(matches, Follow.stopped_at.is_(None))
    exclude = list(exclude)
    if exclude:
        query = query.where(Follow.user_id.not_in(exclude))
    return query.distinct()


def store_notices(session: Session, *, kind: NoticeKind, target: FollowTarget, target_id: int,
                  params: dict[str, Any], recipients: Select, now: datetime) -> int:
    """One notice for each recipient who has not turned the kind off, in one statement;
    returns how many."""
    default = DEFAULTS[kind].value
    chosen = func.coalesce(Preference.delivery, default)
    people = recipients.subquery()
    rows = (select(people.c[0], literal(kind.value), literal(target.value), literal(target_id),
                   literal(json.dumps(params, ensure_ascii=False)), literal(now), chosen)
            .select_from(people)
            .outerjoin(Preference, and_(Preference.user_id == people.c[0],
                                        Preference.kind == kind))
            .where(chosen != Delivery.OFF.value))
    session.execute(insert(Notice).from_select(
        ["user_id", "kind", "target", "target_id", "params", "created_at", "delivery"], rows))
    # Counted, not taken from the cursor (psycopg gives -1 for an INSERT ... SELECT here).
    return session.scalar(select(func.count()).select_from(Notice).where(
        Notice.kind == kind, Notice.target == target, Notice.target_id == target_id,
        Notice.created_at == now)) or 0


def page_of(target: FollowTarget, target_id: int) -> tuple[str, dict[str, int]]:
    """The endpoint and arguments of the page a notice about ``target`` leads to."""
    endpoint, argument = LINKS.get(target, ("main.index", None))
    return endpoint, ({argument: target_id} if argument else {})


def link_of(notice: Notice) -> str:
    endpoint, arguments = page_of(notice.target, notice.target_id)
    return external_url(endpoint, **arguments)


def params_of(notice: Notice) -> dict[str, Any]:
    try:
        return json.loads(notice.params)
    except ValueError:
        return {}


def text_of(notice: Notice) -> str:
    return notice_text(notice.kind, params_of(notice))


# ---- the list in the portal --------------------------------------------------------------

def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notice).where(
        Notice.user_id == user_id, Notice.read_at.is_(None))) or 0


def notices_of(session: Session, user_id: int, *, offset: int, limit: int) -> list[Notice]:
    return list(session.scalars(select(Notice).where(Notice.user_id == user_id)
                                .order_by(Notice.id.desc()).offset(offset).limit(limit)))


def count_of(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notice).where(
        Notice.user_id == user_id)) or 0


def mark_read(session: Session, *, user_id: int, now: datetime,
              notice_id: int | None = None) -> None:
    query = update(Notice).where(Notice.user_id == user_id, Notice.read_at.is_(None))
    if notice_id is not None:
        query = query.where(Notice.id == notice_id)
    session.execute(query.values(read_at=now))


# ---- preferences and unsubscribing -------------------------------------------------------

def preferences_of(session: Session, user_id: int) -> dict[NoticeKind, Delivery]:
    chosen = dict(session.execute(select(Preference.kind, Preference.delivery).where(
        Preference.user_id == user_id)).all())
    return {kind: chosen.get(kind, DEFAULTS[kind]) for kind in NoticeKind}


def set_preferences(session: Session, *, user_id: int,
                    chosen: dict[NoticeKind, Delivery]) -> None:
    rows = {row.kind: row for row in session.scalars(
        select(Preference).where(Preference.user_id == user_id))}
    for kind, delivery in chosen.items():
        if kind in rows:
            rows[kind].delivery = delivery
        else:
            session.add(Preference(user_id=user_id, kind=kind, delivery=delivery))
    session.flush()


def _unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="notices-unsubscribe")


def unsubscribe_token(user_id: int, kind: NoticeKind) -> str:
    return _unsubscribe_serializer().dumps([user_id, kind.value])


def read_unsubscribe_token(token: str) -> tuple[int, NoticeKind] | None:
    try:
        user_id, kind = _unsubscribe_serializer().loads(token)
        return int(user_id), NoticeKind(kind)
    except (BadSignature, ValueError, TypeError):
        return None


def unsubscribe(session: Session, *, user_id: int, kind: NoticeKind) -> None:
    """No more e-mail of this kind; the notices stay in the portal's list."""
    set_preferences(session, user_id=user_id, chosen={kind: Delivery.PORTAL})


# ---- mail ------------------------------------------------------------------------------

def _footer_of(user_id: int, kind: NoticeKind) -> tuple[list[str], dict[str, str]]:
    link = external_url("notifications.unsubscribe", token=unsubscribe_token(user_id, kind))
    lines = ["", "—", _("You receive this because you follow it on the participatory budget "
                        "portal. Your notice settings: %(settings)s",
                        settings=external_url("notifications.settings")),
             _("Stop these e-mails: %(link)s", link=link)]
    headers = {"List-Unsubscribe": f"<{link}>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return lines, headers


def mail_digest(session: Session, person: Any, notices: Iterable[Notice], *, now: datetime,
                delivery: Delivery) -> int | None:
    """One e-mail to ``person`` gathering ``notices`` (daily or weekly); the mail's id, or
    None when there is nothing to send or nowhere to send it."""
    notices = list(notices)
    if not notices or not person.email or not person.active:
        return None
    place = here()  # digests go out community by community: each names its own
    with force_locale(person.locale or "uk"):
        subject = (_("Your daily news of the participatory budget") if delivery is Delivery.DAILY
                   else _("Your weekly news of the participatory budget"))
        body = [_("Hello, %(name)s!", name=person.name), ""]
        if place is not None:
            community = place.display_name(person.locale or "uk")
            subject = f"{subject}: {community}"
            body += [_("News of the participatory budget: %(community)s",
                       community=community), ""]
        for notice in notices:
            body += [f"• {text_of(notice)}", f"  {link_of(notice)}"]
        footer, headers = _footer_of(person.id, notices[0].kind)
    mail = send_mail(person.email, subject, "\n".join(body + footer), session=session,
                     headers=headers, deliver=False)
    return mail.id


def mail_each(session: Session, *, kind: NoticeKind, target: FollowTarget, target_id: int,
              params: dict[str, Any], people: list[tuple[int, str, str, str]]) -> list[int]:
    """The same notice mailed to each of ``people`` (id, e-mail, name, language), written in
    one statement: the sentence and the link are made once per language."""
    endpoint, arguments = page_of(target, target_id)
    link = external_url(endpoint, **arguments)
    made: dict[str, str] = {}
    messages = []
    for user_id, email, name, locale in people:
        locale = locale or "uk"
        with force_locale(locale):
            if locale not in made:
                made[locale] = notice_text(kind, params)
            sentence = made[locale]
            footer, headers = _footer_of(user_id, kind)
            body = [_("Hello, %(name)s!", name=name), "", sentence, link, *footer]
        messages.append((email, sentence[:300], "\n".join(body), headers))
    return write_mails(session, messages)

