"""Demo implementation: the 2019 cycle's winners funded and followed through their budget year.

Like the 2018 report's participatory budget ("оголошено 14 переможців, реалізовано 12
проектів; 1 проект не було профінансовано з причин зміни розташування об'єкту"), the
demo's fourteen winners of "Бюджет участі-2019" each get their funding line under measure
3.3 and a history told through the same services staff use: procurement with a Prozorro
tender, work in progress with photos, acceptance and payment. Twelve are implemented, one
is not (the object's location changed, nothing paid), and one is still in progress at the
year's end, its completion moved to the next year. Updates are dated across 2019 and each
carries photos drawn here with Pillow (deterministic: the same picture every load).

The program's other lines (the 2018 transcription and the other years'
``portal.demo.programs`` plans), all paid, are marked implemented.

Running it again changes nothing: a winner whose record already has updates is left alone.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.clock import KYIV
from portal.cycles.models import Cycle
from portal.implementation import services
from portal.implementation.funding import fund_winners
from portal.implementation.rules import ImplementationStatus
from portal.programs import funding
from portal.programs.models import FundingLine, Measure, Program, Task
from portal.programs.winners import winner_lines
from portal.projects.models import Project
from portal.uploads import CheckedFile, UploadStore, check_upload, open_store

STAFF_EMAIL = "staff@demo.bakhmut.ua"
NOT_IMPLEMENTED_REASON = "зміни розташування об’єкта"
S = ImplementationStatus


@dataclass(frozen=True)
class Step:
    """One dated moment of a winner's history: a status, a note, photos, a payment share."""

    on: date
    status: ImplementationStatus
    progress: int
    text: str
    photos: int = 0
    paid_percent: int = 0  # of the line's planned amount, paid on this day
    tender: bool = False


def _tender(year: int, month: int, day: int, n: int) -> str:
    return f"UA-{year}-{month:02d}-{day:02d}-{1200 + 37 * n:06d}-{'abcd'[n % 4]}"


def _implemented(n: int, project: Project, year: int) -> list[Step]:
    """Procurement in early spring, work in summer, acceptance by autumn; dates vary by n."""
    start = 2 + n % 3
    place = project.address or project.title
    savings = 100 - (n * 3) % 8  # the tender saved up to 7 %
    return [
        Step(date(year, start, 4 + n), S.PROCUREMENT, 5,
             "Оголошено закупівлю в Prozorro, технічне завдання погоджено з автором "
             "проєкту.", tender=True),
        Step(date(year, start + 2, 10 + n % 9), S.IN_PROGRESS, 40 + (n * 7) % 20,
             f"Договір з переможцем торгів підписано, роботи розпочато: {place}.", photos=1,
             paid_percent=30),
        Step(date(year, start + 4, 3 + n), S.IN_PROGRESS, 80 + n % 10,
             "Основні роботи виконано, автор проєкту оглянув об’єкт разом із виконавцем.",
             photos=2),
        Step(date(year, start + 6, 12 + n % 12), S.IMPLEMENTED, 100,
             "Об’єкт прийнято за актом виконаних робіт і відкрито для мешканців.", photos=2,
             paid_percent=savings - 30),
    ]


def _moved(n: int, project: Project, year: int) -> list[Step]:
    """The 2018 report's case: not financed because the object's location changed."""
    return [
        Step(date(year, 3, 14), S.PROCUREMENT, 0,
             "Готуємо технічне завдання; триває погодження місця розміщення.", tender=False),
        Step(date(year, 5, 22), S.PROCUREMENT, 0,
             "Під час погодження з’ясувалося, що ділянка за адресою проєкту передана під "
             "будівництво; автор запропонував інше місце, яке потребує нового проєкту."),
        Step(date(year, 9, 30), S.NOT_IMPLEMENTED, 0,
             "Проєкт не реалізовано з причин зміни розташування об’єкта; кошти не "
             "витрачалися. Автор може подати оновлений проєкт до наступного конкурсу."),
    ]


def _carried_over(n: int, project: Project, year: int) -> list[Step]:
    """Still in progress at the year's end: the first tender failed, work started late."""
    return [
        Step(date(year, 3, 6), S.PROCUREMENT, 5,
             "Оголошено закупівлю в Prozorro.", tender=True),
        Step(date(year, 4, 18), S.PROCUREMENT, 5,
             "Торги не відбулися: надійшла одна пропозиція. Закупівлю оголошено повторно."),
        Step(date(year, 8, 26), S.IN_PROGRESS, 35,
             "Договір підписано, підрядник отримав аванс і розпочав роботи.", photos=1,
             paid_percent=40),
        Step(date(year, 12, 16), S.IN_PROGRESS, 85,
             "Через морози завершальні роботи перенесено на квітень наступного року; "
             "виконано 85 % обсягу.", photos=2, paid_percent=30),
    ]


# Which history each winner gets, by its place among the winners (in registration order).
MOVED_AT, CARRIED_OVER_AT = 4, 9


def history(n: int, project: Project, year: int) -> list[Step]:
    if n == MOVED_AT:
        return _moved(n, project, year)
    if n == CARRIED_OVER_AT:
        return _carried_over(n, project, year)
    return _implemented(n, project, year)


def photo(seed: int, stage: int, variant: int = 0, *, size: tuple[int, int] = (480, 320)
          ) -> bytes:
    """A small deterministic JPEG: sky, ground and the object taking shape with the stage
    (0 the site, 3 finished); ``variant`` is another view of the same moment."""
    draw_rng = random.Random(seed * 31 + stage * 7 + variant)  # noqa: S311 - reproducible
    width, height = size
    image = Image.new("RGB", size, (170, 205, 235))
    draw = ImageDraw.Draw(image)
    horizon = int(height * 0.62)
    for y in range(horizon):  # a sky that lightens towards the horizon
        shade = 150 + int(90 * y / horizon)
        draw.line([(0, y), (width, y)], fill=(shade - 40, shade - 10, 245))
    draw.rectangle([0, horizon, width, height], fill=(95 + seed % 40, 140, 70))
    for _ in range(5):  # trees behind the site
        x = draw_rng.randint(0, width)
        r = draw_rng.randint(18, 40)
        draw.rectangle([x - 3, horizon - r, x + 3, horizon + 6], fill=(90, 60, 40))
        draw.ellipse([x - r, horizon - 2 * r - 10, x + r, horizon - 10], fill=(40, 110, 50))
    built = min(stage, 3)  # 0 site, 1 frame, 2 more, 3 finished with colour
    colour = [(200, 80, 60), (60, 120, 200), (230, 180, 40)][seed % 3]
    for i in range(1 + built * 2):
        x = 40 + i * (width - 80) // 7
        top = horizon - 30 - draw_rng.randint(10, 60)
        draw.rectangle([x, top, x + 28, horizon + 18],
                       fill=colour if built == 3 else (150, 150, 150), outline=(40, 40, 40))
    if built < 3:  # a fence around work in progress
        for x in range(0, width, 24):
            draw.line([(x, height - 30), (x, height - 8)], fill=(230, 120, 30), width=3)
        draw.line([(0, height - 26), (width, height - 26)], fill=(230, 120, 30), width=3)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _photos(store: UploadStore, seed: int, stage: int, count: int, name: str
            ) -> list[CheckedFile]:
    """``count`` views of the work at ``stage`` (0 the site ... 3 finished), checked as an
    upload is."""
    found = []
    for k in range(count):
        checked = check_upload(photo(seed, stage, k), f"{name}-{k + 1}.jpg",
                               max_bytes=store.max_bytes)
        assert isinstance(checked, CheckedFile), checked
        found.append(checked)
    return found


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 11, tzinfo=KYIV)


def follow_winner(session: Session, line: FundingLine, steps: list[Step], *, n: int,
                  actor: User | None, store: UploadStore) -> None:
    """Tell one winner's history through the staff's services, step by step."""
    tender = ""
    for index, step in enumerate(steps):
        now = _moment(step.on)
        if step.tender:
            tender = _tender(step.on.year, step.on.month, step.on.day, n)
        if step.paid_percent:
            funding.record_payment(session, actor=actor, line=line, paid_on=step.on,
                                   amount=line.planned * step.paid_percent // 100,
                                   document=f"платіжне доручення № {100 + 11 * n + index}",
                                   now=now)
        services.set_status(session, actor=actor, line=line, status=step.status,
                            progress=step.progress,
                            reason=NOT_IMPLEMENTED_REASON
                            if step.status is S.NOT_IMPLEMENTED else "",
                            tender_number=tender, now=now)
        drawn = 3 if step.progress == 100 else min(step.progress // 30, 2)
        photos = _photos(store, n, drawn, step.photos,
                         f"{line.project.registration_code}-{step.on:%d-%m-%Y}")
        services.post_update(session, actor=actor, line=line, posted_on=step.on,
                             text=step.text, photos=photos,
                             store=store, today=step.on, now=now)


def load_winners_history(session: Session, *, cycle_name: str, now: datetime,
                         store: UploadStore | None = None, staff_email: str = STAFF_EMAIL) -> int:
    """Fund the cycle's winners and tell their history (as the program staff member
    ``staff_email``); returns how many were told now."""
    cycle = session.scalar(select(Cycle).where(Cycle.name == cycle_name))
    if cycle is None or cycle.measure_id is None:
        return 0
    actor = session.scalar(select(User).where(User.email == staff_email))
    fund_winners(session, cycle=cycle, actor=actor, now=now)
    measure = session.get(Measure, cycle.measure_id)
    lines = [line for line in winner_lines(session, measure)
             if line.project.cycle_id == cycle.id]
    store = store or open_store(current_app.config, session)
    told = 0
    for n, line in enumerate(lines):
        if line.implementation is not None and line.implementation.updates:
            continue
        follow_winner(session, line, history(n, line.project, line.year), n=n, actor=actor,
                      store=store)
        told += 1
    return told


def settle_program_lines(session: Session, program: Program, *, now: datetime) -> None:
    """Mark the program's paid lines of past years implemented, as their reports say."""
    lines = session.scalars(
        select(FundingLine).join(Measure).join(Task)
        .where(Task.program_id == program.id, FundingLine.project_id.is_(None),
               FundingLine.year < now.year)
        .order_by(FundingLine.year, FundingLine.id)
    ).all()
    for line in lines:
        if line.implementation is None and line.financed:
            services.set_status(session, actor=None, line=line, status=S.IMPLEMENTED,
                                progress=100, reason="", tender_number="",
                                now=datetime(line.year, 12, 28, 12, tzinfo=KYIV))
