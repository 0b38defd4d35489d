"""Use cases around a project besides its text: co-authors, supporters and attached files.

Like every service these flush and never commit, and refuse with ``Refused`` and the
problems of ``portal.projects.messages``. Invitations return the token to mail (the view
sends the e-mail once the request commits); attachments are written to the upload store
before the row is flushed, and the view removes files only once the request commits.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal import audit
from portal.accounts.models import User
from portal.accounts.rules import is_valid_email, normalize_email
from portal.identity.services import active_verification
from portal.notifications import services as notifications
from portal.notifications.rules import FollowReason, FollowTarget
from portal.projects import eligibility
from portal.projects.messages import PROBLEMS
from portal.projects.models import Attachment, CoAuthor, Project, Support
from portal.projects.rules import Event, ProjectStatus
from portal.projects.services import change_status, person_of, record_event
from portal.refusal import Refused
from portal.uploads import CheckedFile, UploadStore

MAX_COAUTHORS = 5
MAX_ATTACHMENTS = 12


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Co-authors ---------------------------------------------------------------------------------


def invite_coauthor(
    session: Session, *, project: Project, email: str, actor: User, now: datetime,
) -> str:
    """Invite a co-author by e-mail; returns the token for the link in the invitation."""
    if not project.editable:
        raise Refused(PROBLEMS("frozen"))
    email = normalize_email(email)
    if not is_valid_email(email):
        raise Refused(PROBLEMS("coauthor_email_invalid", "email"))
    author = session.get(User, project.author_id)
    if email == author.email:
        raise Refused(PROBLEMS("coauthor_is_author", "email"))
    if any(c.email == email for c in project.coauthors):
        raise Refused(PROBLEMS("coauthor_already_invited", "email"))
    if len(project.coauthors) >= MAX_COAUTHORS:
        raise Refused(PROBLEMS("coauthors_too_many", "email"))
    token = secrets.token_urlsafe(32)
    coauthor = CoAuthor(email=email, token_hash=token_hash(token), invited_at=now)
    try:
        # Two tabs inviting the same address: the unique (project, email) pair decides.
        with session.begin_nested():
            project.coauthors.append(coauthor)
            session.flush()
    except IntegrityError:
        raise Refused(PROBLEMS("coauthor_already_invited", "email")) from None
    audit.record(session, actor=actor, action="project.coauthor_invited", object_type="project",
                 object_id=project.id, details={"email": email}, at=now)
    return token


def find_invitation(session: Session, token: str) -> CoAuthor | None:
    return session.execute(
        select(CoAuthor).where(CoAuthor.token_hash == token_hash(token))
    ).scalar_one_or_none()


def confirm_coauthor(session: Session, *, token: str, user: User, now: datetime) -> CoAuthor:
    """The invited person, logged in with the invited e-mail, accepts."""
    invitation = find_invitation(session, token)
    if invitation is None:
        raise Refused(PROBLEMS("invitation_unknown"))
    if invitation.confirmed_at is not None:
        raise Refused(PROBLEMS("invitation_used"))
    if (user.email is None or normalize_email(user.email) != invitation.email
            or not user.email_confirmed):
        raise Refused(PROBLEMS("invitation_other_email"))
    invitation.user_id = user.id
    invitation.confirmed_at = now
    session.flush()
    project = invitation.project
    record_event(session, project=project, kind="coauthor_confirmed", actor=user, now=now,
                 public=project.status is not ProjectStatus.DRAFT,
                 details={"name": user.display_name})
    audit.record(session, actor=user, action="project.coauthor_confirmed",
                 object_type="project", object_id=project.id, at=now)
    notifications.follow_for_taking_part(session, user_id=user.id, target=FollowTarget.PROJECT,
                                         target_id=project.id, reason=FollowReason.AUTHOR,
                                         now=now)
    return invitation


def remove_coauthor(
    session: Session, *, coauthor: CoAuthor, actor: User, now: datetime,
) -> None:
    project = coauthor.project
    if not project.editable:
        raise Refused(PROBLEMS("frozen"))
    project.coauthors.remove(coauthor)
    session.flush()
    audit.record(session, actor=actor, action="project.coauthor_removed", object_type="project",
                 object_id=project.id, details={"email": coauthor.email}, at=now)


# Supporters ---------------------------------------------------------------------------------


def support_count(session: Session, project: Project) -> int:
    return session.execute(
        select(func.count(Support.id)).where(Support.project_id == project.id)
    ).scalar_one()


def support_project(session: Session, *, project: Project, user: User, now: datetime) -> int:
    """Add the user's signature; returns the count. Reaching the cycle's number of
    signatures sends the project on to the review."""
    cycle = project.cycle
    problems = eligibility.support_problems(
        person_of(session, user, now), min_age=cycle.min_age_vote, phase=cycle.phase(now),
        status=project.status, is_author=project.author_id == user.id)
    if problems:
        raise Refused(*[PROBLEMS(p) for p in problems])
    verification = active_verification(session, user)
    try:
        # One signature per person: the unique (project, person key) pair is the guard, so
        # two accounts or two requests of one person cannot both count.
        with session.begin_nested():
            session.add(Support(project_id=project.id, user_id=user.id,
                                person_key=verification.person_key, at=now))
            session.flush()
    except IntegrityError:
        raise Refused(PROBLEMS("already_supported")) from None
    notifications.follow_for_taking_part(session, user_id=user.id, target=FollowTarget.PROJECT,
                                         target_id=project.id, reason=FollowReason.SUPPORTER,
                                         now=now)
    locked = session.execute(
        select(Project).where(Project.id == project.id).with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    count = support_count(session, locked)
    if count >= cycle.support_needed and locked.status is ProjectStatus.COLLECTING_SUPPORT:
        change_status(session, project=locked, event=Event.SUPPORT_REACHED, actor=None, now=now,
                      details={"supporters": count})
    return count


def has_supported(session: Session, *, project: Project, user: User) -> bool:
    verification = active_verification(session, user)
    if verification is None:
        return False
    return session.execute(
        select(Support.id).where(Support.project_id == project.id,
                                 Support.person_key == verification.person_key)
    ).first() is not None


# Attachments --------------------------------------------------------------------------------


def add_attachment(
    session: Session, *, project: Project, checked: CheckedFile, store: UploadStore,
    actor: User, now: datetime,
) -> Attachment:
    """Store a checked file and attach it to an editable project."""
    if not project.editable:
        raise Refused(PROBLEMS("frozen"))
    if len(project.attachments) >= MAX_ATTACHMENTS:
        raise Refused(PROBLEMS("attachments_too_many", "file"))
    stored_name = store.save(checked)
    attachment = Attachment(
        kind=checked.type.kind, original_name=checked.original_name[:255],
        stored_name=stored_name, content_type=checked.type.content_type, size=checked.size,
        sha256=checked.sha256, uploaded_at=now, uploaded_by_id=actor.id)
    project.attachments.append(attachment)
    session.flush()
    audit.record(session, actor=actor, action="project.attachment_added", object_type="project",
                 object_id=project.id,
                 details={"attachment": attachment.id, "name": attachment.original_name,
                          "sha256": checked.sha256, "size": checked.size}, at=now)
    return attachment


def remove_attachment(
    session: Session, *, attachment: Attachment, actor: User, now: datetime,
) -> str:
    """Detach a file from an editable project; returns the stored name to delete after
    the commit."""
    project = attachment.project
    if not project.editable:
        raise Refused(PROBLEMS("frozen"))
    project.attachments.remove(attachment)
    session.flush()
    audit.record(session, actor=actor, action="project.attachment_removed",
                 object_type="project", object_id=project.id,
                 details={"name": attachment.original_name, "sha256": attachment.sha256},
                 at=now)
    return attachment.stored_name
