"""Demo discussion: comments on a project of the open cycle (a resident's question with the
author's and the department's replies, an edited comment, one hidden by the commission as
spam and one waiting in the moderators' queue), and a short exchange on the finished
cycle's first winner, closed since its vote.

Written through the discussion's services with the moments passed as ``now``, so each step
is in the audit log as it would be. Running it again changes nothing: once any comment
exists, the discussion is left alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.accounts.models import User
from portal.cycles.models import Cycle
from portal.demo.cycles import DATA, open_cycle_name
from portal.discussion import services
from portal.discussion.models import Comment
from portal.discussion.rules import HideReason
from portal.projects.models import Project
from portal.projects.rules import ProjectStatus


def _user(session: Session, email: str) -> User:
    return session.execute(select(User).where(User.email == email)).scalar_one()


def _project(session: Session, cycle_name: str, status: ProjectStatus | None = None,
             title: str | None = None) -> Project | None:
    query = (select(Project).join(Cycle, Cycle.id == Project.cycle_id)
             .where(Cycle.name == cycle_name).order_by(Project.number, Project.id))
    if status is not None:
        query = query.where(Project.status == status)
    if title is not None:
        query = query.where(Project.title == title)
    return session.execute(query.limit(1)).scalar_one_or_none()


def load_discussion(session: Session, *, now: datetime) -> list[Comment]:
    """The demo's comments (only if there are none yet)."""
    if session.execute(select(Comment.id).limit(1)).first() is not None:
        return []
    made: list[Comment] = []
    resident = _user(session, "resident@demo.bakhmut.ua")
    commission = _user(session, "commission@demo.bakhmut.ua")
    staff = _user(session, "staff@demo.bakhmut.ua")
    library = _project(session, open_cycle_name(now), title="Укриття-читальня в бібліотеці на "
                       "Ступках")
    if library is not None and library.status is not ProjectStatus.DRAFT:
        made += _open_exchange(session, library, resident, staff, commission, now)
    winner = _project(session, DATA["finished"]["name"], status=ProjectStatus.WINNER)
    if winner is not None:
        made += _finished_exchange(session, winner, resident, winner.cycle.voting_start)
    return made


def _author(session: Session, number: int) -> User:
    return _user(session, f"author{number:02d}@demo.bakhmut.ua")


def _open_exchange(session: Session, project: Project, resident: User, staff: User,
                   commission: User, now: datetime) -> list[Comment]:
    author = session.get(User, project.author_id)
    start = now - timedelta(days=8)

    def post(actor: User, text: str, hours: float, parent: Comment | None = None) -> Comment:
        return services.post_comment(session, actor=actor, project=project, text=text,
                                     parent=parent, now=start + timedelta(hours=hours))

    question = post(resident, "Чи буде укриття-читальня відкрите у вихідні? Для школярів, які "
                              "навчаються онлайн, це найзручніший час.", 2)
    answer = post(author, "Так: у суботу з 10:00 до 16:00. Графік погоджено з бібліотекою, "
                          "його видно тут: https://bakhmut.example.ua/biblioteka/grafik", 20,
                  question)
    post(staff, "Кошторис перевірено: вартість меблів і генератора відповідає середнім цінам "
                "у Prozorro за останній рік.", 44, question)
    praise = post(_author(session, 5), "Чудова ідея, підтримую. Там завжди холодно взимку.", 50)
    services.edit_comment(session, actor=praise.author, comment=praise,
                          text="Чудова ідея, підтримую. Взимку там холодно — варто додати "
                               "обігрівач до кошторису.",
                          now=start + timedelta(hours=52))
    spam = post(_author(session, 11), "Пластикові вікна зі знижкою 30%! Телефонуйте "
                                      "щодня з 9 до 18.", 70)
    services.report_comment(session, actor=resident, comment=spam, note="Реклама",
                            now=start + timedelta(hours=71))
    services.hide_comment(session, actor=commission, comment=spam, reason=HideReason.SPAM,
                          note="", now=start + timedelta(hours=75))
    sharp = post(_author(session, 6), "Знову гроші на те, що потрібно кільком людям. Краще б "
                                      "дороги полагодили.", 96)
    services.report_comment(session, actor=author, comment=sharp,
                            note="Не про проєкт, і дороги — інша програма",
                            now=start + timedelta(hours=98))
    return [question, answer, praise, spam, sharp]


def _finished_exchange(session: Session, project: Project, resident: User,
                       voting_start: datetime) -> list[Comment]:
    author = session.get(User, project.author_id)
    question = services.post_comment(
        session, actor=resident, project=project, now=voting_start + timedelta(days=2),
        text="Де саме буде встановлено обладнання? На мапі точка біля школи.")
    answer = services.post_comment(
        session, actor=author, project=project, parent=question,
        now=voting_start + timedelta(days=3),
        text="На подвір’ї школи, з боку спортзалу: місце погодила адміністрація школи.")
    return [question, answer]
