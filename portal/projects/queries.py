"""Read-only queries of the public project pages, each a fixed number of SQL statements.

The list page costs one count and one page of rows (categories and districts joined in)
however many projects match; the map costs one statement of plain columns. Search works
the same on SQLite and PostgreSQL because it compares with ``Project.search_text``, which
the services keep case-folded in Python (SQLite's ``lower()`` knows only ASCII).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Select, case, distinct, func, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from portal.accounts.models import User
from portal.community.models import District
from portal.cycles.models import Category, Cycle
from portal.cycles.rules import registration_code
from portal.parsing import page_within
from portal.projects.models import Attachment, CoAuthor, Project, ProjectEvent, Support
from portal.projects.rules import ON_BALLOT, PUBLIC, SUBMITTED_STATUSES, ProjectStatus
from portal.uploads import AttachmentKind

PAGE_SIZE = 20

SORTS = {
    "number": (Project.number.asc(), Project.id.asc()),
    "newest": (Project.submitted_at.desc(), Project.id.desc()),
    "cost_desc": (Project.total_cost.desc(), Project.number.asc()),
    "cost_asc": (Project.total_cost.asc(), Project.number.asc()),
    "title": (Project.title.asc(), Project.number.asc()),
}


@dataclass(frozen=True)
class Filters:
    cycle_id: int | None = None
    category_id: int | None = None
    district_id: int | None = None
    status: ProjectStatus | None = None
    q: str = ""
    sort: str = "number"


@dataclass(frozen=True)
class Page:
    items: list[Project]
    total: int
    page: int
    pages: int
    # The first photo of each project on the page, by project id (``projects/_card.html``).
    photos: dict[int, int] = field(default_factory=dict)


def first_photo_column():
    """The id of a project's first photo, as a column of a query on projects."""
    return (select(func.min(Attachment.id))
            .where(Attachment.project_id == Project.id, Attachment.kind == AttachmentKind.PHOTO)
            .correlate(Project).scalar_subquery())


def _filtered(filters: Filters) -> Select:
    query = select(Project).where(Project.status.in_(PUBLIC))
    if filters.cycle_id is not None:
        query = query.where(Project.cycle_id == filters.cycle_id)
    if filters.category_id is not None:
        query = query.where(Project.category_id == filters.category_id)
    if filters.district_id is not None:
        query = query.where(Project.district_id == filters.district_id)
    if filters.status is not None:
        query = query.where(Project.status == filters.status)
    words = filters.q.casefold().split()
    for word in words[:8]:
        query = query.where(Project.search_text.contains(word, autoescape=True))
    return query


def public_projects(session: Session, filters: Filters, page: int,
                    page_size: int = PAGE_SIZE) -> Page:
    """One page of public projects matching ``filters``: two statements in all."""
    query = _filtered(filters)
    total = session.execute(
        select(func.count()).select_from(query.with_only_columns(Project.id).subquery())
    ).scalar_one()
    page, pages = page_within(page, total=total, size=page_size)
    rows = session.execute(
        query.add_columns(first_photo_column())
        .join(Project.category).join(Project.cycle).outerjoin(Project.district)
        .options(contains_eager(Project.category), contains_eager(Project.cycle),
                 contains_eager(Project.district))
        .order_by(*SORTS.get(filters.sort, SORTS["number"]))
        .offset((page - 1) * page_size).limit(page_size)
    ).unique().all()
    return Page(items=[row[0] for row in rows], total=total, page=page, pages=pages,
                photos={row[0].id: row[1] for row in rows if row[1] is not None})


@dataclass(frozen=True)
class MapPoint:
    id: int
    code: str
    title: str
    status: ProjectStatus
    latitude: Decimal
    longitude: Decimal


def map_points(session: Session, filters: Filters) -> list[MapPoint]:
    """Every public project with a point, as plain values: one statement."""
    query = _filtered(filters).join(Project.cycle).where(Project.latitude.is_not(None))
    rows = session.execute(
        query.with_only_columns(Project.id, Project.number, Cycle.budget_year,
                                Cycle.registration_series, Project.title,
                                Project.status, Project.latitude, Project.longitude)
        .order_by(Project.number)
    )
    return [MapPoint(id=r.id, title=r.title,
                     code=registration_code(r.budget_year, r.number, r.registration_series),
                     status=r.status, latitude=r.latitude, longitude=r.longitude) for r in rows]


def default_cycle(session: Session) -> Cycle | None:
    """The cycle the list opens on: the newest with public projects, else the newest."""
    with_projects = session.execute(
        select(Cycle).join(Project, Project.cycle_id == Cycle.id)
        .where(Project.status.in_(PUBLIC))
        .order_by(Cycle.budget_year.desc(), Cycle.id.desc()).limit(1)
    ).scalar_one_or_none()
    if with_projects is not None:
        return with_projects
    return session.execute(
        select(Cycle).order_by(Cycle.budget_year.desc(), Cycle.id.desc()).limit(1)
    ).scalar_one_or_none()


def default_map_cycle(session: Session) -> Cycle | None:
    """The cycle the map opens on: the newest whose public projects have points, so the
    first map a visitor sees is not empty; else the list's."""
    with_points = session.execute(
        select(Cycle).join(Project, Project.cycle_id == Cycle.id)
        .where(Project.status.in_(PUBLIC), Project.latitude.is_not(None))
        .order_by(Cycle.budget_year.desc(), Cycle.id.desc()).limit(1)
    ).scalar_one_or_none()
    return with_points if with_points is not None else default_cycle(session)


def filter_options(session: Session, cycle_id: int | None) -> tuple[list, list, list]:
    """Cycles, the chosen cycle's categories, and districts for the filter form."""
    cycles = session.execute(
        select(Cycle.id, Cycle.name).order_by(Cycle.budget_year.desc(), Cycle.id.desc())
    ).all()
    categories = session.execute(
        select(Category.id, Category.name).where(Category.cycle_id == cycle_id)
        .order_by(Category.position, Category.id)
    ).all() if cycle_id is not None else []
    districts = session.execute(
        select(District.id, District.name).order_by(District.position, District.name)
    ).all()
    return cycles, categories, districts


def project_for_page(session: Session, project_id: int, *,
                     contents: bool = True) -> Project | None:
    """The project with what its page shows; the rows it has one of (cycle, category,
    author) joined to it rather than read by a statement each. Without ``contents`` its
    category, author, cost lines and files are read only if asked for (the public page's
    kept parts)."""
    # The cycle's extensions and the co-authors (a few rows each) are joined too: one
    # statement where a statement each would cost a round trip.
    options = [joinedload(Project.cycle).joinedload(Cycle.extensions),
               joinedload(Project.coauthors).joinedload(CoAuthor.user)]
    if contents:
        options += [joinedload(Project.category), joinedload(Project.author),
                    selectinload(Project.cost_items), selectinload(Project.attachments)]
    return session.execute(
        select(Project).where(Project.id == project_id).options(*options)
    ).unique().scalar_one_or_none()


def history(session: Session, project: Project, *, everything: bool) -> list[ProjectEvent]:
    """The project's history, oldest first; only public entries unless ``everything``."""
    query = select(ProjectEvent).where(ProjectEvent.project_id == project.id)
    if not everything:
        query = query.where(ProjectEvent.public.is_(True))
    return list(session.execute(
        query.options(selectinload(ProjectEvent.actor)).order_by(ProjectEvent.at,
                                                                  ProjectEvent.id)
    ).scalars())


def supporter_count(session: Session, project: Project) -> int:
    return session.execute(
        select(func.count(Support.id)).where(Support.project_id == project.id)
    ).scalar_one()


def projects_of(session: Session, user: User) -> list[Project]:
    """Projects the user authors or has joined as a co-author, newest first."""
    joined = select(CoAuthor.project_id).where(CoAuthor.user_id == user.id,
                                               CoAuthor.confirmed_at.is_not(None))
    return list(session.execute(
        select(Project).where(or_(Project.author_id == user.id, Project.id.in_(joined)))
        .options(selectinload(Project.cycle), selectinload(Project.category))
        .order_by(Project.created_at.desc())
    ).scalars())


@dataclass(frozen=True)
class Counters:
    """What the public cycle page counts, every figure from the same statement: projects
    ever submitted (withdrawn ones included: they were submitted), withdrawn, admitted to
    the vote, and the authors of the submitted projects."""

    submitted: int
    withdrawn: int
    admitted: int
    authors: int


def _count_where(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def cycle_counters(session: Session, cycle: Cycle) -> Counters:
    """The cycle page's figures in one statement (see :class:`Counters`)."""
    row = session.execute(
        select(func.count(Project.id),
               _count_where(Project.status == ProjectStatus.WITHDRAWN),
               _count_where(Project.status.in_(ON_BALLOT)),
               func.count(distinct(Project.author_id)))
        .where(Project.cycle_id == cycle.id, Project.status.in_(PUBLIC))
    ).one()
    return Counters(submitted=row[0], withdrawn=int(row[1]), admitted=int(row[2]),
                    authors=row[3])


def category_totals(session: Session, cycle: Cycle) -> dict[int, tuple[int, int]]:
    """Per category: (projects submitted, their total cost in kopecks)."""
    rows = session.execute(
        select(Project.category_id, func.count(Project.id), func.coalesce(
            func.sum(Project.total_cost), 0))
        .where(Project.cycle_id == cycle.id, Project.status.in_(SUBMITTED_STATUSES))
        .group_by(Project.category_id)
    )
    return {category_id: (count, int(total)) for category_id, count, total in rows}
