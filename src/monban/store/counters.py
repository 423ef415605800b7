"""Counters behind one interface: failed-attempt locks, the daily sign-in count and the send
quotas (notify/limits.py).

Two implementations: SQL (store/sql_counters.py, the embedded default, shared by every node
on the same database) and Redis (for many nodes). Each operation is atomic in its backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

PENDING_TTL = timedelta(seconds=30)
"""A reserved attempt whose outcome never arrives (a node died) stops counting after this."""


@dataclass(frozen=True, slots=True)
class LockRule:
    threshold: int
    window: timedelta
    base: timedelta
    ceiling: timedelta

    def duration(self, level: int) -> timedelta:
        """Growing back-off: the n-th lock in a row lasts base * 2**n, up to the ceiling."""
        grown: timedelta = self.base * (2 ** min(level, 20))
        return min(grown, self.ceiling)


@dataclass(frozen=True, slots=True)
class AttemptSlot:
    allowed: bool
    """A secret may be checked now (one attempt is reserved for it)."""
    busy: bool
    """Not locked, but the attempts already in flight could reach the threshold: wait."""
    failures: int
    locked_until: datetime | None


@dataclass(frozen=True, slots=True)
class CountedFor:
    """Whose attempt a count decides: what the audit row carries when a backend cannot make
    the decision (Redis away, failing open: `counters.skipped`), like every other decision's
    row, so an admin finds it by account, address, flow or org."""

    account_id: str | None = None
    org_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    flow_id: str | None = None


@dataclass(frozen=True, slots=True)
class Quota:
    """At most `limit` takes of `key` per fixed window of `window` (windows start at multiples
    of `window` since the Unix epoch, so every node agrees on them)."""

    key: str
    limit: int
    window: timedelta

    def window_start(self, now: datetime) -> datetime:
        since = now - QUOTA_EPOCH
        return now - since % self.window


QUOTA_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Counters(Protocol):
    async def take_attempts(self, wanted: Sequence[tuple[str, LockRule]], now: datetime,
                            counted_for: CountedFor | None = None) -> list[AttemptSlot]:
        """Reserve one attempt for each key, all or none. A key is refused while locked and
        busy while its failures plus the attempts in flight reach its threshold, so no more
        than `threshold` wrong secrets are ever checked in a row, however many race."""
        ...

    async def record_failures(self, wanted: Sequence[tuple[str, LockRule]], now: datetime
                              ) -> None:
        """The reserved attempt failed: count it; the threshold-th failure sets the lock."""
        ...

    async def cancel_attempts(self, keys: Sequence[str], now: datetime) -> None:
        """The reserved attempt was never checked: release it without counting."""
        ...

    async def clear_attempts(self, *keys: str) -> None:
        """A success: forget the failures and the back-off level of these keys."""
        ...

    async def locked_until(self, key: str, now: datetime) -> datetime | None: ...

    async def consume_daily(self, account_id: str, day: str, limit: int,
                            counted_for: CountedFor | None = None) -> int | None:
        """Count one successful sign-in for the day; None (and nothing counted) once `limit`
        is reached. Returns the new count."""
        ...

    async def release_daily(self, account_id: str, day: str) -> None:
        """Undo one consume_daily (the sign-in did not complete after all)."""
        ...

    async def daily_count(self, account_id: str, day: str) -> int: ...

    async def take_quotas(self, quotas: Sequence[Quota], now: datetime) -> Quota | None:
        """Count one take in each quota's current window, all or none: the first quota already
        at its limit is returned (and nothing is counted), else None. Racing callers on any
        node never get more than `limit` takes of a key through in one window."""
        ...
