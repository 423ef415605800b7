"""The Redis implementation of Counters: one Lua script per operation, so each is atomic on
the Redis server whichever node calls it (the same semantics as store/sql_counters.py,
pending reservations and their 30 s expiry included).

Keys (under the configured prefix, "monban:" by default):
  <prefix>att:<counter key>   hash: failures, last (ms), locked (ms, 0 = none), level,
                              pending, pending_until (ms), db (1: the database has a copy)
                              or only clean (a success cleared it: no copy, known clean);
                              expires once nothing in it counts
  <prefix>day:<account>:<day> integer: successful sign-ins that day; expires after 3 days
  <prefix>quota:<key>:<start> integer: sends in the window starting at <start> (ms);
                              expires with the window

A Redis restart forgets nothing that decides (issue 12): with a database, recorded failures
(and the lock and back-off level they set) and daily counts are written through to it
(store/durable_counters.py), and a script that finds a key unknown to Redis answers "miss"
without changing anything; the caller reads the database's copy and calls again, seeded.
What a restart loses is only the attempts in flight (30 s at most).

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
from functools import partial
from typing import Any, Literal, TypeVar

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from monban.db.database import Database
from monban.errors import CatalogueError
from monban.store import audit
from monban.store import durable_counters as durable
from monban.store.counters import PENDING_TTL, AttemptSlot, CountedFor, LockRule, Quota

T = TypeVar("T")
WhenDown = Literal["closed", "open"]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MS = timedelta(milliseconds=1)
DAY_KEEP_MS = 3 * 24 * 3600 * 1000
CLEAN_KEEP_MS = 24 * 3600 * 1000
"""How long Redis remembers that a cleared counter is clean (no database read for it)."""
NO_COPY = [0, 0, 0, 0, 0]

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

# KEYS: counter keys; ARGV: now, pending ttl, seeded (0: ask first), then per key threshold,
# window, ceiling and the database's copy: has_copy, failures, last, locked, level.
# Not seeded and a key unknown to Redis: returns {'miss', i, ...} and changes nothing (the
# caller reads the database's copies and calls again, seeded). Otherwise returns one
# {allowed, busy, failures, locked} per key up to the first refusal (the ones before it are
# not taken: all or nothing).
_TAKE = _LOAD + """
local now, ttl, seeded = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local function arg(i, j) return tonumber(ARGV[3 + (i - 1) * 8 + j]) end
if seeded == 0 then
  local missing = {'miss'}
  for i, key in ipairs(KEYS) do
    if redis.call('EXISTS', key) == 0 then missing[#missing + 1] = i end
  end
  if #missing > 1 then return missing end
else
  for i, key in ipairs(KEYS) do
    if arg(i, 4) == 1 and redis.call('EXISTS', key) == 0 then
      redis.call('HSET', key, 'failures', arg(i, 5), 'last', arg(i, 6), 'locked', arg(i, 7),
                 'level', arg(i, 8), 'pending', 0, 'pending_until', 0, 'db', 1)
      redis.call('PEXPIRE', key, math.max(arg(i, 2), arg(i, 3), arg(i, 7) - now, 1000))
    end
  end
end
local out, rows = {}, {}
for i, key in ipairs(KEYS) do
  local threshold, window, ceiling = arg(i, 1), arg(i, 2), arg(i, 3)
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

# KEYS: counter keys; ARGV: now, then threshold, window, base, ceiling per key. Returns each
# key's new {failures, last, locked, level}, for the database's copy (flagged `db`).
_RECORD = _LOAD + """
local now = tonumber(ARGV[1])
local out = {}
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
  redis.call('HSET', key, 'db', 1)
  out[i] = {r.failures, r.last, r.locked, r.level}
end
return out
"""

# KEYS: counter keys; ARGV: how long the clean marker stays (ms). Each key becomes a clean
# counter that Redis knows (so the next attempt needs no database read); returns the
# indices of the keys that may have a database copy to delete (flagged, or unknown).
_CLEAR = """
local durable = {}
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 0 or redis.call('HGET', key, 'db') == '1' then
    durable[#durable + 1] = i
  end
  redis.call('DEL', key)
  redis.call('HSET', key, 'clean', 1)
  redis.call('PEXPIRE', key, tonumber(ARGV[1]))
end
return durable
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

# KEYS: the day's key; ARGV: limit (0: none), keep ms, the database's count (-1: ask first).
# -1 when Redis does not know the day and was not given the count; nil once the limit is
# reached; else the new count.
_CONSUME_DAILY = """
local limit, seed = tonumber(ARGV[1]), tonumber(ARGV[3])
local current = redis.call('GET', KEYS[1])
if not current then
  if seed < 0 then return -1 end
  redis.call('SET', KEYS[1], seed, 'PX', tonumber(ARGV[2]))
  current = seed
end
local count = tonumber(current)
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


def _copy_args(copy: durable.AttemptState | None) -> list[int]:
    """The database's copy of one counter as the take script's seed arguments."""
    if copy is None:
        return NO_COPY
    locked = to_ms(copy.locked_until) if copy.locked_until else 0
    return [1, copy.failures, to_ms(copy.last_failure_at), locked, copy.level]


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
        self._clear = redis.register_script(_CLEAR)
        self._quotas = redis.register_script(_TAKE_QUOTAS)

    # Counters ----------------------------------------------------------------------------
    async def take_attempts(self, wanted: Sequence[tuple[str, LockRule]], now: datetime,
                            counted_for: CountedFor | None = None) -> list[AttemptSlot]:
        keys = [self._att(key) for key, _ in wanted]
        copies: dict[str, durable.AttemptState] = {}
        seeded = self._db is None  # without a database copy there is nothing to ask
        for _ in range(2):
            args: list[int] = [to_ms(now), PENDING_TTL // MS, int(seeded)]
            for key, rule in wanted:
                args += [rule.threshold, rule.window // MS, rule.ceiling // MS,
                         *_copy_args(copies.get(key))]
            rows = await self._call("take_attempts", [k for k, _ in wanted],
                                    partial(self._take, keys=keys, args=args), None,
                                    counted_for)
            if rows is None or not rows or rows[0] != b"miss":
                break
            # Redis does not know these keys (restarted, or they expired): the database's
            # copies seed them, then the same call again
            missing = [wanted[int(i) - 1][0] for i in rows[1:]]
            assert self._db is not None
            copies = await self._db.run(durable.load_attempts, missing, write=False)
            seeded = True
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
        rows = await self._call("record_failures", [],
                                lambda: self._record(keys=keys, args=args), None)
        if rows and self._db is not None:  # the database's copy: a restart keeps the lock
            await self._db.run(durable.save_attempts, [
                durable.AttemptState(key, int(failures), from_ms(int(last)),
                                     from_ms(int(locked)) if int(locked) else None, int(level))
                for (key, _), (failures, last, locked, level) in zip(wanted, rows,
                                                                     strict=True)])

    async def cancel_attempts(self, keys: Sequence[str], now: datetime) -> None:
        names = [self._att(key) for key in keys]
        await self._call("cancel_attempts", [],
                         lambda: self._cancel(keys=names, args=[to_ms(now)]), None)

    async def clear_attempts(self, *keys: str) -> None:
        if keys:
            names = [self._att(key) for key in keys]
            copied = await self._call("clear_attempts", [], lambda: self._clear(
                keys=names, args=[CLEAN_KEEP_MS]), None)
            if copied and self._db is not None:
                await self._db.run(durable.forget_attempts, [keys[int(i) - 1] for i in copied])

    async def locked_until(self, key: str, now: datetime) -> datetime | None:
        found = await self._call("locked_until", [],
                                 lambda: self._redis.hmget(self._att(key), "locked", "clean"),
                                 None)
        if found is not None and found[0] is None and found[1] is None \
                and self._db is not None:  # unknown to Redis: the database's copy
            copy = (await self._db.run(durable.load_attempts, [key], write=False)).get(key)
            locked = copy.locked_until if copy else None
            return locked if locked is not None and locked > now else None
        value = found[0] if found else None
        if value is None or not int(value) or int(value) <= to_ms(now):
            return None
        return from_ms(int(value))

    async def consume_daily(self, account_id: str, day: str, limit: int,
                            counted_for: CountedFor | None = None) -> int | None:
        key = self._day(account_id, day)
        seed = -1 if self._db is not None else 0
        for _ in range(2):
            value = await self._call(
                "consume_daily", [f"daily:{account_id}"],
                partial(self._consume, keys=[key], args=[limit, DAY_KEEP_MS, seed]), 0,
                counted_for or CountedFor(account_id=account_id))
            if value is None or int(value) != -1 or self._db is None:
                break
            # Redis does not know the day (restarted): the database's count seeds it
            stored: int | None = await self._db.run(durable.load_day, account_id, day,
                                                    write=False)
            seed = stored or 0
        if value is None:
            return None
        if int(value) > 0 and self._db is not None:  # the database's copy survives a restart
            await self._db.run(durable.raise_day, account_id, day, int(value))
        return int(value)

    async def release_daily(self, account_id: str, day: str) -> None:
        key = self._day(account_id, day)
        await self._call("release_daily", [], lambda: self._release(keys=[key]), None)
        if self._db is not None:
            await self._db.run(durable.lower_day, account_id, day)

    async def daily_count(self, account_id: str, day: str) -> int:
        value = await self._call("daily_count", [],
                                 lambda: self._redis.get(self._day(account_id, day)), None)
        if value is None and self._db is not None:  # unknown to Redis: the database's copy
            stored: int | None = await self._db.run(durable.load_day, account_id, day,
                                                    write=False)
            return stored or 0
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
                    call: Callable[[], Awaitable[Any]], fallback: Any,
                    counted_for: CountedFor | None = None) -> Any:
        """Run one Redis command or script; a dead Redis is SERVICE_UNAVAILABLE (closed) or
        the fallback (open, audited when a decision was skipped)."""
        try:
            return await call()
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            if self._when_down == "closed":
                log.warning("redis unavailable (%s): failing closed", operation)
                raise CatalogueError("SERVICE_UNAVAILABLE", detail={"store": "redis"}) from exc
            log.warning("redis unavailable (%s): failing open", operation)
            if skipped and self._db is not None:
                await self._audit_skip(operation, skipped, counted_for or CountedFor())
            return fallback

    async def _audit_skip(self, operation: str, keys: list[str], whose: CountedFor) -> None:
        """One row per decision not made, carrying whose attempt it was (account, org,
        address, user agent, flow) like the attempt's own rows."""
        event = audit.AuditEvent(
            at=self._now(), event="counters.skipped", outcome="failure",
            code="SERVICE_UNAVAILABLE", account_id=whose.account_id, org_id=whose.org_id,
            ip=whose.ip, user_agent=whose.user_agent, flow_id=whose.flow_id,
            detail={"operation": operation, "keys": keys, "when_down": "open"})
        assert self._db is not None
        await self._db.run(audit.record, event)
