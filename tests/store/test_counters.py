"""The SQL counters, against SQLite and (when MONBAN_TEST_POSTGRES_URL is set) PostgreSQL:
the same cases, atomic under racing callers."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from monban.db.database import Database
from monban.db.migrate import upgrade
from monban.store.counters import LockRule
from monban.store.sql_counters import SqlCounters

RULE = LockRule(threshold=3, window=timedelta(hours=1), base=timedelta(minutes=5),
                ceiling=timedelta(hours=24))
NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    else:
        url = os.environ.get("MONBAN_TEST_POSTGRES_URL")
        if not url:
            pytest.skip("MONBAN_TEST_POSTGRES_URL is not set (.ci/run sets it)")
        schema = "t_" + uuid.uuid4().hex[:12]
        admin = Database(url.replace("postgresql://", "postgresql+psycopg://", 1))
        admin.transaction(lambda c: c.execute(text(f"CREATE SCHEMA {schema}")))
        sep = "&" if "?" in url else "?"
        database = Database(url.replace("postgresql://", "postgresql+psycopg://", 1)
                            + f"{sep}options=-csearch_path%3D{schema}")
    upgrade(database)
    yield database
    database.dispose()
    if request.param == "postgresql":
        admin.transaction(lambda c: c.execute(text(f"DROP SCHEMA {schema} CASCADE")))
        admin.dispose()


async def test_threshold_lock_and_back_off(db: Database) -> None:
    counters = SqlCounters(db)
    for _ in range(3):
        assert (await counters.take_attempt("k", RULE, NOW)).allowed
        await counters.record_failure("k", RULE, NOW)
    slot = await counters.take_attempt("k", RULE, NOW)
    assert not slot.allowed and not slot.busy and slot.locked_until == NOW + RULE.base
    later = NOW + RULE.base + timedelta(seconds=1)
    for _ in range(3):
        assert (await counters.take_attempt("k", RULE, later)).allowed
        await counters.record_failure("k", RULE, later)
    assert await counters.locked_until("k", later) == later + RULE.base * 2
    await counters.clear_attempts("k")
    assert (await counters.take_attempt("k", RULE, later)).allowed


async def test_racing_reservations_never_pass_the_threshold(db: Database) -> None:
    counters = SqlCounters(db)
    slots = await asyncio.gather(*(counters.take_attempt("r", RULE, NOW) for _ in range(30)))
    assert sum(s.allowed for s in slots) == 3
    assert all(s.busy for s in slots if not s.allowed)
    await counters.cancel_attempt("r", NOW)
    assert (await counters.take_attempt("r", RULE, NOW)).allowed


async def test_abandoned_reservations_expire(db: Database) -> None:
    counters = SqlCounters(db)
    for _ in range(3):
        await counters.take_attempt("p", RULE, NOW)
    assert (await counters.take_attempt("p", RULE, NOW)).busy
    assert (await counters.take_attempt("p", RULE, NOW + timedelta(seconds=31))).allowed


async def test_daily_counter_is_exact_under_races(db: Database) -> None:
    counters = SqlCounters(db)
    results = await asyncio.gather(*(counters.consume_daily("a", "2026-05-01", 5)
                                     for _ in range(30)))
    assert sorted(r for r in results if r is not None) == [1, 2, 3, 4, 5]
    await counters.release_daily("a", "2026-05-01")
    assert await counters.daily_count("a", "2026-05-01") == 4
    assert await counters.consume_daily("a", "2026-05-01", 0) == 5  # 0 = no limit
