"""Moving an installation from SQLite to PostgreSQL with `monban export` / `monban import`:
every row of every table arrives unchanged, a session token issued before the move still
authenticates after it, the authenticator app still signs in (its sealed secret opens under
the same key), and the import refuses what would lose or mix data."""

from __future__ import annotations

import gzip
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from monban.accounts.model import Account
from monban.app import create_app
from monban.cli import app as cli_app
from monban.clock import FrozenClock
from monban.config import Settings
from monban.db.transfer import TransferError, export, import_file, tables
from monban.runtime import Runtime, build_runtime
from tests.conftest import TEST_HOSTS
from tests.factors import code_at, enroll_totp, mfa_flow, verify
from tests.postgres import private_schema

KEY = "transfer-test-secret-key-0123456789abcdef"


def _settings(tmp_path: Path, name: str, **values: Any) -> Settings:
    return Settings(data_dir=tmp_path / name, secret_key=KEY, argon2_memory_kib=1024,
                    argon2_time_cost=1, default_language="en", allowed_hosts=TEST_HOSTS,
                    **values)


def _client(rt: Runtime) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(runtime=rt), client=("198.51.100.7", 1)),
        base_url="http://testserver", headers={"accept-language": "en"})


def _everything(rt: Runtime) -> dict[str, list[dict[str, Any]]]:
    def read(conn: Any) -> dict[str, list[dict[str, Any]]]:
        found = {}
        for table in tables():
            order = list(table.primary_key.columns) or list(table.columns)
            found[table.name] = [dict(r._mapping) for r in
                                 conn.execute(select(table).order_by(*order))]
        return found
    return rt.db.transaction(read, write=False)


async def test_sqlite_to_postgresql_keeps_every_row_and_sessions_work(
        tmp_path: Path, clock: FrozenClock) -> None:
    source = build_runtime(_settings(tmp_path, "old"), clock)
    async with _client(source) as client:
        org = await source.directory.create_org("Acme", "acme")
        account: Account = await source.directory.create_account(
            display_name="Hanako", email="hanako@acme.example", password="correct horse battery",
            org=org, language="ja")
        await client.post("/api/v1/signin/flows", json={"identifier": "hanako@acme.example",
                                                          "password": "wrong one"})
        secret, totp_id = await enroll_totp(client, account, clock)
        flow = await mfa_flow(client, account)
        done = await verify(client, flow["flow"]["id"], totp_id, code_at(secret, clock))
        headers = {"Authorization": f"Bearer {done.json()['token']}"}
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    before = _everything(source)
    export_file = tmp_path / "monban-export.jsonl.gz"
    counts = export(source.db, export_file, source.secret_key)
    source.close()
    assert export_file.stat().st_mode & 0o077 == 0
    for name in ("accounts", "factors", "sessions", "audit_events", "orgs"):
        assert counts.rows[name] == len(before[name]) > 0

    with private_schema() as url:
        target = build_runtime(_settings(tmp_path, "new", database_url=url), clock)
        try:
            assert import_file(target.db, export_file, target.secret_key).rows == counts.rows
            assert _everything(target) == before
            # and back out of PostgreSQL (one REPEATABLE READ snapshot): the same file
            again = tmp_path / "from-postgresql.jsonl.gz"
            export(target.db, again, target.secret_key)
            assert gzip.decompress(again.read_bytes()) == gzip.decompress(
                export_file.read_bytes())
            async with _client(target) as client:
                me = await client.get("/api/v1/me", headers=headers)
                assert me.status_code == 200 and me.json()["account"]["id"] == account.id
                clock.advance(timedelta(seconds=60))
                again = await mfa_flow(client, account)
                code = code_at(secret, clock)
                signed_in = await verify(client, again["flow"]["id"], totp_id, code)
                assert signed_in.status_code == 200, signed_in.text
            # new audit rows continue after the imported ids
            assert len(_everything(target)["audit_events"]) > len(before["audit_events"])
            with pytest.raises(TransferError, match="not empty"):
                import_file(target.db, export_file, target.secret_key)
            import_file(target.db, export_file, target.secret_key, replace=True)
            assert _everything(target) == before
        finally:
            target.close()


async def test_refuses_another_secret_key_and_a_foreign_file(tmp_path: Path) -> None:
    source = build_runtime(_settings(tmp_path, "old"))
    await source.directory.create_org("Acme", "acme")
    export(source.db, tmp_path / "e.jsonl", source.secret_key)
    source.close()
    other = build_runtime(Settings(data_dir=tmp_path / "other", secret_key="another key " * 4))
    try:
        with pytest.raises(TransferError, match="secret key"):
            import_file(other.db, tmp_path / "e.jsonl", other.secret_key)
        (tmp_path / "junk.jsonl").write_text('{"hello": 1}\n')
        with pytest.raises(TransferError, match="not a Monban export"):
            import_file(other.db, tmp_path / "junk.jsonl", other.secret_key)
        assert all(not rows for rows in _everything(other).values())
    finally:
        other.close()


def test_cli_export_then_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONBAN_SECRET_KEY", KEY)
    monkeypatch.setenv("MONBAN_DATA_DIR", str(tmp_path / "old"))
    runner = CliRunner()
    assert runner.invoke(cli_app, ["org", "create", "Acme", "--slug", "acme"]).exit_code == 0
    out = runner.invoke(cli_app, ["export", str(tmp_path / "x.jsonl")])
    assert out.exit_code == 0 and "orgs 1" in out.output, out.output
    monkeypatch.setenv("MONBAN_DATA_DIR", str(tmp_path / "new"))
    done = runner.invoke(cli_app, ["import", str(tmp_path / "x.jsonl")])
    assert done.exit_code == 0 and "imported" in done.output, done.output
    again = runner.invoke(cli_app, ["import", str(tmp_path / "x.jsonl")])
    assert again.exit_code == 2 and "not empty" in again.output
    assert "acme" in runner.invoke(cli_app, ["org", "list"]).output
    broken = tmp_path / "broken.jsonl"  # the same org twice: refused whole
    lines = (tmp_path / "x.jsonl").read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith('{"table":"orgs"'))
    broken.write_text("\n".join([*lines[:at + 2], lines[at + 1], *lines[at + 2:]]) + "\n")
    monkeypatch.setenv("MONBAN_DATA_DIR", str(tmp_path / "third"))
    refused = runner.invoke(cli_app, ["import", str(broken)])
    assert refused.exit_code == 2 and "nothing was imported" in refused.output
    assert "acme" not in runner.invoke(cli_app, ["org", "list"]).output
    nowhere = runner.invoke(cli_app, ["export", str(tmp_path / "missing" / "x.jsonl")])
    assert nowhere.exit_code == 2 and "cannot write" in nowhere.output


async def test_import_applies_the_identifier_normal_form(tmp_path: Path) -> None:
    """A file from before the normal form (or edited by hand): identifiers normalised,
    control characters cleaned from names, twins kept and listed as collisions."""
    source = build_runtime(_settings(tmp_path, "old"))
    for email in ("hanako@acme.example", "twin@acme.example", "jiro@acme.example"):
        await source.directory.create_account(display_name="X", email=email,
                                              password="correct horse battery")
    export(source.db, tmp_path / "e.jsonl", source.secret_key)
    source.close()
    text = (tmp_path / "e.jsonl").read_text()
    text = text.replace('"twin@acme.example"', '"ｈａｎａｋｏ@acme.example"')
    text = text.replace('"jiro@acme.example",', '"ＪＩＲＯ@acme.example",')
    text = text.replace('"X"', '"X\\r\\nBcc: y"', 1)
    assert "ＪＩＲＯ" in text and "ｈａｎａｋｏ" in text and "Bcc" in text
    (tmp_path / "e.jsonl").write_text(text)
    target = build_runtime(_settings(tmp_path, "new"))
    try:
        counts = import_file(target.db, tmp_path / "e.jsonl", target.secret_key)
        assert counts.collisions == 2
        rows = _everything(target)
        emails = {r["email"] for r in rows["accounts"]}
        assert emails == {"hanako@acme.example", "ｈａｎａｋｏ@acme.example", "jiro@acme.example"}
        assert "X Bcc: y" in {r["display_name"] for r in rows["accounts"]}
        assert len(rows["identifier_collisions"]) == 2
    finally:
        target.close()
