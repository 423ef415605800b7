"""A Redis restart forgets nothing that decides a sign-in (issue 12): locks, back-off levels,
failures in a row and daily counts are written through to the database and seed Redis when
it no longer knows a key. The restart is simulated by deleting this test's own keys (a
private prefix: the Redis is shared, never FLUSHDB), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from redis.asyncio import Redis

from monban.db.database import Database
from monban.store import durable_counters
from monban.store.redis_counters import RedisCounters, connect
from tests.postgres import migrated_database
from tests.store.test_counters import NOW, RULE


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if not os.environ.get("MONBAN_TEST_REDIS_URL"):
        pytest.skip("MONBAN_TEST_REDIS_URL is not set (.ci/run sets it)")
    with migrated_database(request.param, tmp_path) as database:
        yield database


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = connect(os.environ["MONBAN_TEST_REDIS_URL"])
    yield client
    await client.aclose()


@pytest.fixture
def prefix() -> str:
    return f"test:{uuid.uuid4().hex}:"


@pytest.fixture
async def counters(redis: Redis, db: Database, prefix: str) -> AsyncIterator[RedisCounters]:
    yield RedisCounters(redis, prefix=prefix, db=db)
    await restart(redis, prefix)


async def restart(redis: Redis, prefix: str) -> None:
    """What a Redis without persistence keeps after a restart: none of Monban's keys."""
    async for key in redis.scan_iter(match=f"{prefix}*"):
        await redis.delete(key)


async def lock(counters: RedisCounters, key: str) -> None:
    for _ in range(RULE.threshold):
        assert (await counters.take_attempts([(key, RULE)], NOW))[0].allowed
        await counters.record_failures([(key, RULE)], NOW)


async def test_a_lock_survives_a_restart(counters: RedisCounters, redis: Redis,
                                         prefix: str) -> None:
    await lock(counters, "src:a:ip:1")
    await restart(redis, prefix)
    slot = (await counters.take_attempts([("src:a:ip:1", RULE)], NOW))[0]
    assert not slot.allowed and slot.locked_until == NOW + RULE.base
    assert await counters.locked_until("src:a:ip:1", NOW) == NOW + RULE.base


async def test_the_back_off_level_survives_a_restart(counters: RedisCounters, redis: Redis,
                                                     prefix: str) -> None:
    await lock(counters, "k")
    later = NOW + RULE.base + timedelta(seconds=1)
    await restart(redis, prefix)
    for _ in range(RULE.threshold):
        assert (await counters.take_attempts([("k", RULE)], later))[0].allowed
        await counters.record_failures([("k", RULE)], later)
    assert await counters.locked_until("k", later) == later + RULE.base * 2  # not base again


async def test_failures_in_a_row_survive_a_restart(counters: RedisCounters, redis: Redis,
                                                   prefix: str) -> None:
    """Bouncing Redis between guesses does not give fresh ones."""
    for _ in range(RULE.threshold - 1):
        await counters.take_attempts([("k", RULE)], NOW)
        await counters.record_failures([("k", RULE)], NOW)
        await restart(redis, prefix)
    assert (await counters.take_attempts([("k", RULE)], NOW))[0].allowed
    await counters.record_failures([("k", RULE)], NOW)
    await restart(redis, prefix)
    assert not (await counters.take_attempts([("k", RULE)], NOW))[0].allowed


async def test_a_success_clears_the_copy_too(counters: RedisCounters, redis: Redis,
                                             prefix: str, db: Database) -> None:
    await counters.take_attempts([("k", RULE)], NOW)
    await counters.record_failures([("k", RULE)], NOW)
    await counters.clear_attempts("k")
    assert await db.run(durable_counters.load_attempts, ["k"], write=False) == {}
    await restart(redis, prefix)
    for _ in range(RULE.threshold):
        assert (await counters.take_attempts([("k", RULE)], NOW))[0].allowed
        await counters.cancel_attempts(["k"], NOW)


async def test_an_admin_unlock_while_redis_forgot_clears_the_copy(
        counters: RedisCounters, redis: Redis, prefix: str) -> None:
    await lock(counters, "k")
    await restart(redis, prefix)
    await counters.clear_attempts("k")  # Redis did not know the key: the copy goes too
    await restart(redis, prefix)
    assert (await counters.take_attempts([("k", RULE)], NOW))[0].allowed


async def test_the_daily_count_survives_a_restart(counters: RedisCounters, redis: Redis,
                                                  prefix: str) -> None:
    assert await counters.consume_daily("acct1", "2026-05-01", 2) == 1
    assert await counters.consume_daily("acct1", "2026-05-01", 2) == 2
    await restart(redis, prefix)
    assert await counters.daily_count("acct1", "2026-05-01") == 2
    assert await counters.consume_daily("acct1", "2026-05-01", 2) is None
    await counters.release_daily("acct1", "2026-05-01")
    await restart(redis, prefix)
    assert await counters.consume_daily("acct1", "2026-05-01", 2) == 2


async def test_a_clean_sign_in_reads_the_database_once(counters: RedisCounters,
                                                       db: Database) -> None:
    """After a success Redis keeps a clean marker: the next attempt needs no database read
    and the success wrote nothing (no copy existed)."""
    await counters.take_attempts([("k", RULE)], NOW)
    await counters.clear_attempts("k")
    reads: list[object] = []
    original = db.run

    async def counting(fn: object, *args: object, **kwargs: object) -> object:
        reads.append(fn)
        return await original(fn, *args, **kwargs)  # type: ignore[arg-type]

    db.run = counting  # type: ignore[method-assign]
    try:
        assert (await counters.take_attempts([("k", RULE)], NOW))[0].allowed
        await counters.clear_attempts("k")
    finally:
        db.run = original  # type: ignore[method-assign]
    assert reads == []


async def test_racing_after_a_restart(counters: RedisCounters, redis: Redis,
                                      prefix: str) -> None:
    """Every racer misses, reads the copy and seeds: the first seed counts, the others'
    are ignored, and the decisions stay exact."""
    for _ in range(4):
        assert await counters.consume_daily("acct2", "2026-05-01", 5) is not None
    await lock(counters, "k")
    await restart(redis, prefix)
    counts = await asyncio.gather(*(counters.consume_daily("acct2", "2026-05-01", 5)
                                    for _ in range(100)))
    assert sorted(c for c in counts if c is not None) == [5]
    slots = await asyncio.gather(*(counters.take_attempts([("k", RULE)], NOW)
                                   for _ in range(100)))
    assert not any(s[0].allowed for s in slots)
