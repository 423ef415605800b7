"""SIGNIN_ATTEMPTS_EXCEEDED: the attempt gate in front of every secret.

Two counters per account: one for the source (the browser, when the owner has signed in
there before; the IP otherwise) with the org's threshold and growing back-off, and one for
the account as a whole (NIST SP 800-63B: at most 100 in a row), which known browsers skip, so
an attacker elsewhere cannot lock the owner out. An attempt is counted before its secret is
checked and forgotten on success, so racing guesses cannot get past the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from monban.accounts.org_settings import OrgSettings
from monban.errors import SignInError
from monban.signin.context import PolicyContext
from monban.store.counters import Counters, LockRule

NAME = "attempt_lockout"


@dataclass(frozen=True, slots=True)
class AttemptKeys:
    source: str
    account: str
    account_enforced: bool
    """False for known browsers: they are not held by the account-wide lock."""


def keys_for(account_key: str, ip: str, device_id: str | None, known_browser: bool
             ) -> AttemptKeys:
    if known_browser and device_id:
        return AttemptKeys(f"src:{account_key}:b:{device_id}", f"acct:{account_key}", False)
    return AttemptKeys(f"src:{account_key}:ip:{ip}", f"acct:{account_key}", True)


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


async def reserve(counters: Counters, keys: AttemptKeys, settings: OrgSettings,
                  now: datetime, ctx: PolicyContext | None = None) -> None:
    """Count one attempt for the source and the account, or refuse while either is locked."""
    slot = await counters.take_attempt(keys.source, source_rule(settings), now)
    if not slot.allowed:
        _refuse(ctx, "source", slot.failures, slot.locked_until, settings.lockout_threshold)
    if keys.account_enforced:
        whole = await counters.take_attempt(keys.account, account_rule(settings), now)
        if not whole.allowed:
            _refuse(ctx, "account", whole.failures, whole.locked_until,
                    settings.account_lockout_threshold)
    if ctx is not None:
        ctx.note(NAME, True, source=keys.source.split(":", 2)[2],
                 failures_before=slot.failures - 1, threshold=settings.lockout_threshold)


def _refuse(ctx: PolicyContext | None, scope: str, failures: int,
            locked_until: datetime | None, threshold: int) -> None:
    until = locked_until.isoformat() if locked_until else None
    if ctx is not None:
        ctx.note(NAME, False, scope=scope, failures=failures, threshold=threshold,
                 locked_until=until)
    raise SignInError("SIGNIN_ATTEMPTS_EXCEEDED", detail={"scope": scope, "locked_until": until})


async def succeeded(counters: Counters, keys: AttemptKeys) -> None:
    """A success resets the source's and the account's counts."""
    await counters.clear_attempts(keys.source, keys.account)
