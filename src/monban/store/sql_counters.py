"""The SQL implementation of Counters: one transaction per operation, row-locked on
PostgreSQL, IMMEDIATE on SQLite."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, select, update

from monban.db.database import Database
from monban.db.tables import attempt_counters, daily_signins
from monban.store.conflicts import insert_for
from monban.store.counters import AttemptSlot, LockRule


class SqlCounters:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def take_attempt(self, key: str, rule: LockRule, now: datetime) -> AttemptSlot:
        return await self._db.run(_take_attempt, key, rule, now)

    async def locked_until(self, key: str, now: datetime) -> datetime | None:
        return await self._db.run(_locked_until, key, now, write=False)

    async def clear_attempts(self, *keys: str) -> None:
        await self._db.run(_clear, keys)

    async def consume_daily(self, account_id: str, day: str, limit: int) -> int | None:
        return await self._db.run(_consume_daily, account_id, day, limit)

    async def release_daily(self, account_id: str, day: str) -> None:
        await self._db.run(_release_daily, account_id, day)

    async def daily_count(self, account_id: str, day: str) -> int:
        return await self._db.run(_daily_count, account_id, day, write=False)


def _take_attempt(conn: Connection, key: str, rule: LockRule, now: datetime) -> AttemptSlot:
    conn.execute(insert_for(conn, attempt_counters).values(
        key=key, failures=0, last_failure_at=now, locked_until=None, level=0
    ).on_conflict_do_nothing(index_elements=["key"]))
    row = conn.execute(select(attempt_counters).where(attempt_counters.c.key == key)
                       .with_for_update()).one()._mapping
    failures, level, locked_until = row["failures"], row["level"], row["locked_until"]
    if locked_until is not None and locked_until > now:
        return AttemptSlot(False, failures, locked_until)
    if locked_until is not None or row["last_failure_at"] <= now - rule.window:
        failures = 0  # the lock ran out, or the failures are too old to count
    if locked_until is None and row["last_failure_at"] <= now - rule.ceiling:
        level = 0
    failures += 1
    new_lock = None
    if failures >= rule.threshold:
        new_lock = now + rule.duration(level)
        level += 1
    conn.execute(update(attempt_counters).where(attempt_counters.c.key == key).values(
        failures=failures, last_failure_at=now, locked_until=new_lock, level=level))
    return AttemptSlot(True, failures, new_lock)


def _locked_until(conn: Connection, key: str, now: datetime) -> datetime | None:
    value = conn.execute(select(attempt_counters.c.locked_until)
                         .where(attempt_counters.c.key == key)).scalar()
    return value if value is not None and value > now else None


def _clear(conn: Connection, keys: tuple[str, ...]) -> None:
    conn.execute(delete(attempt_counters).where(attempt_counters.c.key.in_(keys)))


def _consume_daily(conn: Connection, account_id: str, day: str, limit: int) -> int | None:
    conn.execute(insert_for(conn, daily_signins).values(
        account_id=account_id, day=day, count=0
    ).on_conflict_do_nothing(index_elements=["account_id", "day"]))
    where = (daily_signins.c.account_id == account_id) & (daily_signins.c.day == day)
    if limit:
        where &= daily_signins.c.count < limit
    result = conn.execute(update(daily_signins).where(where)
                          .values(count=daily_signins.c.count + 1)
                          .returning(daily_signins.c.count))
    value = result.scalar()
    return int(value) if value is not None else None


def _release_daily(conn: Connection, account_id: str, day: str) -> None:
    conn.execute(update(daily_signins).where(
        (daily_signins.c.account_id == account_id) & (daily_signins.c.day == day)
        & (daily_signins.c.count > 0)).values(count=daily_signins.c.count - 1))


def _daily_count(conn: Connection, account_id: str, day: str) -> int:
    value = conn.execute(select(daily_signins.c.count).where(
        (daily_signins.c.account_id == account_id) & (daily_signins.c.day == day))).scalar()
    return int(value or 0)
