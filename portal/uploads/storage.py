"""Where uploaded files live: one interface, three places, chosen by ``UPLOAD_STORAGE``.

- ``disk`` (the default; nothing to run): files under ``UPLOAD_FOLDER``. Right for one
  machine, or for several that share that folder over the network.
- ``database``: the table ``stored_files``, beside the rows that name the files; every node
  that reaches the database serves them, and its backups hold them.
- ``s3://bucket/prefix``: an S3-compatible object store (``portal.uploads.s3``).

A store is made for one session (the request's, or a command's), and what it writes and
removes follows that session's transaction. In the database, that is the transaction
itself. On disk and in S3 a file is written at once and removed again when the transaction
is rolled back or ends without a commit (also a savepoint rolled back around it), and a
file is removed only once the transaction that stopped using it commits: a rolled-back
upload leaves nothing behind, and a removal never takes a file a row still names.

A file that is not there is :class:`FileMissing` (the page answers 404); a place that
cannot be reached is :class:`StorageUnavailable` (503, ``portal.errors``).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import delete, event, insert, select
from sqlalchemy.orm import Session, SessionTransaction

from portal.clock import utcnow
from portal.uploads.models import StoredFile

if TYPE_CHECKING:
    from portal.uploads import CheckedFile

log = logging.getLogger(__name__)

#: The names files are stored under: a random token and the extension of the real type.
STORED_NAME = re.compile(r"[0-9a-f]{32}\.[a-z]{3,4}")


class FileMissing(LookupError):  # noqa: N818 (an answer: nothing under that name)
    """No file is stored under that name."""


class StorageUnavailable(Exception):  # noqa: N818 (like the database's outage: try later)
    """The place the files are kept cannot be reached or answered with an error; trying
    again later is the answer."""


def checked_name(stored_name: str) -> str:
    """``stored_name`` if it is one the portal makes; a name from anywhere else (a path,
    another store's key) is refused before any store sees it."""
    if not STORED_NAME.fullmatch(stored_name):
        raise ValueError(f"not a stored name: {stored_name!r}")
    return stored_name


class UploadStore(ABC):
    """Where files live, and how large one may be; made by :func:`open_store`."""

    #: Whether writes and removals are part of the session's transaction (the database) or
    #: happen at once and are undone, or done, when the transaction ends.
    transactional: ClassVar[bool] = False

    def __init__(self, *, max_bytes: int, session: Session | None = None) -> None:
        self.max_bytes = max_bytes
        self.session = session

    def save(self, checked: CheckedFile) -> str:
        """Store the file under a fresh random name and return that name."""
        stored_name = f"{secrets.token_hex(16)}.{checked.type.extension}"
        if self._follows_the_session:
            self._changes().written.append(_Change(self, stored_name, _scope(self.session)))
        self.put(stored_name, checked.data)
        return stored_name

    def read(self, stored_name: str) -> bytes:
        """The file's bytes; :class:`FileMissing` when there is none under that name."""
        return self.get(checked_name(stored_name))

    def remove(self, stored_name: str) -> None:
        """Remove the file once the session's transaction commits (at once without one)."""
        checked_name(stored_name)
        if self._follows_the_session:
            self._changes().removed.append(_Change(self, stored_name, _scope(self.session)))
        else:
            self.delete(stored_name)

    @property
    def _follows_the_session(self) -> bool:
        """Whether writes and removals wait for the end of the session's transaction."""
        return self.session is not None and not self.transactional

    def _changes(self) -> _Pending:
        """What the session's transaction is to undo, or do, when it ends; one is begun if
        none is, so that its end, whichever it is, is seen."""
        if not self.session.in_transaction():
            self.session.begin()
        return _pending(self.session)

    # What each place does, at once:

    @abstractmethod
    def put(self, stored_name: str, data: bytes) -> None:
        """Write ``data`` under ``stored_name``."""

    @abstractmethod
    def get(self, stored_name: str) -> bytes:
        """The bytes under ``stored_name``, or :class:`FileMissing`."""

    @abstractmethod
    def delete(self, stored_name: str) -> None:
        """Remove the file, if it is there."""

    @abstractmethod
    def names(self) -> list[str]:
        """The names of every file stored here, sorted."""

    @abstractmethod
    def describe(self) -> str:
        """The place, as ``UPLOAD_STORAGE`` names it (with the folder, for the disk)."""

    def delete_quietly(self, stored_name: str) -> None:
        """Remove the file, logging rather than raising when that fails: a transaction has
        ended already and nobody waits for the answer (a file left over is harmless)."""
        try:
            self.delete(stored_name)
        except (OSError, StorageUnavailable) as error:
            log.warning("The stored file %s could not be removed from %s: %s", stored_name,
                        self.describe(), error)


class DiskStore(UploadStore):
    """Files in one folder (``UPLOAD_FOLDER``)."""

    def __init__(self, folder: Path, *, max_bytes: int, session: Session | None = None) -> None:
        super().__init__(max_bytes=max_bytes, session=session)
        self.folder = Path(folder)

    def put(self, stored_name: str, data: bytes) -> None:
        path = self.folder / checked_name(stored_name)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(path, "xb") as handle:  # a name is used once, never overwritten
                try:
                    handle.write(data)
                except OSError:
                    path.unlink(missing_ok=True)  # not half a file
                    raise
        except OSError as error:  # a full disk, a network folder gone
            raise StorageUnavailable(f"{self.folder}: {error}") from error

    def get(self, stored_name: str) -> bytes:
        try:
            return (self.folder / checked_name(stored_name)).read_bytes()
        except FileNotFoundError:
            raise FileMissing(stored_name) from None
        except OSError as error:
            raise StorageUnavailable(f"{self.folder}: {error}") from error

    def delete(self, stored_name: str) -> None:
        (self.folder / checked_name(stored_name)).unlink(missing_ok=True)

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(path.name for path in self.folder.iterdir()
                      if STORED_NAME.fullmatch(path.name))

    def describe(self) -> str:
        return f"disk ({self.folder})"


class DatabaseStore(UploadStore):
    """Files in the table ``stored_files``, written and removed in the session's
    transaction: a rolled-back upload never wrote its row."""

    transactional = True

    def __init__(self, *, max_bytes: int, session: Session) -> None:
        super().__init__(max_bytes=max_bytes, session=session)
        self.session: Session = session

    def put(self, stored_name: str, data: bytes) -> None:
        # A statement rather than an object: the bytes are not kept in the session.
        self.session.execute(insert(StoredFile), [{
            "name": checked_name(stored_name), "data": data, "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "created_at": utcnow()}])

    def get(self, stored_name: str) -> bytes:
        data = self.session.scalar(select(StoredFile.data).where(StoredFile.name == stored_name))
        if data is None:
            raise FileMissing(stored_name)
        return bytes(data)  # PostgreSQL's driver answers a memoryview

    def delete(self, stored_name: str) -> None:
        self.session.execute(delete(StoredFile).where(StoredFile.name == stored_name))

    def names(self) -> list[str]:
        return list(self.session.scalars(select(StoredFile.name).order_by(StoredFile.name)))

    def describe(self) -> str:
        return "database"


# Choosing the place ------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A value of ``UPLOAD_STORAGE``, understood."""

    kind: str  # disk, database, s3
    bucket: str = ""
    prefix: str = ""


_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def parse_storage(value: str) -> Place:
    """``disk``, ``database`` or ``s3://bucket`` with an optional ``/prefix``; anything else
    is a ``ValueError`` that says what is expected."""
    value = value.strip()
    if value in ("disk", "database"):
        return Place(value)
    if value.startswith("s3://"):
        bucket, _, prefix = value.removeprefix("s3://").partition("/")
        prefix = prefix.strip("/")
        if _BUCKET.fullmatch(bucket) and ".." not in prefix and "//" not in prefix:
            return Place("s3", bucket, prefix)
    raise ValueError(f"UPLOAD_STORAGE must be disk, database or s3://bucket/prefix "
                     f"(got {value!r})")


def store_for(value: str, config: Mapping[str, Any], session: Session) -> UploadStore:
    """The store ``value`` names (a value of ``UPLOAD_STORAGE``), for ``session``; the folder,
    the size limit and the object store's address come from ``config``."""
    place = parse_storage(value)
    max_bytes = config["UPLOAD_MAX_BYTES"]
    if place.kind == "database":
        return DatabaseStore(max_bytes=max_bytes, session=session)
    if place.kind == "s3":
        from portal.uploads.s3 import S3Store

        return S3Store(place.bucket, place.prefix, endpoint_url=config.get(
            "UPLOAD_S3_ENDPOINT_URL", ""), max_bytes=max_bytes, session=session)
    return DiskStore(Path(config["UPLOAD_FOLDER"]), max_bytes=max_bytes, session=session)


def open_store(config: Mapping[str, Any], session: Session) -> UploadStore:
    """The store the configuration chose (``UPLOAD_STORAGE``), for ``session``."""
    return store_for(config.get("UPLOAD_STORAGE", "disk"), config, session)


# Following the transaction -----------------------------------------------------------------


@dataclass(frozen=True)
class _Change:
    store: UploadStore
    stored_name: str
    #: The savepoint it was made in (None: the transaction itself).
    scope: SessionTransaction | None


@dataclass
class _Pending:
    written: list[_Change] = field(default_factory=list)
    removed: list[_Change] = field(default_factory=list)


_KEY = "portal.uploads.pending"


def _pending(session: Session) -> _Pending:
    return session.info.setdefault(_KEY, _Pending())


def _scope(session: Session) -> SessionTransaction | None:
    return session.get_nested_transaction()


def _inside(scope: SessionTransaction | None, savepoint: SessionTransaction) -> bool:
    while scope is not None:
        if scope is savepoint:
            return True
        scope = scope.parent
    return False


def _undo(changes: Iterable[_Change]) -> None:
    for change in changes:
        change.store.delete_quietly(change.stored_name)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    """The transaction committed: the files it stopped using go. (A savepoint released is
    not the end: the transaction around it decides.)"""
    if session.get_nested_transaction() is not None:
        return
    pending = session.info.pop(_KEY, None)
    if pending is not None:
        _undo(pending.removed)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    """The transaction ended without a commit (rolled back, or its session closed): the
    files it wrote go, the removals it asked for are forgotten."""
    if transaction.parent is None:
        pending = session.info.pop(_KEY, None)
        if pending is not None:
            _undo(pending.written)


@event.listens_for(Session, "after_soft_rollback")
def _savepoint_rolled_back(session: Session, previous: SessionTransaction) -> None:
    """A savepoint was rolled back: what was written inside it goes, what was removed
    inside it stays."""
    pending = session.info.get(_KEY)
    if pending is None or not previous.nested:
        return
    _undo(change for change in pending.written if _inside(change.scope, previous))
    pending.written = [c for c in pending.written if not _inside(c.scope, previous)]
    pending.removed = [c for c in pending.removed if not _inside(c.scope, previous)]
