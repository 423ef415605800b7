"""SIGNIN_ATTEMPTS_EXCEEDED: the attempt gate in front of every secret.

Two counters per account: one for the source (the browser, when the owner has signed in
there before; the IP otherwise) with the org's threshold and growing back-off, and one for
the account as a whole (NIST SP 800-63B: at most 100 in a row), which known browsers skip, so
an attacker elsewhere cannot lock the owner out. An attempt's secret is
checked only while the failures so far plus the attempts in flight stay under the threshold
(further attempts wait), so racing guesses cannot get past it and racing correct passwords
are not refused.

Every path that checks a secret goes through one guard, `attempt`:

    async with lockout.attempt(counters, keys, settings, clock, ctx):
        ...check the secret; raise CatalogueError(code) when it is wrong...

It reserves the attempt on entry (SIGNIN_ATTEMPTS_EXCEEDED while locked) and decides it on
exit, by how the block ends: a catalogue error whose entry counts as a wrong guess
(errors.py, `CatalogueEntry.wrong_guess`) is counted; any other exception, from the
catalogue or not, releases the attempt at once; a normal exit is a success and clears the
counts. Nothing else decides an attempt, so no path can forget a step.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from monban.accounts.org_settings import OrgSettings
from monban.clock import Clock
from monban.errors import CatalogueError
from monban.signin.context import PolicyContext
from monban.store.counters import CountedFor, Counters, LockRule

NAME = "attempt_lockout"
MAX_WAIT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class AttemptKeys:
    source: str
    account: str
    account_enforced: bool
    """False for known browsers: they are not held by the account-wide lock."""
    whose: CountedFor = CountedFor()
    """The account (when known) and the address, for the counters' audit rows."""


def keys_for(account_key: str, ip: str, device_id: str | None, known_browser: bool
             ) -> AttemptKeys:
    whose = CountedFor(account_id=None if account_key.startswith("unknown:") else account_key,
                       ip=ip)
    if known_browser and device_id:
        return AttemptKeys(f"src:{account_key}:b:{device_id}", f"acct:{account_key}", False,
                           whose)
    return AttemptKeys(f"src:{account_key}:ip:{ip}", f"acct:{account_key}", True, whose)


def source_rule(settings: OrgSettings) -> LockRule:
    return LockRule(threshold=settings.lockout_threshold,
                    window=timedelta(minutes=settings.lockout_window_minutes),
                    base=timedelta(minutes=settings.lockout_duration_minutes),
                    ceiling=timedelta(minutes=settings.lockout_max_minutes))


def account_rule(settings: OrgSettings) -> LockRule:
    return LockRule(threshold=settings.account_lockout_threshold,
                    window=timedelta(hours=24),
                    base=timedelta(minutes=settings.lockout_duration_minutes),
                    ceiling=timedelta(minutes=settings.lockout_max_minutes))


@asynccontextmanager
async def attempt(counters: Counters, keys: AttemptKeys, settings: OrgSettings, clock: Clock,
                  ctx: PolicyContext | None = None, counted_for: CountedFor | None = None
                  ) -> AsyncIterator[None]:
    """One attempt at a secret, reserved on entry and decided by how the block exits."""
    await _reserve(counters, keys, settings, clock, ctx, counted_for)
    try:
        yield
    except CatalogueError as error:
        if error.entry.wrong_guess:
            await counters.record_failures(_wanted(keys, settings), clock.now())
        else:
            await _release(counters, keys, clock.now())
        raise
    except BaseException:
        await _release(counters, keys, clock.now())
        raise
    await counters.clear_attempts(keys.source, keys.account)


async def count_wrong_guess(counters: Counters, keys: AttemptKeys, settings: OrgSettings,
                            now: datetime) -> None:
    """A wrong guess seen outside the browser's request (the wrong number picked in the
    authenticator app for a push): counted as `attempt` counts one."""
    await counters.record_failures(_wanted(keys, settings), now)


async def _reserve(counters: Counters, keys: AttemptKeys, settings: OrgSettings,
                   clock: Clock, ctx: PolicyContext | None = None,
                   counted_for: CountedFor | None = None) -> None:
    """Reserve one attempt for the source and the account (one round trip), or refuse while
    either is locked. While the attempts in flight could reach a threshold, wait for them.
    `counted_for` (else the context's, else the keys') names whose attempt it is in the
    counters' audit rows."""
    wanted = _wanted(keys, settings)
    whose = counted_for or (ctx.counted_for() if ctx is not None else keys.whose)
    delay, waited = 0.005, 0.0
    while True:
        slots = await counters.take_attempts(wanted, clock.now(), whose)
        refused = next((s for s in slots if not s.allowed), None)
        if refused is None or not refused.busy or waited >= MAX_WAIT_SECONDS:
            break
        await asyncio.sleep(delay)
        waited += delay
        delay = min(delay * 2, 0.2)
    if refused is not None:
        scope = "source" if len(slots) == 1 else "account"
        threshold = (settings.lockout_threshold if scope == "source"
                     else settings.account_lockout_threshold)
        _refuse(ctx, scope, refused.failures, refused.locked_until, threshold,
                "ip" if keys.account_enforced else "known_browser")
    if ctx is not None:
        ctx.note(NAME, True, source="ip" if keys.account_enforced else "known_browser",
                 failures_before=slots[0].failures, threshold=settings.lockout_threshold)


def _wanted(keys: AttemptKeys, settings: OrgSettings) -> list[tuple[str, LockRule]]:
    wanted = [(keys.source, source_rule(settings))]
    if keys.account_enforced:
        wanted.append((keys.account, account_rule(settings)))
    return wanted


def _refuse(ctx: PolicyContext | None, scope: str, failures: int,
            locked_until: datetime | None, threshold: int, source: str) -> NoReturn:
    until = locked_until.isoformat() if locked_until else None
    if ctx is not None:
        ctx.note(NAME, False, scope=scope, failures=failures, threshold=threshold,
                 locked_until=until, source=source)
    raise CatalogueError("SIGNIN_ATTEMPTS_EXCEEDED", detail={"scope": scope, "locked_until": until})


async def _release(counters: Counters, keys: AttemptKeys, now: datetime) -> None:
    """The reserved attempt was never decided: release it without counting."""
    await counters.cancel_attempts(
        [keys.source, keys.account] if keys.account_enforced else [keys.source], now)
