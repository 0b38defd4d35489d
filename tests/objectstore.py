"""An S3-compatible object store for the tests: moto's standalone server, as a process of its
own on a free port of 127.0.0.1, started and stopped by its PID. The portal talks to it as to
any S3 server, over HTTP at ``UPLOAD_S3_ENDPOINT_URL``, with the credentials boto3 reads
from the environment (:data:`CREDENTIALS`)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.served import ROOT, free_port, stop_process

#: What boto3 reads from the environment; moto takes any.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "portal-tests", "AWS_SECRET_ACCESS_KEY": "portal-tests",
               "AWS_DEFAULT_REGION": "us-east-1"}
BUCKET = "portal-uploads"


def moto_installed() -> bool:
    try:
        import moto.server  # noqa: F401
    except ImportError:
        return False
    return True


class MotoServer:
    """``python -m moto.server`` on a free port, with :data:`BUCKET` made."""

    def __init__(self, log: Path | None = None) -> None:
        self.port = free_port()
        self.log = log or ROOT / "tests" / "artifacts" / f"moto-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> MotoServer:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                env={**os.environ, **CREDENTIALS}, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                requests.get(f"{self.endpoint}/moto-api/", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError(f"moto's server did not start; see {self.log}")
        if self.process.poll() is not None:
            raise RuntimeError(f"moto's server stopped at once; see {self.log}")
        self.client().create_bucket(Bucket=BUCKET)
        return self

    def client(self):
        import boto3

        return boto3.session.Session(
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            region_name=CREDENTIALS["AWS_DEFAULT_REGION"]).client("s3",
                                                                  endpoint_url=self.endpoint)

    def keys(self, prefix: str) -> list[str]:
        """The keys under ``prefix/``, read straight from the server."""
        listed = self.client().list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/")
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def stop(self) -> None:
        stop_process(self.process, timeout=10)

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()
