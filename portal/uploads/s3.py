"""Uploaded files in an S3-compatible object store (``UPLOAD_STORAGE=s3://bucket/prefix``).

Amazon S3, MinIO, Ceph's gateway, a hosting provider's object storage: anything that speaks
the S3 protocol, at ``UPLOAD_S3_ENDPOINT_URL`` (Amazon's own when empty), through boto3.
The credentials and the region are found as boto3 always finds them (``AWS_ACCESS_KEY_ID``
and ``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``, a profile, an instance's role): the
portal keeps no copy of them. The bucket exists already; each file is the object
``prefix/stored_name``.

A request never waits long for the store: connecting gives up after
:data:`CONNECT_TIMEOUT_SECONDS`, a reply after :data:`READ_TIMEOUT_SECONDS`, with one try
again; then the store is :class:`~portal.uploads.storage.StorageUnavailable` (503).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from portal.uploads.storage import (
    STORED_NAME,
    FileMissing,
    StorageUnavailable,
    UploadStore,
    checked_name,
)

CONNECT_TIMEOUT_SECONDS = 3
READ_TIMEOUT_SECONDS = 10
#: Tries in all, the first included.
ATTEMPTS = 2

_clients: dict[str, Any] = {}
_clients_lock = threading.Lock()


def client(endpoint_url: str) -> Any:
    """The process's S3 client for ``endpoint_url`` (boto3's clients are safe to share
    between threads; making one takes tens of milliseconds). boto3 is imported only by an
    installation that stores files in S3."""
    with _clients_lock:
        if endpoint_url not in _clients:
            import boto3
            from botocore.config import Config

            _clients[endpoint_url] = boto3.session.Session().client(
                "s3", endpoint_url=endpoint_url or None, config=Config(
                    connect_timeout=CONNECT_TIMEOUT_SECONDS, read_timeout=READ_TIMEOUT_SECONDS,
                    retries={"max_attempts": ATTEMPTS, "mode": "standard"},
                    # A server of one's own answers at its address, not at bucket.address.
                    s3={"addressing_style": "path" if endpoint_url else "auto"}))
        return _clients[endpoint_url]


@contextmanager
def _answers(what: str, stored_name: str = "") -> Iterator[None]:
    """boto3's errors as the store's: an object that is not there is ``FileMissing``;
    anything else (no connection, a timeout, no credentials, no bucket, the server's own
    error) is ``StorageUnavailable``, saying what."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if stored_name and code in ("NoSuchKey", "404", "NotFound"):
            raise FileMissing(stored_name) from None
        raise StorageUnavailable(f"S3 {what}: {code or error}") from error
    except BotoCoreError as error:
        raise StorageUnavailable(f"S3 {what}: {type(error).__name__}: {error}") from error


class S3Store(UploadStore):
    """Files as objects ``prefix/stored_name`` of one bucket."""

    def __init__(self, bucket: str, prefix: str, *, endpoint_url: str, max_bytes: int,
                 session: Session | None = None) -> None:
        super().__init__(max_bytes=max_bytes, session=session)
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url

    def _key(self, stored_name: str) -> str:
        name = checked_name(stored_name)
        return f"{self.prefix}/{name}" if self.prefix else name

    def put(self, stored_name: str, data: bytes) -> None:
        with _answers("put"):
            client(self.endpoint_url).put_object(Bucket=self.bucket, Key=self._key(stored_name),
                                                 Body=data)

    def get(self, stored_name: str) -> bytes:
        with _answers("get", stored_name):
            answer = client(self.endpoint_url).get_object(Bucket=self.bucket,
                                                          Key=self._key(stored_name))
            return answer["Body"].read()

    def delete(self, stored_name: str) -> None:
        with _answers("delete"):
            client(self.endpoint_url).delete_object(Bucket=self.bucket,
                                                    Key=self._key(stored_name))

    def names(self) -> list[str]:
        start = f"{self.prefix}/" if self.prefix else ""
        found = []
        with _answers("list"):
            pages = client(self.endpoint_url).get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=start)
            for page in pages:
                for item in page.get("Contents", []):
                    name = item["Key"][len(start):]
                    if STORED_NAME.fullmatch(name):
                        found.append(name)
        return sorted(found)

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"
