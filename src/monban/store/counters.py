"""Counters behind one interface: failed-attempt locks and the daily sign-in count.

Two implementations: SQL (store/sql_counters.py, the embedded default, shared by every node
on the same database) and Redis (for many nodes). Each operation is atomic in its backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


@dataclass(frozen=True, slots=True)
class LockRule:
    threshold: int
    window: timedelta
    base: timedelta
    ceiling: timedelta

    def duration(self, level: int) -> timedelta:
        """Growing back-off: the n-th lock in a row lasts base * 2**n, up to the ceiling."""
        return min(self.base * (2 ** min(level, 30)), self.ceiling)


@dataclass(frozen=True, slots=True)
class AttemptSlot:
    allowed: bool
    failures: int
    """Failures in a row counted so far, this attempt included when allowed."""
    locked_until: datetime | None


class Counters(Protocol):
    async def take_attempt(self, key: str, rule: LockRule, now: datetime) -> AttemptSlot:
        """Reserve one attempt for `key`, counted as a failure until `clear_attempts`. Refused
        while the key is locked; the attempt that reaches the threshold sets the lock, so
        no more than `threshold` secrets are ever tried in a row, however many race."""
        ...

    async def locked_until(self, key: str, now: datetime) -> datetime | None: ...

    async def clear_attempts(self, *keys: str) -> None:
        """A success: forget the failures and the back-off level of these keys."""
        ...

    async def consume_daily(self, account_id: str, day: str, limit: int) -> int | None:
        """Count one successful sign-in for the day; None (and nothing counted) once `limit`
        is reached. Returns the new count."""
        ...

    async def release_daily(self, account_id: str, day: str) -> None:
        """Undo one consume_daily (the sign-in did not complete after all)."""
        ...

    async def daily_count(self, account_id: str, day: str) -> int: ...
