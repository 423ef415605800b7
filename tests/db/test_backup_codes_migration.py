"""Migration 0010 binds every stored backup code to its account's backup-code factor and
deletes the codes whose factor was already removed (issue 12.8: before it, removal left them
behind, and a factor made again later let them in); its downgrade goes back."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from monban.accounts.model import Role
from monban.clock import FrozenClock
from monban.config import Settings
from monban.db.database import Database
from monban.db.migrate import alembic_config, upgrade
from monban.runtime import build_runtime
from tests.conftest import PASSWORD
from tests.factors import factor_context


def _before_0010() -> str:
    """The revision 0010 follows (the chain is renumbered when branches are merged)."""
    down = ScriptDirectory.from_config(alembic_config()).get_revision("0010").down_revision
    assert isinstance(down, str)
    return down


def _down_to(db: Database, revision: str) -> None:
    config = alembic_config()
    with db.engine.connect() as conn:
        conn.info["monban_write"] = True
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
        conn.commit()


async def test_codes_are_bound_and_orphans_dropped(tmp_path: Path, clock: FrozenClock) -> None:
    settings = Settings(data_dir=tmp_path / "data", argon2_memory_kib=1024, argon2_time_cost=1)
    rt = build_runtime(settings, clock)
    try:
        org = await rt.directory.create_org("Acme", "acme")
        kept, orphaned = [await rt.directory.create_account(
            display_name=name, email=f"{name}@acme.example", password=PASSWORD, org=org,
            role=Role.MEMBER, language="en") for name in ("kept", "orphaned")]
        backup = rt.factors.registry["backup_code"]
        enrolled = await backup.enroll(factor_context(kept, clock), "", {"count": 5})
        gone = await backup.enroll(factor_context(orphaned, clock), "", {"count": 5})
        assert enrolled.factor is not None and gone.factor is not None
        _down_to(rt.db, _before_0010())

        gone_id = gone.factor.id

        def orphan(conn: Connection) -> None:  # what removal used to leave: codes, no factor
            conn.execute(text("DELETE FROM factors WHERE id = :f"), {"f": gone_id})
        rt.db.transaction(orphan)
        upgrade(rt.db)

        def rows(conn: Connection) -> list[tuple[str, str]]:
            return [(r[0], r[1]) for r in conn.execute(text(
                "SELECT account_id, factor_id FROM backup_codes"))]
        found = rt.db.transaction(rows, write=False)
        assert found == [(kept.id, enrolled.factor.id)] * 5
        code = enrolled.display["codes"][0]
        assert await backup.verify(factor_context(kept, clock), enrolled.factor,
                                   {"code": code}, {}) is None
    finally:
        rt.close()


def test_the_downgrade_goes_back(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    try:
        upgrade(db)
        _down_to(db, _before_0010())
        columns = db.transaction(lambda c: [r[1] for r in c.execute(
            text("PRAGMA table_info(backup_codes)"))], write=False)
        assert "factor_id" not in columns
        upgrade(db)
    finally:
        db.dispose()
