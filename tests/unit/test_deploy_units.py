"""The systemd units in ``deploy/`` run commands the portal has."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


def test_the_audit_checkpoint_timer_starts_a_oneshot_that_signs_a_checkpoint(app):
    timer = unit("portal-audit-checkpoint.timer")
    assert timer["Timer"]["Unit"] == "portal-audit-checkpoint.service"
    assert timer["Timer"]["OnCalendar"] and timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"
    service = unit("portal-audit-checkpoint.service")["Service"]
    assert service["Type"] == "oneshot"
    command = shlex.split(service["ExecStart"])
    assert command[0].endswith("/flask") and command[1:3] == ["--app", "portal"]
    help_text = app.test_cli_runner().invoke(args=[*command[3:], "--help"])
    assert help_text.exit_code == 0 and "Sign the audit log" in help_text.output
    # The settings of the web service, whose file names the key (README.md, AUDIT_SIGNING_KEY).
    assert service["EnvironmentFile"] == "/etc/portal/portal.env"
    assert command[0] == f"{service['WorkingDirectory']}/.venv/bin/flask"
