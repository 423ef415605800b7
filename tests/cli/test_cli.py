"""The `monban` command: admin commands on a fresh data directory, and `monban serve` as a
real process that prints the first-start hint and answers sign-ins."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from monban.cli import app
from tests.cli.conftest import FAST


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def fails(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 2, result.output
    return result.output


def test_org_user_ip_and_audit(env: dict[str, str]) -> None:
    assert "created org acme" in run("org", "create", "Acme", "--slug", "acme")
    run("user", "create", "--email", "a@acme.example", "--name", "A", "--org", "acme",
        "--role", "admin", "--password", "admin password 1")
    run("user", "create", "--phone", "+81 90 1234 5678", "--name", "M", "--org", "acme",
        "--password", "member password")
    assert "+819012345678" in run("user", "list", "--org", "acme")
    settings = json.loads(run("org", "set", "acme", "session_limit=3", "timezone=Asia/Tokyo",
                              "hide_account_existence=true"))
    assert settings["session_limit"] == 3 and settings["hide_account_existence"] is True
    assert "10.0.0.0/8" in run("ip", "add", "10.1.2.3/8", "--org", "acme", "--name", "office")
    assert "office" in run("ip", "list", "--org", "acme")
    run("user", "disable", "+819012345678")
    log = run("audit", "--org", "acme")
    assert "account.updated" in log and "ip_rule.added" in log and "org.created" in log


def test_org_sms_countries(env: dict[str, str]) -> None:
    run("org", "create", "Acme", "--slug", "acme")
    settings = json.loads(run("org", "set", "acme", "sms_countries=jp,US"))
    assert settings["sms_countries"] == ["JP", "US"]
    assert json.loads(run("org", "set", "acme", "sms_countries="))["sms_countries"] == []
    assert "INVALID_REQUEST" in fails("org", "set", "acme", "sms_countries=XX")


def test_errors_are_catalogue_codes(env: dict[str, str]) -> None:
    run("org", "create", "Acme", "--slug", "acme")
    assert "IDENTIFIER_TAKEN" in fails("org", "create", "Other", "--slug", "acme")
    assert "INVALID_IP_RULE" in fails("ip", "add", "10.0.0.0/99", "--org", "acme")
    assert "PASSWORD_POLICY_VIOLATION" in fails(
        "user", "create", "--email", "x@acme.example", "--name", "X", "--password", "short")
    assert "INVALID_EMAIL" in fails("user", "create", "--email", "nope", "--name", "X",
                                    "--password", "long enough 1")
    assert "INVALID_REQUEST" in fails("org", "set", "acme", "session_limit=-1")
    assert "NOT_FOUND" in fails("user", "disable", "ghost@acme.example")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_starts_on_sqlite_and_signs_in(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "MONBAN_DATA_DIR": str(tmp_path / "data"), **FAST}
    server = subprocess.Popen([sys.executable, "-m", "monban", "serve", "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("monban serve did not start")
        subprocess.run([sys.executable, "-m", "monban", "user", "create", "--email",
                        "root@example.com", "--name", "Root", "--superadmin",
                        "--password", "serve and sign in"], env=env, check=True,
                       capture_output=True)
        response = httpx.post(f"http://127.0.0.1:{port}/api/v1/signin/flows", json={
            "identifier": "root@example.com", "password": "serve and sign in"})
        assert response.status_code == 200
        assert (tmp_path / "data" / "monban.sqlite3").exists()
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert "monban user create" in output  # the first-start hint
