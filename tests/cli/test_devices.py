"""`monban user devices` and `monban user unrestrict`: the operator lifts a restriction."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monban.cli import app
from monban.config import Settings
from monban.runtime import build_runtime
from monban.store.audit import AuditQuery


def test_operator_lifts_a_restriction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("MONBAN_DATA_DIR", str(data))
    settings = Settings(data_dir=data, argon2_memory_kib=1024, argon2_time_cost=1)

    async def prepare() -> None:
        rt = build_runtime(settings)
        try:
            account = await rt.directory.create_account(
                display_name="Ken", email="ken@example.com", password="correct horse battery")
            await rt.authenticator.set_restriction(account, True, account.id, "192.0.2.1")
        finally:
            rt.close()

    asyncio.run(prepare())
    shown = CliRunner().invoke(app, ["user", "devices", "ken@example.com"])
    assert shown.exit_code == 0 and "sign-in restriction: on" in shown.output
    lifted = CliRunner().invoke(app, ["user", "unrestrict", "ken@example.com"])
    assert lifted.exit_code == 0 and "turned off" in lifted.output

    async def audited() -> list[str]:
        rt = build_runtime(settings)
        try:
            account = await rt.directory.account("ken@example.com")
            assert not await rt.authenticator.restricted(account.id)
            events = await rt.directory.audit(AuditQuery(account_id=account.id, limit=5))
            return [e.event for e in events]
        finally:
            rt.close()

    assert "signin_restriction.off" in asyncio.run(audited())
