"""The CLI meets the one identifier rule: equivalent spellings are taken, look-alikes and
display names with CR/LF are refused, and an operator lists and resolves collisions
(`monban user collisions`, `set-identifier`, `collisions --fix`)."""

from __future__ import annotations

from sqlalchemy import Connection, update

from monban.config import Settings
from monban.db import tables
from monban.runtime import build_runtime
from tests.cli.test_cli import fails, run


def test_equivalents_look_alikes_and_control_characters(env: dict[str, str]) -> None:
    run("user", "create", "--email", "hanako@acme.example", "--name", "Hanako",
        "--password", "member password 1")
    assert "IDENTIFIER_TAKEN" in fails("user", "create", "--email", "ＨＡＮＡＫＯ@acme.example",
                                       "--name", "Twin", "--password", "member password 1")
    assert "IDENTIFIER_NOT_ALLOWED" in fails(
        "user", "create", "--email", "h\u0430nako@acme.example", "--name", "Look-alike",
        "--password", "member password 1")
    out = fails("user", "create", "--email", "jiro@acme.example", "--name", "Jiro\r\nX",
                "--password", "member password 1")
    assert "INVALID_REQUEST" in out and "display_name" in out


def test_collisions_are_listed_and_resolved(env: dict[str, str]) -> None:
    run("user", "create", "--email", "hanako@acme.example", "--name", "Hanako",
        "--password", "member password 1")
    run("user", "create", "--email", "twin@acme.example", "--name", "Twin",
        "--password", "member password 1")
    runtime = build_runtime(Settings())

    def older_spelling(conn: Connection) -> None:  # as a Monban before 0011 stored it
        conn.execute(update(tables.accounts).where(tables.accounts.c.email == "twin@acme.example")
                     .values(email="ｈａｎａｋｏ@acme.example"))
    runtime.db.transaction(older_spelling)
    runtime.close()
    assert "no identifier collisions" in run("user", "collisions")
    listed = run("user", "collisions", "--fix")
    assert '"collisions": 2' in listed
    assert listed.count("hanako@acme.example") == 3  # 2 normal forms + the ASCII stored one
    twin_id = next(line.split("\t")[3] for line in listed.splitlines()
                   if line.startswith("email\t") and "ｈａｎａｋｏ" in line)
    run("user", "set-identifier", twin_id, "--email", "twin@acme.example")
    assert "no identifier collisions" in run("user", "collisions", "--fix")
    assert "twin@acme.example" in run("user", "list")
    assert "INVALID_REQUEST" in fails("user", "set-identifier", twin_id, "--remove", "email")
