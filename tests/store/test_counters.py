"""The counters, against SQLite, PostgreSQL (when MONBAN_TEST_POSTGRES_URL is set) and
PostgreSQL + Redis (MONBAN_TEST_REDIS_URL too): the same cases, atomic under racing callers."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monban.db.database import Database
from monban.store.counters import Counters, LockRule, Quota
from monban.store.redis_counters import RedisCounters, connect
from monban.store.sql_counters import SqlCounters
from tests.postgres import migrated_database

RULE = LockRule(threshold=3, window=timedelta(hours=1), base=timedelta(minutes=5),
                ceiling=timedelta(hours=24))
NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql", "postgresql+redis"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "postgresql+redis" and not os.environ.get("MONBAN_TEST_REDIS_URL"):
        pytest.skip("MONBAN_TEST_REDIS_URL is not set (.ci/run sets it)")
    with migrated_database(request.param, tmp_path) as database:
        yield database


@pytest.fixture
async def counters(request: pytest.FixtureRequest, db: Database) -> AsyncIterator[Counters]:
    """SqlCounters on the database, or RedisCounters under a prefix no other test uses."""
    if request.node.callspec.params["db"] != "postgresql+redis":
        yield SqlCounters(db)
        return
    client = connect(os.environ["MONBAN_TEST_REDIS_URL"])
    prefix = f"test:{uuid.uuid4().hex}:"
    yield RedisCounters(client, prefix=prefix, db=db)
    async for key in client.scan_iter(match=f"{prefix}*"):  # the shared Redis stays clean
        await client.delete(key)
    await client.aclose()


async def test_threshold_lock_and_back_off(counters: Counters) -> None:
    for _ in range(3):
        assert (await counters.take_attempts([("k", RULE)], NOW))[0].allowed
        await counters.record_failures([("k", RULE)], NOW)
    slot = (await counters.take_attempts([("k", RULE)], NOW))[0]
    assert not slot.allowed and not slot.busy and slot.locked_until == NOW + RULE.base
    later = NOW + RULE.base + timedelta(seconds=1)
    for _ in range(3):
        assert (await counters.take_attempts([("k", RULE)], later))[0].allowed
        await counters.record_failures([("k", RULE)], later)
    assert await counters.locked_until("k", later) == later + RULE.base * 2
    await counters.clear_attempts("k")
    assert (await counters.take_attempts([("k", RULE)], later))[0].allowed


async def test_racing_reservations_never_pass_the_threshold(counters: Counters) -> None:
    slots = [s[0] for s in await asyncio.gather(
        *(counters.take_attempts([("r", RULE)], NOW) for _ in range(30)))]
    assert sum(s.allowed for s in slots) == 3
    assert all(s.busy for s in slots if not s.allowed)
    await counters.cancel_attempts(["r"], NOW)
    assert (await counters.take_attempts([("r", RULE)], NOW))[0].allowed


async def test_abandoned_reservations_expire(counters: Counters) -> None:
    for _ in range(3):
        await counters.take_attempts([("p", RULE)], NOW)
    assert (await counters.take_attempts([("p", RULE)], NOW))[0].busy
    assert (await counters.take_attempts([("p", RULE)], NOW + timedelta(seconds=31)))[0].allowed


async def test_daily_counter_is_exact_under_races(counters: Counters) -> None:
    results = await asyncio.gather(*(counters.consume_daily("a", "2026-05-01", 5)
                                     for _ in range(30)))
    assert sorted(r for r in results if r is not None) == [1, 2, 3, 4, 5]
    await counters.release_daily("a", "2026-05-01")
    assert await counters.daily_count("a", "2026-05-01") == 4
    assert await counters.consume_daily("a", "2026-05-01", 0) == 5  # 0 = no limit


async def test_taking_several_keys_is_all_or_nothing(counters: Counters) -> None:
    for _ in range(3):
        await counters.take_attempts([("b", RULE)], NOW)
        await counters.record_failures([("b", RULE)], NOW)
    slots = await counters.take_attempts([("a", RULE), ("b", RULE)], NOW)
    assert slots[0].allowed and not slots[1].allowed
    # "a" was released again: three attempts are still free for it
    assert all(s[0].allowed for s in [await counters.take_attempts([("a", RULE)], NOW)
                                      for _ in range(3)])


HOUR = timedelta(hours=1)


async def test_quota_counts_to_its_limit_then_refuses_until_the_next_window(
        counters: Counters) -> None:
    quota = Quota("send:dest:x", 3, HOUR)
    for _ in range(3):
        assert await counters.take_quotas([quota], NOW) is None
    assert await counters.take_quotas([quota], NOW + timedelta(minutes=59)) == quota
    assert await counters.take_quotas([quota], NOW + HOUR) is None  # a new window


async def test_quotas_are_all_or_nothing(counters: Counters) -> None:
    small, large = Quota("send:acct:a", 1, HOUR), Quota("send:org:o", 10, HOUR)
    assert await counters.take_quotas([large, small], NOW) is None
    for _ in range(3):  # refused by `small`: `large` is not counted
        assert await counters.take_quotas([large, small], NOW) == small
    for _ in range(9):
        assert await counters.take_quotas([large], NOW) is None
    assert await counters.take_quotas([large], NOW) == large


async def test_racing_quota_takes_let_exactly_the_limit_through(counters: Counters) -> None:
    quotas = [Quota("send:dest:race", 5, HOUR), Quota("send:org:race", 1000, HOUR)]
    results = await asyncio.gather(*(counters.take_quotas(quotas, NOW) for _ in range(100)))
    assert sum(result is None for result in results) == 5
    assert all(result in (None, quotas[0]) for result in results)
