"""Creating a community, with its first administrator."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import audit
from portal.accounts.models import Role, User, UserRole
from portal.communities.messages import PROBLEMS
from portal.communities.rules import domain_problem, emblem_uri, identity_problems
from portal.refusal import Refused
from portal.tenancy import scope
from portal.tenancy.models import Community, CommunityDomain, signatories_json


def create_community(
    session: Session, *, code: str, slug: str, name: str, name_en: str = "",
    localities: list[str] | tuple[str, ...] = (), domains: list[str] | tuple[str, ...] = (),
    admits_displaced: bool = False, admin: User | None = None, actor: User | None,
    reserved: frozenset[str], now: datetime,
) -> Community:
    """A new community; ``admin`` (an existing account) becomes its first administrator.
    Refused with every problem at once; nothing is written then."""
    code, slug, name = code.strip().upper(), slug.strip().lower(), name.strip()
    domains = [host.strip().lower() for host in domains if host.strip()]
    problems = [PROBLEMS(problem, field) for problem, field in
                identity_problems(code=code, slug=slug, name=name, reserved=reserved)]
    problems += [PROBLEMS(problem, "domains") for host in domains
                 if (problem := domain_problem(host))]
    if session.scalar(select(Community.id).where(Community.code == code)):
        problems.append(PROBLEMS("code_taken", "code"))
    if session.scalar(select(Community.id).where(Community.slug == slug)):
        problems.append(PROBLEMS("slug_taken", "slug"))
    if domains and session.scalar(select(CommunityDomain.id)
                                  .where(CommunityDomain.host.in_(domains))):
        problems.append(PROBLEMS("domain_taken", "domains"))
    if problems:
        raise Refused(*problems)
    community = Community(
        code=code, slug=slug, name=name, name_en=name_en.strip(),
        localities="\n".join(item.strip() for item in localities if item.strip()),
        admits_displaced=admits_displaced, signatories=json.dumps([]), created_at=now)
    session.add(community)
    session.flush()
    session.add_all(CommunityDomain(community_id=community.id, host=host) for host in domains)
    if admin is not None:
        session.add(UserRole(user_id=admin.id, role=Role.ADMIN, community_id=community.id,
                             granted_by_id=actor.id if actor else None, granted_at=now))
    session.flush()
    scope.forget_default(session)
    with scope.inside(community.id):
        audit.record(session, actor=actor, action="community.created", object_type="community",
                     object_id=community.id,
                     details={"code": code, "slug": slug, "name": name,
                              "admin": admin.id if admin else None}, at=now)
    return community


def communities(session: Session) -> list[Community]:
    return list(session.scalars(select(Community).order_by(Community.name)))


def first_admin_account(session: Session, *, email: str, name: str, now: datetime) -> User:
    """The account of a new community's first administrator: the one with this address,
    or a new one (confirmed, with no password until its owner sets one by the link)."""
    from portal.accounts.models import NO_PASSWORD
    from portal.accounts.rules import normalize_email
    from portal.accounts.services import find_user_by_email

    user = find_user_by_email(session, email)
    if user is None:
        user = User(email=normalize_email(email), display_name=name.strip()[:120] or email,
                    password_hash=NO_PASSWORD, locale="uk", created_at=now,
                    email_confirmed_at=now)
        user.role_grants.append(UserRole(role=Role.RESIDENT, granted_at=now))
        session.add(user)
        session.flush()
    return user


def listed(session: Session) -> list[tuple[Community, list[str], int]]:
    """Every community with its domains and how many administrators it has."""
    from sqlalchemy import func

    rows = communities(session)
    domains: dict[int, list[str]] = {}
    for host, community_id in session.execute(
            select(CommunityDomain.host, CommunityDomain.community_id)
            .order_by(CommunityDomain.host)):
        domains.setdefault(community_id, []).append(host)
    admins = dict(session.execute(
        select(UserRole.community_id, func.count()).where(UserRole.role == Role.ADMIN)
        .group_by(UserRole.community_id)).all())
    return [(row, domains.get(row.id, []), admins.get(row.id, 0)) for row in rows]


def update_settings(session: Session, *, community: Community, name: str, name_en: str,
                    localities: list[str], mail_sender: str, admits_displaced: bool,
                    emblem: bytes | None, remove_emblem: bool, actor: User,
                    now: datetime, signatories: list[str] | None = None) -> Community:
    """What the community's administrator sets of it; refused (``emblem_format``,
    ``name_missing``, ``signatory_format``) with nothing changed. ``signatories``: lines of
    "position | name" (None: left as they are)."""
    problems = []
    if not name.strip():
        problems.append(PROBLEMS("name_missing", "name"))
    signed = None
    if signatories is not None:
        signed = parse_signatories(signatories)
        if signed is None:
            problems.append(PROBLEMS("signatory_format", "signature_lines"))
    uri = None
    if emblem:
        uri = emblem_uri(emblem)
        if uri is None:
            problems.append(PROBLEMS("emblem_format", "emblem"))
    if problems:
        raise Refused(*problems)
    community.name, community.name_en = name.strip(), name_en.strip()
    community.localities = "\n".join(item.strip() for item in localities if item.strip())
    community.mail_sender = mail_sender.strip()
    community.admits_displaced = admits_displaced
    if signed is not None:
        community.signatories = signatories_json(signed)
    if uri is not None:
        community.emblem = uri
    elif remove_emblem:
        community.emblem = None
    session.flush()
    audit.record(session, actor=actor, action="community.settings", object_type="community",
                 object_id=community.id,
                 details={"name": community.name, "name_en": community.name_en,
                          "localities": community.locality_list,
                          "mail_sender": community.mail_sender,
                          "admits_displaced": admits_displaced,
                          "signatories": [f"{position} {person}" for position, person
                                          in community.signatory_list],
                          "emblem": "new" if uri else ("removed" if remove_emblem else "kept")},
                 at=now)
    return community


def parse_signatories(lines: list[str]) -> list[tuple[str, str]] | None:
    """"Position | name" lines as pairs (blank lines skipped); None when one is not."""
    found = []
    for line in lines:
        if not line.strip():
            continue
        position, bar, person = line.partition("|")
        if not bar or not position.strip() or not person.strip():
            return None
        found.append((" ".join(position.split()), " ".join(person.split())))
    return found
