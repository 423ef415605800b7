"""Migration 0011 brings stored identifiers to the one normal form and never merges or loses
an account: twins that normalise alike are left untouched and listed (`monban user
collisions`), then resolved by the operator (`set-identifier`, `collisions --fix`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, select, text

from monban.db import tables
from monban.db.database import Database
from monban.db.migrate import alembic_config
from monban.store import identifier_collisions
from tests.postgres import private_schema

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _upgrade(db: Database, revision: str) -> None:
    config = alembic_config()
    with db.engine.connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        conn.commit()


@pytest.fixture(params=["sqlite", "postgresql"])
def at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
        _upgrade(db, "0008")
        yield db
        db.dispose()
        return
    with private_schema() as url:
        db = Database(url.replace("postgresql://", "postgresql+psycopg://", 1))
        _upgrade(db, "0008")
        yield db
        db.dispose()


ROWS = [  # id, email, phone, username, display name: as an older Monban stored them
    ("a1", "hanako@acme.example", None, None, "Hanako"),
    ("a2", "ｈａｎａｋｏ@acme.example", None, None, "Hanako twin"),
    ("a3", "ﬁ@acme.example", None, None, "Fi\r\nBcc: x"),
    ("a4", None, "+819012345678", "taro", "Taro"),
    ("a5", "ｊｉｒｏ@acme.example", None, None, "Jiro"),
]


def _seed(db: Database) -> None:
    def work(conn: Connection) -> None:
        for account_id, email, phone, username, name in ROWS:
            conn.execute(tables.accounts.insert().values(
                id=account_id, email=email, phone=phone, username=username,
                display_name=name, language="en", timezone="UTC", disabled=False,
                is_superadmin=False, created_at=NOW))
        conn.execute(tables.recovery_contacts.insert().values(
            id="c1", account_id="a5", channel="email", target="ＪＩＲＯ@home.example",
            verified_at=NOW, created_at=NOW))
    db.transaction(work)


def test_migration_normalises_and_records_collisions(at_0008: Database) -> None:
    _seed(at_0008)
    _upgrade(at_0008, "head")

    def read(conn: Connection) -> tuple[dict[str, tuple[str | None, str]],
                                       list[identifier_collisions.Collision], str]:
        rows = conn.execute(select(tables.accounts))
        accounts = {r.id: (r.email, r.display_name) for r in rows}
        found = identifier_collisions.list_all(conn, tables.identifier_collisions)
        target = conn.execute(text("SELECT target FROM recovery_contacts")).scalar_one()
        return accounts, list(found), target

    accounts, found, target = at_0008.transaction(read, write=False)
    assert len(accounts) == 5  # nobody merged or lost
    assert accounts["a1"][0] == "hanako@acme.example"  # the twins: untouched...
    assert accounts["a2"][0] == "ｈａｎａｋｏ@acme.example"
    assert {(c.account_id, c.normal) for c in found} == {
        ("a1", "hanako@acme.example"), ("a2", "hanako@acme.example")}  # ...and listed
    assert accounts["a3"] == ("fi@acme.example", "Fi Bcc: x")  # alone: normalised, cleaned
    assert accounts["a5"][0] == "jiro@acme.example"
    assert target == "jiro@home.example"
