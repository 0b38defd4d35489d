"""What the ballot page shows of each project beyond the sheet: its summary, place and
photos, opened in place on the ballot (a ``<details>`` disclosure) so that nothing ticked
is lost. Read only when the page is drawn, never by a cast (which needs the sheet alone).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.community.models import District
from portal.projects.models import Attachment, Project
from portal.projects.rules import ProjectStatus
from portal.uploads import AttachmentKind

#: Photos shown on the ballot per project; the project's page has them all.
PHOTOS_SHOWN = 3


@dataclass(frozen=True)
class Photo:
    id: int
    name: str


@dataclass(frozen=True)
class ProjectDetails:
    summary: str
    address: str
    district_name: str | None
    photos: tuple[Photo, ...]


def ballot_details(session: Session, cycle_id: int) -> dict[int, ProjectDetails]:
    """The details of every project admitted to the vote of the cycle, by project id, in two
    queries (the projects, their photos)."""
    admitted = (Project.cycle_id == cycle_id, Project.status == ProjectStatus.ADMITTED)
    photos: dict[int, list[Photo]] = {}
    for project_id, photo_id, name in session.execute(
            select(Attachment.project_id, Attachment.id, Attachment.original_name)
            .join(Project, Project.id == Attachment.project_id)
            .where(*admitted, Attachment.kind == AttachmentKind.PHOTO)
            .order_by(Attachment.project_id, Attachment.id)):
        shown = photos.setdefault(project_id, [])
        if len(shown) < PHOTOS_SHOWN:
            shown.append(Photo(photo_id, name))
    return {
        project_id: ProjectDetails(summary, address, district,
                                   tuple(photos.get(project_id, ())))
        for project_id, summary, address, district in session.execute(
            select(Project.id, Project.summary, Project.address, District.name)
            .outerjoin(District, District.id == Project.district_id)
            .where(*admitted))
    }
