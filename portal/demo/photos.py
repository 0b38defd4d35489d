"""Demo photos: one small picture of the place for every demo project, drawn with Pillow.

The demo has no real photographs to ship, and a card or page without a picture looks unlike
a city's. Each picture is a simple scene (sky, ground, background trees and what the project
is about: benches, a playground, lamps, a school...) chosen from words of the title and laid
out from a seed made of the title, so the same project always gets the same picture. It is
stored as an author's upload is: checked and re-encoded by ``portal.uploads``, kept by the
upload store (``UPLOAD_STORAGE``), attached to the project on the day it was submitted.
"""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Callable

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.projects.models import Attachment, Project
from portal.uploads import AttachmentKind, CheckedFile, UploadStore, check_upload

WIDTH, HEIGHT = 480, 320
HORIZON = 190
Draw = ImageDraw.ImageDraw


def _bench(d: Draw, x: int, y: int, r: random.Random) -> None:
    wood = (139 + r.randint(-20, 20), 94, 60)
    d.rectangle([x, y - 22, x + 70, y - 16], fill=wood)
    d.rectangle([x, y - 36, x + 70, y - 30], fill=wood)
    for leg in (x + 6, x + 60):
        d.rectangle([leg, y - 16, leg + 4, y], fill=(60, 60, 60))
    d.rectangle([x + 86, y - 24, x + 100, y], fill=(70, 90, 80))  # a bin beside it


def _playground(d: Draw, x: int, y: int, r: random.Random) -> None:
    colour = r.choice([(220, 70, 60), (60, 120, 210), (240, 180, 40)])
    d.line([x, y, x + 25, y - 70, x + 50, y], fill=(90, 90, 100), width=5)
    d.line([x + 25, y - 70, x + 95, y - 70], fill=(90, 90, 100), width=5)
    d.line([x + 70, y - 70, x + 95, y], fill=(90, 90, 100), width=5)
    d.line([x + 55, y - 70, x + 55, y - 22], fill=(40, 40, 40), width=2)
    d.rectangle([x + 48, y - 24, x + 64, y - 19], fill=colour)
    d.rectangle([x + 110, y - 60, x + 140, y], fill=colour)
    d.polygon([(x + 140, y - 55), (x + 190, y), (x + 176, y), (x + 140, y - 40)],
              fill=(250, 210, 70))


def _lamp(d: Draw, x: int, y: int, r: random.Random) -> None:
    for k, h in enumerate((110, 80, 60)):  # a row of lamps going into the distance
        lx, ly = x + k * 60, y - k * 30
        d.rectangle([lx, ly - h, lx + 4, ly], fill=(70, 70, 75))
        d.rectangle([lx - 10, ly - h - 8, lx + 14, ly - h], fill=(50, 50, 55))
        d.ellipse([lx - 6, ly - h - 2, lx + 10, ly - h + 10], fill=(255, 236, 150))


def _bars(d: Draw, x: int, y: int, r: random.Random) -> None:
    for dx, h in ((0, 90), (50, 70), (100, 55)):
        d.line([x + dx, y, x + dx, y - h], fill=(40, 90, 160), width=5)
        d.line([x + dx + 40, y, x + dx + 40, y - h], fill=(40, 90, 160), width=5)
        d.line([x + dx, y - h, x + dx + 40, y - h], fill=(200, 200, 205), width=4)


def _building(d: Draw, x: int, y: int, r: random.Random) -> None:
    wall = r.choice([(225, 205, 170), (200, 200, 210), (230, 190, 160), (215, 225, 200)])
    floors = r.randint(2, 4)
    width = r.randint(150, 210)
    top = y - 34 * floors - 10
    d.rectangle([x, top, x + width, y], fill=wall, outline=(120, 110, 100))
    d.polygon([(x - 8, top), (x + width // 2, top - 26), (x + width + 8, top)],
              fill=(150, 70, 60))
    for floor in range(floors):
        for col in range(x + 12, x + width - 20, 30):
            wy = top + 12 + floor * 34
            d.rectangle([col, wy, col + 16, wy + 20], fill=(150, 190, 220),
                        outline=(255, 255, 255))
    d.rectangle([x + width // 2 - 12, y - 30, x + width // 2 + 12, y], fill=(110, 75, 50))


def _tree(d: Draw, x: int, y: int, r: random.Random, scale: float = 1.0) -> None:
    h = int(r.randint(60, 90) * scale)
    w = int(r.randint(40, 60) * scale)
    d.rectangle([x - 3, y - h // 2, x + 3, y], fill=(101, 67, 33))
    green = (40 + r.randint(0, 40), 120 + r.randint(0, 50), 50 + r.randint(0, 30))
    d.ellipse([x - w // 2, y - h, x + w // 2, y - h // 3], fill=green)


def _trees(d: Draw, x: int, y: int, r: random.Random) -> None:
    for k in range(3):
        _tree(d, x + k * 55, y + r.randint(-4, 4), r, 1.2)


def _flowers(d: Draw, x: int, y: int, r: random.Random) -> None:
    d.ellipse([x, y - 30, x + 170, y + 6], fill=(95, 70, 45))
    for _ in range(40):
        fx, fy = x + r.randint(10, 160), y - r.randint(2, 26)
        colour = r.choice([(230, 60, 90), (250, 200, 40), (180, 90, 200), (255, 255, 255)])
        d.ellipse([fx - 4, fy - 4, fx + 4, fy + 4], fill=colour)


def _racks(d: Draw, x: int, y: int, r: random.Random) -> None:
    for k in range(5):
        d.arc([x + k * 28, y - 44, x + k * 28 + 22, y + 4], 180, 360, fill=(60, 60, 70), width=4)
        d.line([x + k * 28 + 1, y - 20, x + k * 28 + 1, y], fill=(60, 60, 70), width=4)
        d.line([x + k * 28 + 21, y - 20, x + k * 28 + 21, y], fill=(60, 60, 70), width=4)


def _table(d: Draw, x: int, y: int, r: random.Random) -> None:
    d.rectangle([x, y - 34, x + 110, y - 26], fill=r.choice([(30, 110, 70), (40, 80, 150)]))
    d.line([x + 55, y - 44, x + 55, y - 34], fill=(255, 255, 255), width=2)
    for leg in (x + 10, x + 96):
        d.rectangle([leg, y - 26, leg + 4, y], fill=(60, 60, 60))


def _fountain(d: Draw, x: int, y: int, r: random.Random) -> None:
    d.ellipse([x, y - 24, x + 160, y + 8], fill=(170, 170, 175))
    d.ellipse([x + 10, y - 20, x + 150, y + 2], fill=(110, 170, 220))
    d.rectangle([x + 74, y - 60, x + 86, y - 10], fill=(170, 170, 175))
    for k in range(-3, 4):
        d.arc([x + 60 + k * 8, y - 90, x + 100 + k * 8, y - 30], 200, 340,
              fill=(200, 230, 250), width=2)


def _shelter(d: Draw, x: int, y: int, r: random.Random) -> None:
    d.rectangle([x, y - 90, x + 150, y - 80], fill=(80, 90, 110))
    for post in (x + 6, x + 140):
        d.rectangle([post, y - 80, post + 5, y], fill=(80, 90, 110))
    d.rectangle([x + 20, y - 76, x + 130, y - 20], fill=(190, 215, 230), outline=(80, 90, 110))
    d.rectangle([x + 30, y - 26, x + 120, y - 20], fill=(139, 94, 60))


def _screen(d: Draw, x: int, y: int, r: random.Random) -> None:
    d.rectangle([x, y - 120, x + 170, y - 30], fill=(245, 245, 245), outline=(60, 60, 60),
                width=4)
    d.rectangle([x + 12, y - 108, x + 158, y - 42], fill=r.choice(
        [(90, 150, 210), (120, 180, 120), (230, 170, 90)]))
    d.rectangle([x + 80, y - 30, x + 90, y], fill=(60, 60, 60))


def _panels(d: Draw, x: int, y: int, r: random.Random) -> None:
    for k in range(3):
        px = x + k * 56
        d.polygon([(px, y - 40), (px + 50, y - 40), (px + 40, y - 70), (px + 10, y - 70)],
                  fill=(30, 50, 110), outline=(200, 200, 220))
        d.line([px + 25, y - 40, px + 25, y], fill=(90, 90, 90), width=4)


def _ramp(d: Draw, x: int, y: int, r: random.Random) -> None:
    d.polygon([(x, y), (x + 110, y - 36), (x + 110, y)], fill=(180, 180, 175))
    d.line([x, y - 26, x + 110, y - 62], fill=(90, 90, 100), width=4)
    d.rectangle([x + 110, y - 120, x + 170, y], fill=(225, 215, 195), outline=(120, 110, 100))
    d.rectangle([x + 124, y - 90, x + 156, y - 40], fill=(110, 75, 50))


#: Words of a title (lower case, a stem is enough) and what the picture shows for them.
MOTIFS: tuple[tuple[tuple[str, ...], Callable], ...] = (
    (("велопарк", "велосипед"), _racks),
    (("лав", "альтанк", "відпоч", "урн"), _bench),
    (("ігров", "дитяч", "майданчик у", "покриття на майданчику"), _playground),
    (("освітл", "ліхтар", "дзеркал"), _lamp),
    (("тренажер", "воркаут", "спорт", "волейбол", "футбол", "скейт"), _bars),
    (("теніс", "шах", "стіл", "столи"), _table),
    (("фонтан",), _fountain),
    (("зупинк", "навіс", "укритт"), _shelter),
    (("квіт", "сад ", "сад", "годівниц", "теплиц"), _flowers),
    (("кінотеатр", "проєктор", "панель", "стенд", "радіо", "фото", "журналіст"), _screen),
    (("зарядн", "сонячн"), _panels),
    (("пандус", "доріжк", "тактил", "амбулатор", "поліклінік"), _ramp),
    (("школ", "ліце", "бібліотек", "садк", "зал", "культур", "кабінет", "мистецт",
      "планетар", "музик"), _building),
)


def _motifs(title: str) -> list[Callable]:
    text = title.lower()
    found = [draw for words, draw in MOTIFS if any(word in text for word in words)]
    return found[:2] or [_trees]


def scene(title: str) -> bytes:
    """The picture of the project called ``title``: a JPEG, the same for the same title."""
    r = random.Random(hashlib.sha256(title.encode()).digest())  # noqa: S311 - a picture
    image = Image.new("RGB", (WIDTH, HEIGHT))
    d = ImageDraw.Draw(image)
    top, low = (r.randint(90, 130), r.randint(150, 185), 235), (205, 228, 245)
    for y in range(HORIZON):
        t = y / HORIZON
        d.line([0, y, WIDTH, y], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, low,
                                                                                strict=True)))
    cloud = r.randint(20, 300)
    d.ellipse([cloud, 30, cloud + 120, 62], fill=(248, 250, 252))
    d.ellipse([cloud + 40, 18, cloud + 110, 54], fill=(248, 250, 252))
    grass = (90 + r.randint(0, 30), 150 + r.randint(0, 30), 70)
    d.rectangle([0, HORIZON, WIDTH, HEIGHT], fill=grass)
    d.polygon([(200, HEIGHT), (280, HEIGHT), (250, HORIZON), (236, HORIZON)],
              fill=(175, 170, 160))  # a path into the distance
    for _ in range(r.randint(3, 6)):
        _tree(d, r.randint(0, WIDTH), HORIZON + r.randint(0, 8), r, 0.6)
    motifs = _motifs(title)
    for n, draw in enumerate(motifs):
        x = 30 + n * 220 + r.randint(0, 40) if len(motifs) > 1 else r.randint(60, 180)
        draw(d, x, HORIZON + 90 + r.randint(-10, 10), r)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82)
    return out.getvalue()


def photo_file(title: str, store: UploadStore) -> CheckedFile:
    """The picture checked as an upload is (which re-encodes it without metadata)."""
    checked = check_upload(scene(title), "photo.jpg", max_bytes=store.max_bytes)
    if not isinstance(checked, CheckedFile):  # pragma: no cover - our own JPEG
        raise RuntimeError(f"the demo photo of {title!r} was refused: {checked}")
    return checked


def load_photos(session: Session, *, store: UploadStore, cycle_ids: list[int]) -> int:
    """A photo for each project of the demo cycles that has none yet; returns how many."""
    with_photo = select(Attachment.project_id).where(Attachment.kind == AttachmentKind.PHOTO)
    missing = session.execute(
        select(Project).where(Project.cycle_id.in_(cycle_ids), Project.id.not_in(with_photo))
        .order_by(Project.id)).scalars().all()
    for project in missing:
        checked = photo_file(project.title, store)
        project.attachments.append(Attachment(
            kind=AttachmentKind.PHOTO, original_name="Місце проєкту.jpg",
            stored_name=store.save(checked), content_type=checked.type.content_type,
            size=checked.size, sha256=checked.sha256,
            uploaded_at=project.submitted_at or project.created_at,
            uploaded_by_id=project.author_id))
    session.flush()
    return len(missing)
