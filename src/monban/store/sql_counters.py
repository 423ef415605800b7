"""The SQL implementation of Counters: one transaction per operation, row-locked on
PostgreSQL, IMMEDIATE on SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select, update

from monban.db.database import Database
from monban.db.tables import attempt_counters, daily_signins, send_quotas
from monban.store.conflicts import insert_for
from monban.store.counters import PENDING_TTL, AttemptSlot, CountedFor, LockRule, Quota


class SqlCounters:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def take_attempts(self, wanted: Sequence[tuple[str, LockRule]], now: datetime,
                            counted_for: CountedFor | None = None) -> list[AttemptSlot]:
        return await self._db.run(_take_all, list(wanted), now)

    async def record_failures(self, wanted: Sequence[tuple[str, LockRule]], now: datetime
                              ) -> None:
        await self._db.run(_record_all, list(wanted), now)

    async def cancel_attempts(self, keys: Sequence[str], now: datetime) -> None:
        await self._db.run(_cancel_all, list(keys), now)

    async def clear_attempts(self, *keys: str) -> None:
        await self._db.run(_clear, keys)

    async def locked_until(self, key: str, now: datetime) -> datetime | None:
        return await self._db.run(_locked_until, key, now, write=False)

    async def consume_daily(self, account_id: str, day: str, limit: int,
                            counted_for: CountedFor | None = None) -> int | None:
        return await self._db.run(_consume_daily, account_id, day, limit)

    async def release_daily(self, account_id: str, day: str) -> None:
        await self._db.run(_release_daily, account_id, day)

    async def daily_count(self, account_id: str, day: str) -> int:
        return await self._db.run(_daily_count, account_id, day, write=False)

    async def take_quotas(self, quotas: Sequence[Quota], now: datetime) -> Quota | None:
        return await self._db.run(_take_quotas, list(quotas), now)


_ENSURE: dict[str, Any] = {}
_ROW = select(attempt_counters).where(attempt_counters.c.key == bindparam("k")).with_for_update()
_SAVE: dict[tuple[str, ...], Any] = {}
_CLEAR = delete(attempt_counters).where(
    attempt_counters.c.key.in_(bindparam("keys", expanding=True)))
_LOCKED = select(attempt_counters.c.locked_until).where(attempt_counters.c.key == bindparam("k"))


def _ensure(conn: Connection) -> Any:
    dialect = conn.dialect.name
    statement = _ENSURE.get(dialect)
    if statement is None:
        statement = _ENSURE[dialect] = insert_for(conn, attempt_counters).values(
            key=bindparam("k"), failures=0, last_failure_at=bindparam("now"), locked_until=None,
            level=0, pending=0, pending_until=None).on_conflict_do_nothing(index_elements=["key"])
    return statement


def _locked_row(conn: Connection, key: str, now: datetime) -> dict[str, Any]:
    """The key's counter under a row lock, created if absent, with expired parts forgotten."""
    # A racing success may delete the row between the two statements; under a burst on
    # PostgreSQL five tries were seen to run out (a 500 in the 3-node daily-limit test).
    for _ in range(100):
        conn.execute(_ensure(conn), {"k": key, "now": now})
        found = conn.execute(_ROW, {"k": key}).first()
        if found is not None:
            break
    else:
        raise RuntimeError(f"attempt counter {key!r} keeps vanishing")
    row = dict(found._mapping)
    if row["pending_until"] is None or row["pending_until"] <= now:
        row["pending"] = 0
    return row


def _fresh_failures(row: dict[str, Any], rule: LockRule, now: datetime) -> int:
    """Failures that still count: none once a lock has run out or the last one is too old."""
    if row["locked_until"] is not None and row["locked_until"] <= now:
        return 0
    if row["last_failure_at"] <= now - rule.window:
        return 0
    return int(row["failures"])


def _save(conn: Connection, key: str, **values: Any) -> None:
    shape = tuple(sorted(values))
    statement = _SAVE.get(shape)
    if statement is None:
        statement = _SAVE[shape] = update(attempt_counters).where(
            attempt_counters.c.key == bindparam("k")).values(
            **{name: bindparam(f"v_{name}") for name in shape})
    conn.execute(statement, {"k": key, **{f"v_{k}": v for k, v in values.items()}})


def _take_attempt(conn: Connection, key: str, rule: LockRule, now: datetime) -> AttemptSlot:
    row = _locked_row(conn, key, now)
    if row["locked_until"] is not None and row["locked_until"] > now:
        return AttemptSlot(False, False, row["failures"], row["locked_until"])
    failures = _fresh_failures(row, rule, now)
    if failures + row["pending"] >= rule.threshold:
        return AttemptSlot(False, True, failures, None)
    level = 0 if row["last_failure_at"] <= now - rule.ceiling else row["level"]
    _save(conn, key, failures=failures, locked_until=None, level=level,
          pending=row["pending"] + 1, pending_until=now + PENDING_TTL)
    return AttemptSlot(True, False, failures, None)


def _record_failure(conn: Connection, key: str, rule: LockRule, now: datetime) -> AttemptSlot:
    row = _locked_row(conn, key, now)
    failures = _fresh_failures(row, rule, now) + 1
    level, locked_until = row["level"], None
    if failures >= rule.threshold:
        locked_until = now + rule.duration(level)
        level += 1
    _save(conn, key, failures=failures, last_failure_at=now, locked_until=locked_until,
          level=level, pending=max(0, row["pending"] - 1))
    return AttemptSlot(False, False, failures, locked_until)


def _cancel_attempt(conn: Connection, key: str, now: datetime) -> None:
    row = _locked_row(conn, key, now)
    _save(conn, key, pending=max(0, row["pending"] - 1))


def _take_all(conn: Connection, wanted: list[tuple[str, LockRule]], now: datetime
              ) -> list[AttemptSlot]:
    """All in one transaction: if any key refuses, the ones already taken are released."""
    slots: list[AttemptSlot] = []
    for key, rule in wanted:
        slot = _take_attempt(conn, key, rule, now)
        slots.append(slot)
        if not slot.allowed:
            for taken_key, _ in wanted[:len(slots) - 1]:
                _cancel_attempt(conn, taken_key, now)
            break
    return slots


def _record_all(conn: Connection, wanted: list[tuple[str, LockRule]], now: datetime) -> None:
    for key, rule in wanted:
        _record_failure(conn, key, rule, now)


def _cancel_all(conn: Connection, keys: list[str], now: datetime) -> None:
    for key in keys:
        _cancel_attempt(conn, key, now)


def _locked_until(conn: Connection, key: str, now: datetime) -> datetime | None:
    value = conn.execute(_LOCKED, {"k": key}).scalar()
    return value if value is not None and value > now else None


def _clear(conn: Connection, keys: tuple[str, ...]) -> None:
    conn.execute(_CLEAR, {"keys": list(keys)})


_DAILY_ENSURE: dict[str, Any] = {}
_DAILY_TAKE = (update(daily_signins)
               .where((daily_signins.c.account_id == bindparam("a"))
                      & (daily_signins.c.day == bindparam("d"))
                      & (daily_signins.c.count < bindparam("limit")))
               .values(count=daily_signins.c.count + 1).returning(daily_signins.c.count))


def _consume_daily(conn: Connection, account_id: str, day: str, limit: int) -> int | None:
    dialect = conn.dialect.name
    ensure = _DAILY_ENSURE.get(dialect)
    if ensure is None:
        ensure = _DAILY_ENSURE[dialect] = insert_for(conn, daily_signins).values(
            account_id=bindparam("a"), day=bindparam("d"), count=0,
        ).on_conflict_do_nothing(index_elements=["account_id", "day"])
    params = {"a": account_id, "d": day, "limit": limit or 2**31 - 1}  # 0: no limit
    conn.execute(ensure, params)
    value = conn.execute(_DAILY_TAKE, params).scalar()
    return int(value) if value is not None else None


def _release_daily(conn: Connection, account_id: str, day: str) -> None:
    conn.execute(update(daily_signins).where(
        (daily_signins.c.account_id == account_id) & (daily_signins.c.day == day)
        & (daily_signins.c.count > 0)).values(count=daily_signins.c.count - 1))


def _daily_count(conn: Connection, account_id: str, day: str) -> int:
    value = conn.execute(select(daily_signins.c.count).where(
        (daily_signins.c.account_id == account_id) & (daily_signins.c.day == day))).scalar()
    return int(value or 0)


_QUOTA_ENSURE: dict[str, Any] = {}
_QUOTA_ROW = (select(send_quotas.c.window_start, send_quotas.c.count)
              .where(send_quotas.c.key == bindparam("k")).with_for_update())
_QUOTA_SAVE = (update(send_quotas).where(send_quotas.c.key == bindparam("k"))
               .values(window_start=bindparam("start"), count=bindparam("count")))


def _take_quotas(conn: Connection, quotas: list[Quota], now: datetime) -> Quota | None:
    """Lock every key's row (in key order, so racing transactions never deadlock), refuse
    if one is full, else count one in each; a row from an older window counts from 0."""
    dialect = conn.dialect.name
    ensure = _QUOTA_ENSURE.get(dialect)
    if ensure is None:
        ensure = _QUOTA_ENSURE[dialect] = insert_for(conn, send_quotas).values(
            key=bindparam("k"), window_start=bindparam("start"), count=0,
        ).on_conflict_do_nothing(index_elements=["key"])
    counts: dict[str, int] = {}
    for quota in sorted(quotas, key=lambda q: q.key):
        start = quota.window_start(now)
        conn.execute(ensure, {"k": quota.key, "start": start})
        window_start, count = conn.execute(_QUOTA_ROW, {"k": quota.key}).one()
        counts[quota.key] = int(count) if window_start == start else 0
    for quota in quotas:
        if counts[quota.key] >= quota.limit:
            return quota
    for quota in quotas:
        conn.execute(_QUOTA_SAVE, {"k": quota.key, "start": quota.window_start(now),
                                   "count": counts[quota.key] + 1})
    return None
