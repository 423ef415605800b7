"""Each sign-in error that exists, reproduced through the JSON API, with what its diagnosis must
say: the code, the policy that decided, the values it used and the fix an admin can take.

Shared by the CLI/service tests (tests/diagnostics) and the console page's tests
(tests/web/test_diagnose_pages.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from monban.accounts.model import Account, Org
from monban.clock import FrozenClock
from monban.runtime import Runtime
from tests.conftest import PASSWORD, ClientFactory, error_code, sign_in
from tests.factors import enroll_totp, mfa_flow, verify

OFFICE = "10.1.0.0/16"
OUTSIDE = "203.0.113.5"
HOME = "198.51.100.7"


@dataclass(frozen=True)
class Scenario:
    code: str
    policy: str
    says: tuple[str, ...]
    """Sentences (English) the explanation must contain, values included."""
    fix: str | None
    member: Account


@dataclass
class World:
    runtime: Runtime
    org: Org
    client_for: ClientFactory
    clock: FrozenClock

    async def member(self, email: str, **extra: Any) -> Account:
        return await self.runtime.directory.create_account(
            display_name=email.split("@")[0].title(), email=email, password=PASSWORD,
            org=self.org, language="en", **extra)

    async def settings(self, **changes: Any) -> None:
        org = await self.runtime.directory.org(self.org.slug)
        await self.runtime.directory.update_settings(org, changes)

    async def refused(self, email: str, code: str, password: str = PASSWORD,
                      ip: str = HOME) -> None:
        answer = await sign_in(self.client_for(ip=ip), email, password)
        assert error_code(answer) == code, answer.text


async def ip_not_allowed(w: World) -> Scenario:
    member = await w.member("ip@acme.example")
    await w.runtime.directory.add_ip_rule("org", w.org.id, OFFICE, "Tokyo office")
    await w.refused("ip@acme.example", "IP_NOT_ALLOWED", ip=OUTSIDE)
    return Scenario("IP_NOT_ALLOWED", "allowed_ips", (
        f"{OUTSIDE} is not in the organization's allowed list: 'Tokyo office' {OFFICE}.",
        f"Now: {OUTSIDE} is still not in the organization's allowed list."),
        "add_org_ip", member)


async def own_ip_not_allowed(w: World) -> Scenario:
    member = await w.member("own@acme.example")
    await w.runtime.directory.add_ip_rule("account", member.id, "2001:db8::/32", "home")
    await w.refused("own@acme.example", "IP_NOT_ALLOWED", ip=OUTSIDE)
    return Scenario("IP_NOT_ALLOWED", "allowed_ips", (
        f"{OUTSIDE} is not in the member's own allowed list: 'home' 2001:db8::/32.",),
        "add_account_ip", member)


async def daily_limit(w: World) -> Scenario:
    zone = noon_zone(w.clock.now())
    await w.settings(daily_signin_limit=2, timezone=zone)
    member = await w.member("daily@acme.example")
    for _ in range(2):
        assert (await sign_in(w.client_for(), "daily@acme.example")).status_code == 200
    await w.refused("daily@acme.example", "DAILY_SIGNIN_LIMIT")
    day = w.clock.now().astimezone(ZoneInfo(zone)).date().isoformat()
    return Scenario("DAILY_SIGNIN_LIMIT", "daily_signin_limit", (
        f"2 of 2 sign-ins already used on {day}: the limit is reached until",
        "Now: 2 of 2 sign-ins used today; the count starts again at"),
        "raise_daily_signin_limit", member)


async def attempts_exceeded(w: World) -> Scenario:
    member = await w.member("lock@acme.example")
    first = w.clock.now()
    for _ in range(8):
        await w.refused("lock@acme.example", "INVALID_CREDENTIALS", "not the password")
    await w.refused("lock@acme.example", "SIGNIN_ATTEMPTS_EXCEEDED")
    since = first.strftime("%Y-%m-%d %H:%M UTC")
    return Scenario("SIGNIN_ATTEMPTS_EXCEEDED", "attempt_lockout", (
        f"8 wrong passwords in a row from {HOME} since {since}: locked until",
        "Now: still locked until"), "clear_lockout", member)


async def session_limit(w: World) -> Scenario:
    await w.settings(session_limit=2)
    member = await w.member("busy@acme.example")
    for _ in range(2):
        assert (await sign_in(w.client_for(), "busy@acme.example")).status_code == 200
    await w.refused("busy@acme.example", "CONCURRENT_SESSION_LIMIT")
    return Scenario("CONCURRENT_SESSION_LIMIT", "concurrent_session_limit", (
        "2 of 2 concurrent sessions were in use.", "Now: 2 of 2 sessions in use.",
        f"python-httpx from {HOME}, signed in"), "end_sessions", member)


async def account_disabled(w: World) -> Scenario:
    member = await w.member("gone@acme.example")
    await w.runtime.directory.update_account(member, disabled=True)
    await w.refused("gone@acme.example", "ACCOUNT_DISABLED")
    return Scenario("ACCOUNT_DISABLED", "account_enabled", (
        "The account is disabled.", "Now: the account is still disabled."),
        "enable_account", member)


async def invalid_credentials(w: World) -> Scenario:
    member = await w.member("typo@acme.example")
    await w.refused("typo@acme.example", "INVALID_CREDENTIALS", "not the password")
    return Scenario("INVALID_CREDENTIALS", "password", (
        "The password was wrong.", f"Wrong attempts in a row from {HOME} so far: 1 (8 lock it)."),
        "set_password", member)


async def invalid_otp(w: World) -> Scenario:
    member = await w.member("otp@acme.example")
    client = w.client_for()
    _, factor_id = await enroll_totp(client, member, w.clock)
    flow = await mfa_flow(client, member)
    wrong = await verify(client, flow["flow"]["id"], factor_id, "000000")
    assert error_code(wrong) == "INVALID_OTP", wrong.text
    return Scenario("INVALID_OTP", "second_factor", (
        "The answer to the second step was wrong (authenticator app code).",
        "Authenticator app codes follow the phone's clock"), "reset_mfa", member)


SCENARIOS: dict[str, Callable[[World], Awaitable[Scenario]]] = {
    "IP_NOT_ALLOWED": ip_not_allowed,
    "IP_NOT_ALLOWED-own-list": own_ip_not_allowed,
    "DAILY_SIGNIN_LIMIT": daily_limit,
    "SIGNIN_ATTEMPTS_EXCEEDED": attempts_exceeded,
    "CONCURRENT_SESSION_LIMIT": session_limit,
    "ACCOUNT_DISABLED": account_disabled,
    "INVALID_CREDENTIALS": invalid_credentials,
    "INVALID_OTP": invalid_otp,
}


def noon_zone(now: datetime) -> str:
    """A time zone where it is around noon now: far from the midnight that starts a new day,
    whatever the time the tests run (the CLI reads the system clock)."""
    offset = (12 - now.hour) % 24
    offset = offset - 24 if offset > 14 else offset
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


def start_now(clock: FrozenClock) -> None:
    """The frozen clock at the real time (to the minute), so that a CLI run with the system
    clock sees the same day and the same live locks."""
    clock.set(datetime.now(UTC).replace(second=0, microsecond=0))
