"""`monban idp add/list/remove`: presets, a generic OIDC issuer, an org's own IdP; the client
secret is sealed at rest and never printed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from monban.cli import app


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MONBAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MONBAN_DEFAULT_LANGUAGE", "en")
    return tmp_path / "data"


def run(*args: str, code: int = 0, secret: str | None = None) -> str:
    env = {"MONBAN_IDP_CLIENT_SECRET": secret} if secret else {}
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == code, result.output
    return result.output


def test_add_list_remove(env: Path) -> None:
    out = run("idp", "add", "google", "--client-id", "gid", "--preset", "google",
              secret="google-secret-value")
    assert "added google (Google, oidc) issuer=https://accounts.google.com" in out
    run("org", "create", "Acme", "--slug", "acme")
    run("idp", "add", "acme-sso", "--client-id", "acme", "--issuer",
        "https://sso.acme.example/", "--name", "Acme SSO", "--org", "acme", "--auto-create",
        secret="acme-secret-value")
    listed = run("idp", "list")
    assert "google\tGoogle\toidc\thttps://accounts.google.com\tserver-wide" in listed
    assert "acme-sso\tAcme SSO\toidc\thttps://sso.acme.example\torg=" in listed
    assert "auto-create" in listed
    assert "secret" not in listed
    with sqlite3.connect(env / "monban.sqlite3") as db:
        stored = [row[0] for row in db.execute(
            "select client_secret_sealed from identity_providers")]
    assert stored and all(s.startswith("v1.") and "secret-value" not in s for s in stored)
    assert "removed google" in run("idp", "remove", "google")
    assert "google" not in run("idp", "list")


def test_bad_input_is_refused(env: Path) -> None:
    out = run("idp", "add", "x", "--client-id", "c", "--preset", "nope", code=2, secret="s")
    assert "INVALID_REQUEST" in out
    out = run("idp", "add", "Bad Slug", "--client-id", "c", "--issuer", "https://a.example",
              code=2, secret="s")
    assert "INVALID_REQUEST" in out
    out = run("idp", "add", "y", "--client-id", "c", "--issuer", "https://a.example",
              "--auto-create", code=2, secret="s")  # only an org's own IdP creates accounts
    assert "INVALID_REQUEST" in out
    assert run("idp", "list").strip() == ""
