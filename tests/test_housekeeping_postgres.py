"""Many nodes and workers on one PostgreSQL database: starting together migrates once, and
sweeping together lets one sweep while the others skip that round."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Connection, text

from monban.clock import FrozenClock
from monban.db.database import Database
from monban.db.migrate import upgrade
from monban.db.transfer import schema_revision
from monban.housekeeping import SWEEP_LOCK, sweep
from monban.runtime import Runtime
from tests.factors import pg_runtime  # noqa: F401 (a fixture)
from tests.postgres import private_schema


def test_nodes_starting_together_on_an_empty_database_migrate_once(tmp_path: Path) -> None:
    with private_schema() as url:
        databases = [Database(url.replace("postgresql://", "postgresql+psycopg://", 1))
                     for _ in range(4)]
        errors: list[BaseException] = []

        def start(db: Database) -> None:
            try:
                upgrade(db)
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=start, args=(db,)) for db in databases]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert not any(thread.is_alive() for thread in threads)  # without the lock: stuck
        assert errors == []
        assert databases[0].transaction(schema_revision, write=False) != ""
        for db in databases:
            db.dispose()


async def test_a_sweep_skips_while_another_node_sweeps(
        pg_runtime: Runtime, clock: FrozenClock) -> None:  # noqa: F811
    holding, release = threading.Event(), threading.Event()

    def other_node(conn: Connection) -> None:
        assert conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"),
                            {"k": SWEEP_LOCK}).scalar()
        holding.set()
        release.wait(10)

    thread = threading.Thread(target=pg_runtime.db.transaction, args=(other_node,))
    thread.start()
    try:
        assert holding.wait(10)
        assert (await sweep(pg_runtime)).skipped
    finally:
        release.set()
        thread.join(10)
    assert not (await sweep(pg_runtime)).skipped
