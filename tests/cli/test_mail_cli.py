"""`monban app-password …`: an operator makes, lists and revokes a person's app passwords."""

from __future__ import annotations

import re

import pytest

from tests.cli.test_cli import fails, run

pytestmark = pytest.mark.usefixtures("env")


def test_create_list_and_revoke() -> None:
    run("org", "create", "Acme", "--slug", "acme")
    run("user", "create", "--email", "m@acme.example", "--name", "M", "--org", "acme",
        "--password", "member password")
    made = run("app-password", "create", "m@acme.example", "--name", "Thunderbird")
    password_id = made.split("\t")[0]
    assert re.search(r"shown once\): [a-z]{4} [a-z]{4} [a-z]{4} [a-z]{4}", made)
    listed = run("app-password", "list", "m@acme.example")
    assert "Thunderbird" in listed and "never used" in listed
    assert "revoked" in run("app-password", "revoke", "m@acme.example", password_id)
    assert "NOT_FOUND" in fails("app-password", "revoke", "m@acme.example", password_id)
    assert run("app-password", "list", "m@acme.example") == ""
