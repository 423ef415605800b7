"""The sign-in policies, in the order they run, and every other step a sign-in's trace can
name. Each policy is a small unit: `check(ctx)` passes or raises CatalogueError with its
catalogue code, and notes what it looked at in ctx.trace under its `name`.

Each unit describes itself: `label` (what the diagnostics call it) and `passed` / `refused`
(what they say of its trace step, filled from the values it noted), English msgids translated
by the i18n catalogs (i18n/locales/ja/LC_MESSAGES/policies.po). `TRACED` lists every name a
trace can hold: the units, and the steps that are not units of their own (proving the
secret, a factor, the attempt lockout, the session limit); the diagnostics derive their labels
and default readings from it (diagnostics/readings.py and verdicts.py add richer ones for some).

Adding a policy means writing a unit here, putting it in one of the lists below (or calling
its check where its rule applies, as second_step.py calls SameFactor), and its catalogue
row; neither the flow nor the diagnostics change.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from monban.errors import CatalogueError
from monban.i18n.catalog import N_
from monban.network.ip_rules import matching
from monban.passwords.policy import change_due
from monban.signin.context import PolicyContext


class Described(Protocol):
    """What a trace step is called and what the diagnostics say of it."""

    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def passed(self) -> str: ...
    @property
    def refused(self) -> str: ...


class Policy(Described, Protocol):
    @property
    def reveals_account(self) -> bool:
        """True when refusing before the secret would tell a stranger the account exists;
        such policies move after the secret for orgs that hide account existence."""
        ...

    async def check(self, ctx: PolicyContext) -> None: ...


@dataclass(frozen=True, slots=True)
class Step:
    """A trace step that is not a policy unit: who notes it says so below."""

    name: str
    label: str
    passed: str
    refused: str


class AllowedIps:
    """IP_NOT_ALLOWED: the account's own list, then the org's (an empty list allows all)."""

    name = "allowed_ips"
    label = N_("Allowed IP addresses")
    passed = N_("%(ip)s is on an allowed list.")
    refused = N_("%(ip)s is not on the allowed list.")
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
                raise CatalogueError("IP_NOT_ALLOWED", detail={"scope": scope})
            ctx.note(self.name, True, ip=str(ip), scope=scope, matched=hit)


class AccountEnabled:
    """ACCOUNT_DISABLED: checked after the secret, so a guesser learns nothing from it."""

    name = "account_enabled"
    label = N_("Account status")
    passed = N_("The account is enabled.")
    refused = N_("The account is disabled.")
    reveals_account = True

    async def check(self, ctx: PolicyContext) -> None:
        ctx.note(self.name, not ctx.account.disabled)
        if ctx.account.disabled:
            raise CatalogueError("ACCOUNT_DISABLED")


class NotRestricted:
    """SIGNIN_RESTRICTED: the owner turned "restrict sign-in" on in the authenticator app
    (devices/service.py). Checked after the secret, like ACCOUNT_DISABLED, so a guesser
    learns nothing; sessions already open are not affected."""

    name = "signin_restriction"
    label = N_("Sign-in restriction")
    passed = N_("Sign-in restriction is off.")
    refused = N_("The member turned sign-in restriction on in the authenticator app: no new "
                 "sign-in until it is turned off there.")
    reveals_account = True

    async def check(self, ctx: PolicyContext) -> None:
        ctx.note(self.name, not ctx.restricted)
        if ctx.restricted:
            raise CatalogueError("SIGNIN_RESTRICTED")


class DailyLimit:
    """DAILY_SIGNIN_LIMIT: successful sign-ins per account per day of the org's time zone.
    Counts this sign-in (atomically); undone if a later step refuses."""

    name = "daily_signin_limit"
    label = N_("Daily sign-in limit")
    passed = N_("Within the daily sign-in limit.")
    refused = N_("The daily sign-in limit was reached.")
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
            raise CatalogueError("DAILY_SIGNIN_LIMIT", detail={"limit": limit, "day": day})
        ctx.note(self.name, True, limit=limit, day=day, count=count)
        account_id, counters = ctx.account.id, ctx.counters
        ctx.undo.append(lambda: counters.release_daily(account_id, day))


class PasswordAge:
    """PASSWORD_EXPIRED {"reason"}: the password is older than the org's maximum age
    ("max_age"), or an admin reset it asking for a change ("must_change"). Checked once the
    password is proven; the flow then asks for a new one (signin/password_change.py). Noted
    only when it refuses: a sign-in whose password needs no change has no step for it."""

    name = "password_age"
    label = N_("Password age")
    passed = N_("The password did not need changing.")
    refused = N_("The password had to be changed before signing in.")
    reveals_account = True

    async def check(self, ctx: PolicyContext) -> None:
        reason = change_due(ctx.account, ctx.settings, ctx.now)
        if reason is not None:
            ctx.note(self.name, False, reason=reason,
                     max_age_days=ctx.settings.password_max_age_days)
            raise CatalogueError("PASSWORD_EXPIRED", detail={"reason": reason})


class SameFactor:
    """SIGNIN_METHOD_NOT_ALLOWED {"reason": "same_factor"}: the second step must be proven by
    another factor than the one that carried the first step's sign-in code: one phone is one
    factor, however many codes it receives. Refused when the account's only second factors
    are of that kind (second_step.py, with the kinds it found)."""

    name = "same_factor"
    label = N_("A different second factor")
    passed = N_("The second step can use another factor than the sign-in code's.")
    refused = N_("The sign-in code came by the account's only second factor, which cannot "
                 "prove the second step too.")
    reveals_account = True

    def __init__(self, first_kind: str | None = None, second_kinds: Collection[str] = ()
                 ) -> None:
        self.first_kind, self.second_kinds = first_kind, frozenset(second_kinds)

    async def check(self, ctx: PolicyContext) -> None:
        if self.first_kind is None or self.first_kind not in self.second_kinds:
            return  # a password first, or a code by a kind that is no second factor here
        others = self.second_kinds - {self.first_kind}
        ctx.note(self.name, bool(others), first=self.first_kind)
        if not others:
            raise CatalogueError("SIGNIN_METHOD_NOT_ALLOWED", detail={"reason": "same_factor"})


# Checked before any secret is tried: a refused source never gets to guess.
BEFORE_SECRET: tuple[Policy, ...] = (AllowedIps(),)
# Checked once the secret is proven, in this order. CONCURRENT_SESSION_LIMIT comes last, at
# the moment the session is written (sessions/start.py), so that racing sign-ins cannot
# both take the last place.
AFTER_SECRET: tuple[Policy, ...] = (AccountEnabled(), NotRestricted(), DailyLimit())
# Checked where their rule applies: right after the password (signin/flow.py), and when
# the second step is planned (signin/second_step.py).
PASSWORD_AGE = PasswordAge()
SAME_FACTOR = SameFactor()


def plan(hide_existence: bool) -> tuple[tuple[Policy, ...], tuple[Policy, ...]]:
    """The (before, after) lists for an org: hiding existence moves revealing checks later."""
    if not hide_existence:
        return BEFORE_SECRET, AFTER_SECRET
    early = tuple(p for p in BEFORE_SECRET if not p.reveals_account)
    late = tuple(p for p in BEFORE_SECRET if p.reveals_account)
    return early, late + AFTER_SECRET


# The steps a trace names that are not units here, by the module that notes them.
LOCKOUT = Step("attempt_lockout", N_("Attempt lockout"),  # signin/lockout.py
               N_("Not locked by earlier wrong attempts."),
               N_("Too many wrong attempts in a row: locked."))
PASSWORD = Step("password", N_("Password"),  # signin/flow.py, mail/login.py
                N_("The password was correct."), N_("The password was wrong."))
SECOND_FACTOR = Step("second_factor", N_("Second step"),  # signin/second_step.py
                     N_("Second step passed."), N_("The answer to the second step was wrong."))
SIGNIN_CODE = Step("signin_code", N_("Sign-in code"),  # signin/passwordless.py
                   N_("A sign-in code was entered."),
                   N_("The sign-in code was wrong or had expired."))
PASSWORD_CHANGE = Step("password_change", N_("New password"),  # signin/password_change.py
                       N_("A new password was set."), N_("The new password was not accepted."))
SESSION_LIMIT = Step("concurrent_session_limit",  # sessions/start.py
                     N_("Concurrent session limit"),
                     N_("Within the concurrent session limit."),
                     N_("The concurrent session limit was reached."))
MAIL_APP_PASSWORD = Step("mail_app_password", N_("App-specific password"),  # mail/login.py
                         N_("The mail client used an app-specific password."),
                         N_("A mail client must use an app-specific password while "
                            "multi-factor authentication is on."))
FEDERATED = Step("federated", N_("Federated sign-in"),  # federation/service.py
                 N_("The identity provider %(provider)s vouched for the person."),
                 N_("The identity provider's answer was not accepted."))
QR_SIGNIN = Step("qr_signin", N_("QR code sign-in"),  # devices/qr_signin.py
                 N_("Approved by scanning the QR code with the authenticator app."),
                 N_("The QR code sign-in was not approved."))

TRACED: tuple[Described, ...] = (
    *BEFORE_SECRET, LOCKOUT, PASSWORD, SIGNIN_CODE, FEDERATED, QR_SIGNIN, PASSWORD_AGE,
    PASSWORD_CHANGE, SAME_FACTOR, SECOND_FACTOR, MAIL_APP_PASSWORD, *AFTER_SECRET,
    SESSION_LIMIT)
"""Everything a trace can name, in the order a sign-in meets it."""
BY_NAME: dict[str, Described] = {step.name: step for step in TRACED}
