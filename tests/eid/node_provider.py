"""node-oidc-provider (panva's ``oidc-provider``, OpenID Certified) as a child process.

``make oidc-deps`` installs it from ``oidc-provider/package-lock.json`` into
``oidc-provider/node_modules``; ``oidc-provider/provider.js`` configures it from what the
test passes (clients, an issuer with or without a trailing slash), listens on 127.0.0.1 on
a free port and prints its issuer. ``start()`` skips the test, saying why, when Node.js or
the package is missing; ``stop()`` ends the process by its PID.
"""

from __future__ import annotations

import json
import os
import secrets
import selectors
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests

HERE = Path(__file__).resolve().parent / "oidc-provider"
SCRIPT = HERE / "provider.js"
STARTUP_SECONDS = 20


class NodeProvider:
    """One provider process; ``set_person`` chooses whom it logs in and what it says."""

    def __init__(self, clients: list[dict[str, Any]], *, issuer_suffix: str = "",
                 log: Path) -> None:
        self.clients = clients
        self.issuer_suffix = issuer_suffix
        self.log = log
        self.token = secrets.token_urlsafe(24)
        self.issuer = ""
        self.process: subprocess.Popen | None = None

    def start(self) -> NodeProvider:
        node = shutil.which("node")
        if node is None:
            pytest.skip("Node.js is not installed: the second e-ID provider cannot run")
        if not (HERE / "node_modules" / "oidc-provider").is_dir():
            pytest.skip("oidc-provider is not installed (npm unreachable?): run make oidc-deps")
        settings = {"clients": self.clients, "issuer_suffix": self.issuer_suffix,
                    "control_token": self.token}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [node, str(SCRIPT)], cwd=HERE, stdout=subprocess.PIPE, stderr=log,
                stdin=subprocess.DEVNULL,
                env={**os.environ, "OIDC_PROVIDER_CONFIG": json.dumps(settings)})
        line = self._first_line()
        self.issuer = json.loads(line)["issuer"]
        return self

    def _first_line(self) -> str:
        assert self.process is not None and self.process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout=STARTUP_SECONDS):
                self.stop()
                raise RuntimeError(f"oidc-provider did not start; see {self.log}")
        line = self.process.stdout.readline().decode()
        if not line:
            self.stop()
            raise RuntimeError(f"oidc-provider exited: {self.log.read_text()[-2000:]}")
        return line

    def set_person(self, sub: str, claims: dict[str, Any]) -> None:
        answer = requests.put(self.issuer.rstrip("/") + "/__test__/account", timeout=10,
                              json={"sub": sub, "claims": claims},
                              headers={"Authorization": f"Bearer {self.token}"})
        assert answer.status_code == 204, answer.text

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()  # by the PID of the child this object started
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None
