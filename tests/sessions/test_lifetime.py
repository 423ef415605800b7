"""Issue #12 (7): sessions meet OWASP ASVS 4.0.3 §3.3.2 at level 2 by default: without "keep
me signed in" a session ends after 30 minutes idle or 12 hours after signing in; with it, it
has no idle timeout and ends after `session_lifetime_hours` (14 days). One rule
(sessions/lifetime.py) for authenticating, listing and the concurrent-session count; every
test moves the injected clock."""

from __future__ import annotations

from datetime import timedelta

import httpx

from monban.accounts.model import Account
from monban.clock import FrozenClock
from tests.conftest import ClientFactory, Updater, sign_in


async def bearer(client: httpx.AsyncClient, member: Account, keep: bool = False
                 ) -> dict[str, str]:
    signed_in = await sign_in(client, member.email or "", keep_signed_in=keep)
    assert signed_in.status_code == 200, signed_in.text
    return {"Authorization": f"Bearer {signed_in.json()['token']}"}


async def status(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    return (await client.get("/api/v1/me", headers=headers)).status_code


async def test_idle_for_thirty_minutes_ends_a_session(client: httpx.AsyncClient,
                                                      member: Account,
                                                      clock: FrozenClock) -> None:
    headers = await bearer(client, member)
    clock.advance(timedelta(minutes=29))
    assert await status(client, headers) == 200  # activity: the idle clock starts again
    clock.advance(timedelta(minutes=29))
    assert await status(client, headers) == 200
    clock.advance(timedelta(minutes=30, seconds=1))
    expired = await client.get("/api/v1/me", headers=headers)
    assert expired.status_code == 401 and expired.json()["error"]["code"] == "SESSION_EXPIRED"


async def test_twelve_hours_end_an_active_session(client: httpx.AsyncClient, member: Account,
                                                  clock: FrozenClock) -> None:
    signed_in = await sign_in(client, member.email or "")
    assert signed_in.json()["session"]["expires_at"] == (
        clock.now() + timedelta(hours=12)).isoformat()
    headers = {"Authorization": f"Bearer {signed_in.json()['token']}"}
    for _ in range(12 * 3 - 1):
        clock.advance(timedelta(minutes=20))
        assert await status(client, headers) == 200
    clock.advance(timedelta(minutes=20))
    assert await status(client, headers) == 401


async def test_keep_me_signed_in_has_no_idle_timeout_and_ends_after_14_days(
        client: httpx.AsyncClient, member: Account, clock: FrozenClock) -> None:
    headers = await bearer(client, member, keep=True)
    clock.advance(timedelta(days=13, hours=23))
    assert await status(client, headers) == 200
    listed = (await client.get("/api/v1/me/sessions", headers=headers)).json()["sessions"]
    assert [s["persistent"] for s in listed] == [True]
    clock.advance(timedelta(hours=1, seconds=1))
    assert await status(client, headers) == 401


async def test_the_org_sets_the_limits(client: httpx.AsyncClient, member: Account,
                                       clock: FrozenClock, set_org: Updater) -> None:
    await set_org(session_idle_minutes=0, session_max_hours=24, session_lifetime_hours=48)
    headers = await bearer(client, member)
    clock.advance(timedelta(hours=23))
    assert await status(client, headers) == 200  # no idle timeout
    clock.advance(timedelta(hours=1, seconds=1))
    assert await status(client, headers) == 401
    kept = await bearer(client, member, keep=True)
    clock.advance(timedelta(hours=47))
    assert await status(client, kept) == 200


async def test_idle_sessions_leave_the_list_and_the_session_limit(
        client_for: ClientFactory, member: Account, clock: FrozenClock,
        set_org: Updater) -> None:
    await set_org(session_limit=1)
    first = client_for("198.51.100.7")
    await bearer(first, member)
    second = client_for("198.51.100.8")
    limited = await sign_in(second, member.email or "")
    assert limited.json()["error"]["code"] == "CONCURRENT_SESSION_LIMIT"
    clock.advance(timedelta(minutes=31))  # the first one went idle: it no longer counts
    headers = await bearer(second, member)
    listed = (await second.get("/api/v1/me/sessions", headers=headers)).json()["sessions"]
    assert len(listed) == 1 and listed[0]["current"]
