"""The operator's recovery commands (for personal accounts, which have no org admin):
`monban user backup-code` and `monban user reset-mfa`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from monban.cli import app

PASSWORD = "correct horse battery staple"


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(autouse=True)
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {"MONBAN_DATA_DIR": str(tmp_path / "data"),
                       "MONBAN_DEFAULT_LANGUAGE": "en", "MONBAN_ARGON2_MEMORY_KIB": "1024",
                       "MONBAN_ARGON2_TIME_COST": "1"}.items():
        monkeypatch.setenv(key, value)


def test_backup_code_and_mfa_reset_for_a_personal_account() -> None:
    run("user", "create", "--email", "solo@example.net", "--name", "Solo", "--password",
        PASSWORD, "--language", "en")
    code = run("user", "backup-code", "solo@example.net").strip()
    assert len(code) == 14 and code.count("-") == 2
    outbox = run("outbox")
    assert "[Monban] A backup verification code was issued" in outbox and code not in outbox
    assert "'factors_removed': 1" in run("user", "reset-mfa", "solo@example.net")
    assert "[Monban] Your two-step verification was reset" in run("outbox")
    result = CliRunner().invoke(app, ["user", "reset-mfa", "nobody@example.net"])
    assert result.exit_code == 2 and "NOT_FOUND" in result.output
