"""The sign-in policies, in the order they run. Each is a small unit: `check(ctx)` passes or
raises SignInError with its catalogue code, and notes what it looked at in ctx.trace.

Adding a policy means writing a unit here and putting it in one of the two lists; the flow
does not change.
"""

from __future__ import annotations

from typing import Protocol

from monban.errors import SignInError
from monban.network.ip_rules import matching
from monban.signin.context import PolicyContext


class Policy(Protocol):
    name: str
    reveals_account: bool
    """True when refusing before the secret would tell a stranger the account exists; such
    policies move after the secret for orgs that hide account existence."""

    async def check(self, ctx: PolicyContext) -> None: ...


class AllowedIps:
    """IP_NOT_ALLOWED: the account's own list, then the org's (an empty list allows all)."""

    name = "allowed_ips"
    reveals_account = True

    async def check(self, ctx: PolicyContext) -> None:
        ip = ctx.request.ip
        for scope, rules in (("account", ctx.account_ip_rules), ("org", ctx.org_ip_rules)):
            if not rules:
                continue
            pairs = [(rule.name, rule.cidr) for rule in rules]
            hit = matching(pairs, ip)
            listed = [f"{rule.name} {rule.cidr}" for rule in rules]
            if hit is None:
                ctx.note(self.name, False, ip=str(ip), scope=scope, rules=listed)
                raise SignInError("IP_NOT_ALLOWED", detail={"scope": scope})
            ctx.note(self.name, True, ip=str(ip), scope=scope, matched=hit)


class AccountEnabled:
    """ACCOUNT_DISABLED: checked after the secret, so a guesser learns nothing from it."""

    name = "account_enabled"
    reveals_account = True

    async def check(self, ctx: PolicyContext) -> None:
        ctx.note(self.name, not ctx.account.disabled)
        if ctx.account.disabled:
            raise SignInError("ACCOUNT_DISABLED")


class NotRestricted:
    """SIGNIN_RESTRICTED: the owner turned "restrict sign-in" on in the authenticator app
    (devices/service.py). Checked after the secret, like ACCOUNT_DISABLED, so a guesser
    learns nothing; sessions already open are not affected."""

    name = "signin_restriction"
    reveals_account = True

    async def check(self, ctx: PolicyContext) -> None:
        ctx.note(self.name, not ctx.restricted)
        if ctx.restricted:
            raise SignInError("SIGNIN_RESTRICTED")


class DailyLimit:
    """DAILY_SIGNIN_LIMIT: successful sign-ins per account per day of the org's time zone.
    Counts this sign-in (atomically); undone if a later step refuses."""

    name = "daily_signin_limit"
    reveals_account = True

    async def check(self, ctx: PolicyContext) -> None:
        limit = ctx.settings.daily_signin_limit
        day = ctx.day()
        if not limit:
            ctx.note(self.name, True, limit=0, day=day)
            return
        count = await ctx.counters.consume_daily(ctx.account.id, day, limit,
                                                 ctx.counted_for())
        if count is None:
            ctx.note(self.name, False, limit=limit, day=day, count=limit,
                     timezone=ctx.settings.timezone)
            raise SignInError("DAILY_SIGNIN_LIMIT", detail={"limit": limit, "day": day})
        ctx.note(self.name, True, limit=limit, day=day, count=count)
        account_id, counters = ctx.account.id, ctx.counters
        ctx.undo.append(lambda: counters.release_daily(account_id, day))


# Checked before any secret is tried: a refused source never gets to guess.
BEFORE_SECRET: tuple[Policy, ...] = (AllowedIps(),)
# Checked once the secret is proven, in this order. CONCURRENT_SESSION_LIMIT comes last, at
# the moment the session is written (sessions/start.py), so that racing sign-ins cannot
# both take the last place.
AFTER_SECRET: tuple[Policy, ...] = (AccountEnabled(), NotRestricted(), DailyLimit())


def plan(hide_existence: bool) -> tuple[tuple[Policy, ...], tuple[Policy, ...]]:
    """The (before, after) lists for an org: hiding existence moves revealing checks later."""
    if not hide_existence:
        return BEFORE_SECRET, AFTER_SECRET
    early = tuple(p for p in BEFORE_SECRET if not p.reveals_account)
    late = tuple(p for p in BEFORE_SECRET if p.reveals_account)
    return early, late + AFTER_SECRET
