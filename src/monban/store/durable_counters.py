"""The database copy of what Redis counts and a Redis restart must not forget (issue 12):
the failures, locks and back-off level of each attempt counter, and each account's daily
sign-in count. Redis stays the one place decisions are made (store/redis_counters.py); these
rows are written through after each change that matters and read only when Redis does not
know a key (it restarted, or the key expired), to seed it.

They live in the same tables as the SQL counters (store/sql_counters.py), in the same form,
so switching an installation between the two backends keeps its locks and counts.

Writes that race (two nodes recording failures on one key) are ordered by the counter's own
clock: a row only moves forward (a later last failure, or more failures at the same moment),
and a day's count only grows, except by release_daily's one-step undo.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, case, delete, or_, select, update

from monban.db.tables import attempt_counters, daily_signins
from monban.store.conflicts import insert_for


@dataclass(frozen=True, slots=True)
class AttemptState:
    key: str
    failures: int
    last_failure_at: datetime
    locked_until: datetime | None
    level: int


def load_attempts(conn: Connection, keys: Sequence[str]) -> dict[str, AttemptState]:
    rows = conn.execute(select(
        attempt_counters.c.key, attempt_counters.c.failures,
        attempt_counters.c.last_failure_at, attempt_counters.c.locked_until,
        attempt_counters.c.level).where(attempt_counters.c.key.in_(list(keys)))).all()
    return {row.key: AttemptState(row.key, row.failures, row.last_failure_at,
                                  row.locked_until, row.level) for row in rows}


_SAVE: dict[str, Any] = {}


def save_attempts(conn: Connection, states: Sequence[AttemptState]) -> None:
    """Insert or move each row forward (never back: see the module's note on races)."""
    statement = _SAVE.get(conn.dialect.name)
    if statement is None:
        insert = insert_for(conn, attempt_counters).values(
            key=bindparam("k"), failures=bindparam("f"), last_failure_at=bindparam("t"),
            locked_until=bindparam("u"), level=bindparam("l"), pending=0, pending_until=None)
        new = insert.excluded
        statement = _SAVE[conn.dialect.name] = insert.on_conflict_do_update(
            index_elements=["key"],
            set_={"failures": new.failures, "last_failure_at": new.last_failure_at,
                  "locked_until": new.locked_until, "level": new.level},
            where=or_(attempt_counters.c.last_failure_at < new.last_failure_at,
                      and_(attempt_counters.c.last_failure_at == new.last_failure_at,
                           attempt_counters.c.failures < new.failures)))
    conn.execute(statement, [{"k": s.key, "f": s.failures, "t": s.last_failure_at,
                              "u": s.locked_until, "l": s.level} for s in states])


def forget_attempts(conn: Connection, keys: Sequence[str]) -> None:
    conn.execute(delete(attempt_counters).where(attempt_counters.c.key.in_(list(keys))))


def load_day(conn: Connection, account_id: str, day: str) -> int | None:
    value = conn.execute(select(daily_signins.c.count).where(
        (daily_signins.c.account_id == account_id) & (daily_signins.c.day == day))).scalar()
    return None if value is None else int(value)


_RAISE: dict[str, Any] = {}


def raise_day(conn: Connection, account_id: str, day: str, count: int) -> None:
    """The day's count is at least `count` (Redis's answer after counting a sign-in)."""
    statement = _RAISE.get(conn.dialect.name)
    if statement is None:
        insert = insert_for(conn, daily_signins).values(
            account_id=bindparam("a"), day=bindparam("d"), count=bindparam("n"))
        statement = _RAISE[conn.dialect.name] = insert.on_conflict_do_update(
            index_elements=["account_id", "day"],
            set_={"count": case((daily_signins.c.count < insert.excluded.count,
                                 insert.excluded.count), else_=daily_signins.c.count)})
    conn.execute(statement, {"a": account_id, "d": day, "n": count})


def lower_day(conn: Connection, account_id: str, day: str) -> None:
    conn.execute(update(daily_signins).where(
        (daily_signins.c.account_id == account_id) & (daily_signins.c.day == day)
        & (daily_signins.c.count > 0)).values(count=daily_signins.c.count - 1))
