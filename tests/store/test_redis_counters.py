"""RedisCounters when Redis cannot be reached (a loopback port nobody listens on): closed
refuses with SERVICE_UNAVAILABLE and counts nothing; open allows, counts nothing and audits
each decision it skipped (never a secret)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import select

from monban.db.database import Database
from monban.db.migrate import upgrade
from monban.db.tables import audit_events
from monban.errors import CatalogueError
from monban.store.counters import LockRule
from monban.store.redis_counters import RedisCounters, connect, from_ms, to_ms
from tests.nodes import free_port

RULE = LockRule(threshold=3, window=timedelta(hours=1), base=timedelta(minutes=5),
                ceiling=timedelta(hours=24))
NOW = datetime(2026, 5, 1, 12, 0, 0, 123000, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    upgrade(database)
    yield database
    database.dispose()


def _nowhere() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


async def test_closed_refuses_every_operation(db: Database) -> None:
    counters = RedisCounters(connect(_nowhere()), when_down="closed", db=db)
    for call in (counters.take_attempts([("k", RULE)], NOW),
                 counters.record_failures([("k", RULE)], NOW),
                 counters.consume_daily("a", "2026-05-01", 5),
                 counters.clear_attempts("k")):
        with pytest.raises(CatalogueError) as refused:
            await call
        assert refused.value.code == "SERVICE_UNAVAILABLE"
    with pytest.raises(RedisConnectionError):
        await counters.ready()
    await counters.aclose()


async def test_open_allows_and_audits_what_it_skipped(db: Database) -> None:
    counters = RedisCounters(connect(_nowhere()), when_down="open", db=db, now=lambda: NOW)
    slots = await counters.take_attempts([("src:a:ip:1", RULE), ("acct:a", RULE)], NOW)
    assert [s.allowed for s in slots] == [True, True]
    await counters.record_failures([("src:a:ip:1", RULE)], NOW)  # nothing to count into
    assert await counters.consume_daily("a", "2026-05-01", 5) == 0
    assert await counters.locked_until("src:a:ip:1", NOW) is None
    rows = db.transaction(lambda c: c.execute(
        select(audit_events.c.event, audit_events.c.code, audit_events.c.detail)
        .order_by(audit_events.c.id)).all(), write=False)
    assert [(r.event, r.code, r.detail["operation"]) for r in rows] == [
        ("counters.skipped", "SERVICE_UNAVAILABLE", "take_attempts"),
        ("counters.skipped", "SERVICE_UNAVAILABLE", "consume_daily")]
    assert rows[0].detail["keys"] == ["src:a:ip:1", "acct:a"]
    await counters.ready()  # failing open, the node stays ready for the load balancer
    await counters.aclose()


def test_times_travel_as_exact_milliseconds() -> None:
    assert from_ms(to_ms(NOW)) == NOW
    assert to_ms(NOW + timedelta(minutes=5)) - to_ms(NOW) == 300_000
