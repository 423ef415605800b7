"""The daily sign-in limit rolls over at midnight of the org's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from monban.accounts.model import Account
from monban.clock import FrozenClock
from tests.conftest import Updater, error_code, sign_in


async def test_rolls_over_at_midnight_in_the_org_zone(member: Account, set_org: Updater,
                                                      client: httpx.AsyncClient,
                                                      clock: FrozenClock) -> None:
    await set_org(daily_signin_limit=2, timezone="Asia/Tokyo")
    clock.set(datetime(2026, 3, 1, 14, 0, tzinfo=UTC))  # 23:00 in Tokyo
    for _ in range(2):
        assert (await sign_in(client, member.email or "")).status_code == 200
    assert error_code(await sign_in(client, member.email or "")) == "DAILY_SIGNIN_LIMIT"
    clock.advance(timedelta(minutes=59))  # 23:59 Tokyo: still the same day
    assert error_code(await sign_in(client, member.email or "")) == "DAILY_SIGNIN_LIMIT"
    clock.advance(timedelta(minutes=2))  # 00:01 Tokyo, 15:01 UTC
    assert (await sign_in(client, member.email or "")).status_code == 200


async def test_utc_day_by_default(member: Account, set_org: Updater, client: httpx.AsyncClient,
                                  clock: FrozenClock) -> None:
    await set_org(daily_signin_limit=1)
    clock.set(datetime(2026, 3, 1, 23, 59, tzinfo=UTC))
    assert (await sign_in(client, member.email or "")).status_code == 200
    assert error_code(await sign_in(client, member.email or "")) == "DAILY_SIGNIN_LIMIT"
    clock.advance(timedelta(minutes=2))
    assert (await sign_in(client, member.email or "")).status_code == 200


async def test_refused_sign_ins_do_not_use_up_the_day(member: Account, set_org: Updater,
                                                      client: httpx.AsyncClient) -> None:
    await set_org(daily_signin_limit=2, session_limit=1)
    assert (await sign_in(client, member.email or "")).status_code == 200
    refused = await sign_in(client, member.email or "")  # session limit: not a sign-in
    assert error_code(refused) == "CONCURRENT_SESSION_LIMIT"
    assert error_code(await sign_in(client, member.email or "", "wrong password")) == \
        "INVALID_CREDENTIALS"
    flow = refused.json()["error"]["detail"]["flow_id"]
    done = await client.post(f"/api/v1/signin/flows/{flow}/end-other-sessions")
    assert done.status_code == 200  # the second sign-in of the day
    assert error_code(await sign_in(client, member.email or "")) == "DAILY_SIGNIN_LIMIT"
