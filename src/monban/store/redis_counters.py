"""The Redis implementation of Counters: one Lua script per operation, so each is atomic on
the Redis server whichever node calls it (the same semantics as store/sql_counters.py,
pending reservations and their 30 s expiry included).

Keys (under the configured prefix, "monban:" by default):
  <prefix>att:<counter key>   hash: failures, last (ms), locked (ms, 0 = none), level,
                              pending, pending_until (ms); expires once nothing in it counts
  <prefix>day:<account>:<day> integer: successful sign-ins that day; expires after 3 days
  <prefix>quota:<key>:<start> integer: sends in the window starting at <start> (ms);
                              expires with the window

Times travel as integer milliseconds since the epoch (a Lua number holds them exactly).
One Redis server (not Redis Cluster): a multi-key script needs all its keys on one server.

When Redis cannot be reached, `when_down` decides: "closed" raises SERVICE_UNAVAILABLE (the
sign-in answers 503 and nothing is checked), "open" skips the counting, lets the sign-in
proceed and writes a `counters.skipped` audit row for each decision it could not make.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, TypeVar

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from monban.db.database import Database
from monban.errors import SignInError
from monban.store import audit
from monban.store.counters import PENDING_TTL, AttemptSlot, LockRule, Quota

T = TypeVar("T")
WhenDown = Literal["closed", "open"]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MS = timedelta(milliseconds=1)
DAY_KEEP_MS = 3 * 24 * 3600 * 1000

log = logging.getLogger("monban.counters")

# One attempt counter, read with its expired parts forgotten (shared by the scripts below).
_LOAD = """
local function load(key, now)
  local v = redis.call('HMGET', key, 'failures', 'last', 'locked', 'level', 'pending',
                       'pending_until')
  local r = {failures = tonumber(v[1]) or 0, last = tonumber(v[2]),
             locked = tonumber(v[3]) or 0, level = tonumber(v[4]) or 0,
             pending = tonumber(v[5]) or 0, pending_until = tonumber(v[6]) or 0}
  if r.pending_until <= now then r.pending = 0 end
  return r
end
local function fresh(r, now, window)
  if r.locked ~= 0 and r.locked <= now then return 0 end
  if r.last == nil or r.last <= now - window then return 0 end
  return r.failures
end
local function save(key, r, now, keep)
  redis.call('HSET', key, 'failures', r.failures, 'last', r.last or now, 'locked', r.locked,
             'level', r.level, 'pending', r.pending, 'pending_until', r.pending_until)
  local until_ms = math.max((r.last or now) + keep, r.locked, r.pending_until)
  redis.call('PEXPIRE', key, math.max(until_ms - now, 1000))
end
"""

# KEYS: counter keys; ARGV: now, pending ttl, then threshold, window, ceiling per key.
# Returns one {allowed, busy, failures, locked} per key up to the first refusal (the ones
# before it are not taken: all or nothing).
_TAKE = _LOAD + """
local now, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
local out, rows = {}, {}
for i, key in ipairs(KEYS) do
  local threshold = tonumber(ARGV[3 + (i - 1) * 3])
  local window = tonumber(ARGV[4 + (i - 1) * 3])
  local ceiling = tonumber(ARGV[5 + (i - 1) * 3])
  local r = load(key, now)
  if r.locked ~= 0 and r.locked > now then
    out[i] = {0, 0, r.failures, r.locked}
    return out
  end
  local failures = fresh(r, now, window)
  if failures + r.pending >= threshold then
    out[i] = {0, 1, failures, 0}
    return out
  end
  out[i] = {1, 0, failures, 0}
  if r.last ~= nil and r.last <= now - ceiling then r.level = 0 end
  r.failures, r.locked = failures, 0
  r.pending, r.pending_until = r.pending + 1, now + ttl
  rows[i] = {r, math.max(window, ceiling)}
end
for i, key in ipairs(KEYS) do save(key, rows[i][1], now, rows[i][2]) end
return out
"""

# KEYS: counter keys; ARGV: now, then threshold, window, base, ceiling per key.
_RECORD = _LOAD + """
local now = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local threshold = tonumber(ARGV[2 + (i - 1) * 4])
  local window = tonumber(ARGV[3 + (i - 1) * 4])
  local base = tonumber(ARGV[4 + (i - 1) * 4])
  local ceiling = tonumber(ARGV[5 + (i - 1) * 4])
  local r = load(key, now)
  local failures = fresh(r, now, window) + 1
  r.locked = 0
  if failures >= threshold then
    r.locked = now + math.min(base * 2 ^ math.min(r.level, 20), ceiling)
    r.level = r.level + 1
  end
  r.failures, r.last, r.pending = failures, now, math.max(0, r.pending - 1)
  save(key, r, now, math.max(window, ceiling))
end
return 0
"""

# KEYS: counter keys; ARGV: now.
_CANCEL = _LOAD + """
local now = tonumber(ARGV[1])
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    local r = load(key, now)
    redis.call('HSET', key, 'pending', math.max(0, r.pending - 1))
  end
end
return 0
"""

# KEYS: the day's key; ARGV: limit (0: none), keep ms. nil once the limit is reached.
_CONSUME_DAILY = """
local limit = tonumber(ARGV[1])
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if limit > 0 and count >= limit then return false end
count = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return count
"""

_RELEASE_DAILY = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then return redis.call('DECR', KEYS[1]) end
return 0
"""

# KEYS: one per quota (its window in the name); ARGV: limit, ms left in the window, per key.
# Returns the 1-based index of the first full quota (nothing counted), or 0 (all counted).
_TAKE_QUOTAS = """
for i, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') >= tonumber(ARGV[(i - 1) * 2 + 1]) then
    return i
  end
end
for i, key in ipairs(KEYS) do
  redis.call('INCR', key)
  redis.call('PEXPIRE', key, tonumber(ARGV[(i - 1) * 2 + 2]))
end
return 0
"""


def to_ms(moment: datetime) -> int:
    return (moment - EPOCH) // MS


def from_ms(value: int) -> datetime:
    return EPOCH + value * MS


def connect(url: str) -> Redis:
    """A client that gives up quickly on a Redis that is gone (a refused connection fails at
    once; connecting waits at most 2 s) but not on a busy node: an answer may wait 5 s, since
    under a burst the event loop itself can be seconds late to read it, and a timeout there
    would turn a working Redis into 503s. Scripts are never retried (they are not
    idempotent)."""
    return Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2,
                          health_check_interval=10, retry_on_timeout=False)


class RedisCounters:
    def __init__(self, redis: Redis, prefix: str = "monban:", when_down: WhenDown = "closed",
                 db: Database | None = None, now: Callable[[], datetime] | None = None
                 ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._when_down = when_down
        self._db = db
        self._now = now or (lambda: datetime.now(UTC))
        self._take = redis.register_script(_TAKE)
        self._record = redis.register_script(_RECORD)
        self._cancel = redis.register_script(_CANCEL)
        self._consume = redis.register_script(_CONSUME_DAILY)
        self._release = redis.register_script(_RELEASE_DAILY)
        self._quotas = redis.register_script(_TAKE_QUOTAS)

    # Counters ----------------------------------------------------------------------------
    async def take_attempts(self, wanted: Sequence[tuple[str, LockRule]], now: datetime
                            ) -> list[AttemptSlot]:
        keys = [self._att(key) for key, _ in wanted]
        args: list[int] = [to_ms(now), PENDING_TTL // MS]
        for _, rule in wanted:
            args += [rule.threshold, rule.window // MS, rule.ceiling // MS]
        rows = await self._call("take_attempts", [k for k, _ in wanted],
                                lambda: self._take(keys=keys, args=args), None)
        if rows is None:  # Redis down, failing open: every key allows the attempt
            return [AttemptSlot(True, False, 0, None) for _ in wanted]
        return [AttemptSlot(bool(allowed), bool(busy), int(failures),
                            from_ms(int(locked)) if int(locked) else None)
                for allowed, busy, failures, locked in rows]

    async def record_failures(self, wanted: Sequence[tuple[str, LockRule]], now: datetime
                              ) -> None:
        keys = [self._att(key) for key, _ in wanted]
        args: list[int] = [to_ms(now)]
        for _, rule in wanted:
            args += [rule.threshold, rule.window // MS, rule.base // MS, rule.ceiling // MS]
        await self._call("record_failures", [], lambda: self._record(keys=keys, args=args),
                         None)

    async def cancel_attempts(self, keys: Sequence[str], now: datetime) -> None:
        names = [self._att(key) for key in keys]
        await self._call("cancel_attempts", [],
                         lambda: self._cancel(keys=names, args=[to_ms(now)]), None)

    async def clear_attempts(self, *keys: str) -> None:
        if keys:
            names = [self._att(key) for key in keys]
            await self._call("clear_attempts", [], lambda: self._redis.delete(*names), None)

    async def locked_until(self, key: str, now: datetime) -> datetime | None:
        value = await self._call("locked_until", [],
                                 lambda: self._redis.hget(self._att(key), "locked"), None)
        if value is None or not int(value) or int(value) <= to_ms(now):
            return None
        return from_ms(int(value))

    async def consume_daily(self, account_id: str, day: str, limit: int) -> int | None:
        key = self._day(account_id, day)
        value = await self._call(
            "consume_daily", [f"daily:{account_id}"],
            lambda: self._consume(keys=[key], args=[limit, DAY_KEEP_MS]), 0)
        return None if value is None else int(value)

    async def release_daily(self, account_id: str, day: str) -> None:
        key = self._day(account_id, day)
        await self._call("release_daily", [], lambda: self._release(keys=[key]), None)

    async def daily_count(self, account_id: str, day: str) -> int:
        value = await self._call("daily_count", [],
                                 lambda: self._redis.get(self._day(account_id, day)), None)
        return int(value or 0)

    async def take_quotas(self, quotas: Sequence[Quota], now: datetime) -> Quota | None:
        keys, args = [], []
        for quota in quotas:
            start = quota.window_start(now)
            keys.append(f"{self._prefix}quota:{quota.key}:{to_ms(start)}")
            args += [quota.limit, max(to_ms(start + quota.window) - to_ms(now), 1)]
        index = await self._call("take_quotas", [q.key for q in quotas],
                                 lambda: self._quotas(keys=keys, args=args), 0)
        return quotas[int(index) - 1] if int(index) else None

    # -------------------------------------------------------------------------------------
    async def ping(self) -> None:
        """Raises when Redis cannot be reached."""
        await self._redis.ping()

    async def ready(self) -> None:
        """For /readyz: raises when Redis cannot be reached and sign-ins would fail closed.
        Failing open, the node still serves, so a load balancer must keep it in rotation."""
        try:
            await self.ping()
        except (RedisConnectionError, RedisTimeoutError, OSError):
            if self._when_down == "closed":
                raise

    async def aclose(self) -> None:
        await self._redis.aclose()

    def _att(self, key: str) -> str:
        return f"{self._prefix}att:{key}"

    def _day(self, account_id: str, day: str) -> str:
        return f"{self._prefix}day:{account_id}:{day}"

    async def _call(self, operation: str, skipped: list[str],
                    call: Callable[[], Awaitable[Any]], fallback: Any) -> Any:
        """Run one Redis command or script; a dead Redis is SERVICE_UNAVAILABLE (closed) or
        the fallback (open, audited when a decision was skipped)."""
        try:
            return await call()
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            if self._when_down == "closed":
                log.warning("redis unavailable (%s): failing closed", operation)
                raise SignInError("SERVICE_UNAVAILABLE", detail={"store": "redis"}) from exc
            log.warning("redis unavailable (%s): failing open", operation)
            if skipped and self._db is not None:
                await self._audit_skip(operation, skipped)
            return fallback

    async def _audit_skip(self, operation: str, keys: list[str]) -> None:
        event = audit.AuditEvent(
            at=self._now(), event="counters.skipped", outcome="failure",
            code="SERVICE_UNAVAILABLE",
            detail={"operation": operation, "keys": keys, "when_down": "open"})
        assert self._db is not None
        await self._db.run(audit.record, event)
