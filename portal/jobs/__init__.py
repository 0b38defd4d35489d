"""Background work: jobs run by the worker (``flask --app portal worker``), outside any
request: mail, documents, schedules.

The queue is huey's (``JOBS_URL``): an SQLite file under ``instance/`` by default, which needs
no server, or Redis in production (``redis://127.0.0.1:6379/1``). ``immediate`` runs each
job the moment it is queued, in the same process; the tests use it, except those that start
a worker of their own.

A job is a function of plain arguments (numbers, strings) that reads what it needs from the
database, so running it twice does what running it once did (a mail is sent once: see
``portal.mail``). It is registered with ``@job`` (or ``@periodic``) in the module of the part
that owns it, listed in ``portal.JOB_MODULES``; it is queued with ``enqueue`` or, for work that must
not start before the transaction that asked for it is committed, ``enqueue_after_commit``.
Each run has its own application context and database session, committed when the job
returns and rolled back when it raises. A job that raises is tried again after a delay that
doubles each time (``JOBS_RETRY_SECONDS`` up to ``JOBS_RETRY_MAX_SECONDS``); when its tries
are spent, the failure is kept with its error (``JobFailure``) for the administrators' page.
"""

from __future__ import annotations

import importlib
import json
import logging
import traceback
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_app_context
from huey import MemoryHuey, RedisHuey, SqliteHuey
from huey.api import Huey
from huey.signals import SIGNAL_ERROR
from huey.utils import utcnow as huey_now
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.clock import utcnow
from portal.db import db_session
from portal.tenancy import scope

log = logging.getLogger("portal.jobs")

@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[..., Any]
    #: What an administrator reads for it (a lazy translation).
    label: Any
    retries: int
    #: A huey ``crontab`` for a periodic job, None for one that is queued.
    schedule: Callable[[Any], bool] | None = None
    #: Called (in an application context, with the job's arguments) when its tries are spent.
    gave_up: Callable[..., None] | None = None
    #: A periodic job runs once for each community, in it (the audit checkpoint of each
    #: chain, each community's reminders); otherwise once, for the platform.
    per_community: bool = True


_JOBS: dict[str, Job] = {}


def _register(func: Callable[..., Any], **options: Any) -> Callable[..., Any]:
    name = f"{func.__module__}.{func.__name__}"
    _JOBS[name] = Job(name=name, func=func, **options)
    func.job_name = name  # type: ignore[attr-defined]
    return func


def job(*, label: Any, retries: int = 8, gave_up: Callable[..., None] | None = None):
    """Make ``func`` a job: ``enqueue(func, *args)`` has the worker run it."""
    return lambda func: _register(func, label=label, retries=retries, gave_up=gave_up)


def periodic(schedule: Callable[[Any], bool], *, label: Any, per_community: bool = True):
    """Make ``func`` a job the worker runs on ``schedule`` (``huey.crontab``, in UTC): in
    each community in turn, or (``per_community=False``) once for the platform."""
    return lambda func: _register(func, label=label, retries=0, schedule=schedule,
                                  per_community=per_community)


def job_by_name(name: str) -> Job | None:
    return _JOBS.get(name)


def job_label(name: str) -> Any:
    """What a person reads for the job called ``name`` (its code if it no longer exists)."""
    found = _JOBS.get(name)
    return found.label if found is not None else name


#: The keyword a queued job carries its community in (the runner takes it out).
COMMUNITY_KEY = "_community"


def _with_community(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Each job carries the community it was queued in, and runs in it."""
    community = scope.entered()
    if community is not None and community > 0:
        return {COMMUNITY_KEY: community, **kwargs}  # one it carries already stays
    return kwargs


def _once(found: Job, *args: Any, **kwargs: Any) -> None:
    session = db_session()
    try:
        found.func(*args, **kwargs)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        g.pop("db_session", None)
        session.close()


def _in_each_community(found: Job, *args: Any, **kwargs: Any) -> None:
    """Run ``found`` in every active community, each in a session of its own; one failing
    does not keep the others from their turn (the first error is raised at the end)."""
    from sqlalchemy import select

    from portal.tenancy.models import Community

    with scope.everywhere():
        with db_session() as session:
            communities = session.scalars(
                select(Community.id).where(Community.active).order_by(Community.id)).all()
        g.pop("db_session", None)
    failed: BaseException | None = None
    for community in communities:
        with scope.inside(community):
            try:
                _once(found, *args, **kwargs)
            except Exception as error:
                log.exception("Job %s failed in community %s", found.name, community)
                failed = failed or error
    if failed is not None:
        raise failed


class Queue:
    """One application's queue: its huey, and each job bound to it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.huey = _make_huey(app.config["JOBS_URL"], app.config["JOBS_NAME"])
        config = app.config
        self.retry_seconds = float(config["JOBS_RETRY_SECONDS"])
        self.retry_max_seconds = float(config["JOBS_RETRY_MAX_SECONDS"])
        self.retries_override = config.get("JOBS_RETRIES")
        self.tasks: dict[str, Any] = {}
        for found in _JOBS.values():
            runner = self._runner(found)
            if found.schedule is not None:
                self.tasks[found.name] = self.huey.periodic_task(
                    found.schedule, name=found.name)(runner)
            else:
                self.tasks[found.name] = self.huey.task(
                    retries=self.retries_of(found), name=found.name)(runner)
        self.huey.signal(SIGNAL_ERROR)(self._failed)

    @property
    def immediate(self) -> bool:
        return self.huey.immediate

    def retries_of(self, found: Job) -> int:
        if self.retries_override is not None and found.schedule is None:
            return int(self.retries_override)
        return found.retries

    def delay_after(self, attempt: int) -> float:
        """Seconds before the try after ``attempt`` (1, 2, ...): doubling, up to the most."""
        return min(self.retry_max_seconds, self.retry_seconds * 2 ** (attempt - 1))

    def _runner(self, found: Job) -> Callable[..., Any]:
        app = self.app

        @wraps(found.func)
        def run(*args: Any, **kwargs: Any) -> None:
            community = kwargs.pop(COMMUNITY_KEY, None)
            with app.app_context():
                if found.schedule is not None and found.per_community:
                    _in_each_community(found, *args, **kwargs)
                elif community is not None:
                    with scope.inside(community):
                        _once(found, *args, **kwargs)
                else:
                    _once(found, *args, **kwargs)

        return run

    def _failed(self, _signal: str, task: Any, error: BaseException | None = None) -> None:
        """A try raised: wait longer before the next, or keep the failure when none is left."""
        found = _JOBS.get(task.name)
        if found is None:
            return
        attempt = max(1, self.retries_of(found) - task.retries + 1)
        if task.retries > 0:
            task.retry_delay = self.delay_after(attempt)
            log.warning("Job %s failed (try %d), trying again in %.0f s: %s", task.name,
                        attempt, task.retry_delay, error)
            return
        kwargs = dict(task.kwargs or {})
        community = kwargs.pop(COMMUNITY_KEY, None)
        with self.app.app_context(), (scope.inside(community) if community is not None
                                      else nullcontext()):
            from portal.jobs.models import JobFailure

            session = db_session()
            try:
                if found.gave_up is not None:
                    found.gave_up(*task.args, **kwargs)
                session.add(JobFailure(
                    job=found.name, arguments=_arguments_text(task.args, task.kwargs),
                    error=_error_text(error), details=_traceback_text(error),
                    attempts=attempt, failed_at=utcnow(), community_id=community))
                session.commit()
            except Exception:
                session.rollback()
                log.exception("Could not record the failure of job %s", task.name)

    def enqueue(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.tasks[func.job_name](*args, **_with_community(kwargs))  # type: ignore[attr-defined]

    def enqueue_in(self, delay: float, func: Callable[..., Any], *args: Any) -> None:
        """Run ``func(*args)`` ``delay`` seconds from now (at once when 0 or immediate)."""
        if delay <= 0 or self.immediate:
            self.enqueue(func, *args)
        else:
            self.tasks[func.job_name].schedule(  # type: ignore[attr-defined]
                args=args, kwargs=_with_community({}), delay=delay)

    def run_burst(self) -> int:
        """Run what is queued (and what was scheduled for now or earlier), then return."""
        ran = 0
        while True:
            for task in self.huey.read_schedule(huey_now()):
                self.huey.enqueue(task)
            task = self.huey.dequeue()
            if task is None:
                return ran
            self.huey.execute(task)
            ran += 1

    def due_periodic(self, at: Any) -> list[str]:
        """The names of the periodic jobs due at ``at`` (a naive UTC datetime)."""
        return [task.name for task in self.huey.read_periodic(at)]

    def pending(self) -> int:
        return self.huey.pending_count()


def _make_huey(url: str, name: str) -> Huey:
    if url == "immediate":
        return MemoryHuey(name, immediate=True, results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        # fsync: a job acknowledged to the request is on the disk, as the database's rows are.
        return SqliteHuey(name, filename=str(path), fsync=True, results=False, timeout=15)
    raise RuntimeError(f"JOBS_URL must be sqlite:///<file>, redis://... or immediate "
                       f"(got {url!r})")


def _arguments_text(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """The arguments as JSON; ``exact`` when JSON holds them as they were (numbers, text),
    so that the job can be run again with them."""
    try:
        return json.dumps({"exact": True, "args": list(args), "kwargs": kwargs},
                          ensure_ascii=False)
    except TypeError:
        return json.dumps({"exact": False, "args": [repr(arg)[:200] for arg in args],
                           "kwargs": {k: repr(v)[:200] for k, v in kwargs.items()}},
                          ensure_ascii=False)


def _error_text(error: BaseException | None) -> str:
    if error is None:
        return ""
    return f"{type(error).__name__}: {error}"[:2000]


def _traceback_text(error: BaseException | None) -> str:
    if error is None:
        return ""
    return "".join(traceback.format_exception(error))[-8000:]


def init_app(app: Flask, modules: tuple[str, ...]) -> None:
    for name in modules:
        importlib.import_module(name)
    app.extensions["portal.jobs"] = Queue(app)


def queue() -> Queue:
    return current_app.extensions["portal.jobs"]


def enqueue(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Have the worker run ``func(*args, **kwargs)``, now."""
    queue().enqueue(func, *args, **kwargs)


def enqueue_after_commit(session: Session, func: Callable[..., Any], *args: Any,
                         delay: float = 0) -> None:
    """Queue ``func(*args)`` once ``session``'s transaction is committed (``delay`` seconds
    later); never if it is rolled back. (A process that dies between the two leaves rows a
    sweep finds again.) The job carries the community entered now, wherever the commit
    happens."""
    waiting = session.info.setdefault("jobs_after_commit", [])
    owner = current_app.extensions["portal.jobs"] if has_app_context() else None
    waiting.append((owner, func, args, delay, scope.entered()))


@event.listens_for(Session, "after_commit")
def _enqueue_waiting(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint: the transaction may still be rolled back
    for owner, func, args, delay, community in session.info.pop("jobs_after_commit", []):
        if owner is None and has_app_context():
            owner = current_app.extensions["portal.jobs"]
        if owner is None:  # data written outside any application (a test's fixture)
            log.warning("No application to queue %s%r after the commit", func.__name__, args)
            continue
        try:
            with scope.inside(community) if community is not None else nullcontext():
                owner.enqueue_in(delay, func, *args)
        except Exception:  # the queue is down: the row is there, and the sweep will find it
            log.exception("Could not queue %s%r after the commit", func.__name__, args)


@event.listens_for(Session, "after_transaction_end")
def _forget_waiting(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the transaction ended without a commit: nothing runs
        session.info.pop("jobs_after_commit", None)
