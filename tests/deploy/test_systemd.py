"""The systemd unit of the web server (``deploy/portal-web.service``) and its settings file.

systemd itself does not run here, so the unit is checked the ways that do not need it:
``systemd-analyze verify`` (syntax, known options, an executable ExecStart), its parsed
options (restart on failure, the hardening), and its ExecStart run for real: the same
gunicorn arguments, in the unit's working directory, with the unit's environment and the
example settings file, on a free port of 127.0.0.1 instead of 8000. It serves a page, then
is killed by its PID.
"""

from __future__ import annotations

import configparser
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from portal.audit import signing
from tests.served import free_port

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "portal-web.service"
SETTINGS = ROOT / "deploy" / "portal.env.example"
README = ROOT / "README.md"
#: The installed gunicorn of this checkout's virtual environment.
GUNICORN = Path(sys.executable).with_name("gunicorn")
PUBLIC_HOST = "budget.example.ua"


def unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None, strict=True)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read(UNIT, encoding="utf-8")
    return parser


def environment_file(path: Path) -> dict[str, str]:
    """``KEY=VALUE`` lines as systemd's EnvironmentFile= reads them (comments, quotes)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        name, _, value = line.partition("=")
        values[name.strip()] = " ".join(shlex.split(value)) if value.strip() else ""
    return values


def unit_environment(service) -> dict[str, str]:
    return dict(item.split("=", 1) for item in shlex.split(service["Environment"]))


def test_systemd_analyze_verifies_the_unit_with_this_checkout_s_gunicorn(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    text = UNIT.read_text(encoding="utf-8")
    assert "/opt/portal/.venv/bin/gunicorn " in text
    checked = tmp_path / UNIT.name
    checked.write_text(text.replace("/opt/portal/.venv/bin/gunicorn", str(GUNICORN)),
                       encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", str(checked)],
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_unit_restarts_gunicorn_on_failure_as_a_dedicated_hardened_user():
    service = unit()["Service"]
    assert service["Restart"] == "on-failure"
    assert service["RestartSec"] == "2s"
    assert service["User"] == service["Group"] == "portal"
    assert service["EnvironmentFile"] == "/etc/portal/portal.env"
    assert service["Type"] == "notify"  # gunicorn says READY=1 once it serves
    command = shlex.split(service["ExecStart"])
    assert command[0] == f"{service['WorkingDirectory']}/.venv/bin/gunicorn"  # make install's
    assert command[1:] == ["--workers", "3", "--worker-class", "sync",
                           "--bind", "127.0.0.1:8000", "--access-logfile", "-",
                           "portal:create_app()"]
    for option, value in {"NoNewPrivileges": "true", "ProtectSystem": "strict",
                          "PrivateTmp": "true", "ProtectHome": "true",
                          "PrivateDevices": "true", "CapabilityBoundingSet": ""}.items():
        assert service[option] == value, option
    # The instance folder (uploads, outbox) is the one place it writes.
    instance = unit_environment(service)["PORTAL_INSTANCE"]
    assert service["ReadWritePaths"] == instance == "/var/lib/portal"
    assert service["StateDirectory"] == "portal"
    assert unit()["Install"]["WantedBy"] == "multi-user.target"


def test_the_settings_file_names_only_settings_the_portal_reads():
    config_source = (ROOT / "config.py").read_text(encoding="utf-8")
    read = set(re.findall(r'(?:environ\.get|env_list)\("([A-Z_]+)"', config_source))
    read |= {"SECRET_KEY", "PERSON_KEY_SECRET"}  # read by name from SECRET_NAMES
    settings = environment_file(SETTINGS)
    assert set(settings) <= read, set(settings) - read
    assert {"PORTAL_ENV", "PUBLIC_URL", "DATABASE_URL", "SECRET_KEY", "PERSON_KEY_SECRET",
            "PROXY_HOPS", "RATELIMIT_STORAGE_URI", "MAIL_BACKEND", "MAIL_SMTP_HOST"} <= set(
        settings)
    assert settings["PORTAL_ENV"] == "production"
    assert settings["MAIL_SENDER"] == "Бюджет участі <noreply@budget.example.ua>"


def test_the_readme_installs_the_unit_and_explains_each_setting():
    readme = README.read_text(encoding="utf-8")
    production = readme.split("## Running in production", 1)[1].split("\n## ", 1)[0]
    for words in ("deploy/portal-web.service", "systemctl enable --now portal-web",
                  "deploy/portal.env.example", "/etc/portal/portal.env", "db upgrade"):
        assert words in production, words
    for name in environment_file(SETTINGS):
        assert f"`{name}`" in readme, name


def start_unit_command(tmp_path: Path, database_url: str, **changes: str | None):
    """The unit's ExecStart, as systemd would run it, on a free port of 127.0.0.1: the
    process (in a session of its own), its address and its log. ``changes`` replace
    settings of the file (None removes one)."""
    service = unit()["Service"]
    command = shlex.split(service["ExecStart"])
    port = free_port()
    command[0] = str(GUNICORN)
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", "HOME": str(tmp_path),
           **environment_file(SETTINGS), **unit_environment(service),
           # What this machine has instead of the example's servers and secrets:
           "DATABASE_URL": database_url, "RATELIMIT_STORAGE_URI": "memory://",
           "SECRET_KEY": secrets.token_urlsafe(48),
           "PERSON_KEY_SECRET": secrets.token_urlsafe(48),
           "AUDIT_SIGNING_KEY": signing.new_key_pem(), "AUDIT_SIGNING_KEY_FILE": None,
           "PORTAL_INSTANCE": str(tmp_path / "instance"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), **changes}
    env = {name: value for name, value in env.items() if value is not None}
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    return server, f"http://127.0.0.1:{port}", log


def test_the_unit_s_command_serves_the_portal_in_production_until_killed(database_url,
                                                                        tmp_path):
    settings = environment_file(SETTINGS)
    assert settings["PORTAL_ENV"] == "production"
    assert settings["PUBLIC_URL"] == f"https://{PUBLIC_HOST}"
    server, base, log = start_unit_command(tmp_path, database_url)
    # As nginx forwards it: the public host, https.
    proxied = {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"}
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
            try:
                # Accepted by the master at once, answered once a worker has booted.
                health = requests.get(f"{base}/healthz", headers=proxied, timeout=60)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        home = requests.get(f"{base}/", headers=proxied, timeout=30)
        assert home.status_code == 200
        assert "Бюджет участі" in home.text
        assert home.headers["Strict-Transport-Security"].startswith("max-age=")
        # Production answers its public host only, named in Host or, by the proxy it
        # believes (PROXY_HOPS=1), in X-Forwarded-Host.
        assert requests.get(f"{base}/", timeout=30).status_code == 400
        forged = {**proxied, "X-Forwarded-Host": "evil.example"}
        assert requests.get(f"{base}/forgot", headers=forged, timeout=30).status_code == 400
        assert "\"GET / HTTP/1.1\" 200 " in log.read_text(encoding="utf-8")  # the access log
    finally:
        os.killpg(server.pid, signal.SIGKILL)  # the master and its workers, by the PID kept
        server.wait(timeout=30)


def test_without_a_public_url_the_unit_s_command_stops_and_the_log_says_why(database_url,
                                                                           tmp_path):
    server, _base, log = start_unit_command(tmp_path, database_url, PUBLIC_URL=None)
    try:
        # A failure exit, which Restart=on-failure retries (journalctl shows this log).
        assert server.wait(timeout=120) != 0
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
    assert ("RuntimeError: Refusing to start in production: PUBLIC_URL must be set to the "
            "portal's public address") in log.read_text(encoding="utf-8")


WORKER_UNIT = ROOT / "deploy" / "portal-worker.service"


def test_systemd_analyze_verifies_the_worker_unit_with_this_checkout_s_flask(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    text = WORKER_UNIT.read_text(encoding="utf-8")
    assert "/opt/portal/.venv/bin/flask --app portal worker" in text
    checked = tmp_path / WORKER_UNIT.name
    checked.write_text(text.replace("/opt/portal/.venv/bin/flask",
                                    str(GUNICORN.with_name("flask"))), encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", str(checked)],
                            capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_worker_unit_runs_beside_the_web_one_and_stops_letting_its_jobs_finish():
    parser = configparser.ConfigParser(delimiters=("=",), interpolation=None, strict=True)
    parser.optionxform = str
    parser.read(WORKER_UNIT, encoding="utf-8")
    worker, web = parser["Service"], unit()["Service"]
    assert shlex.split(worker["ExecStart"]) == [
        "/opt/portal/.venv/bin/flask", "--app", "portal", "worker"]
    assert worker["KillSignal"] == "SIGINT"  # huey's consumer finishes the jobs under way
    assert worker["Restart"] == "always"
    for option in ("User", "Group", "WorkingDirectory", "EnvironmentFile", "Environment",
                   "ReadWritePaths", "ProtectSystem", "NoNewPrivileges", "PrivateTmp",
                   "CapabilityBoundingSet", "SystemCallFilter"):
        assert worker[option] == web[option], option
    readme = README.read_text(encoding="utf-8")
    assert "systemctl enable --now portal-web portal-worker" in readme
    assert environment_file(SETTINGS)["JOBS_URL"].startswith("redis://")
