from __future__ import annotations

from datetime import timedelta

import httpx

from monban.accounts.model import Account
from monban.clock import FrozenClock
from monban.housekeeping import sweep
from monban.runtime import Runtime
from tests.conftest import sign_in


async def test_sweep_keeps_live_things_and_drops_dead_ones(
        runtime: Runtime, member: Account, client: httpx.AsyncClient,
        clock: FrozenClock) -> None:
    live = await sign_in(client, member.email or "", keep_signed_in=True)
    await sign_in(client, member.email or "", "wrong password")
    assert await sweep(runtime) == type(await sweep(runtime))(0, 0, 0, 0)
    clock.advance(timedelta(days=3))
    swept = await sweep(runtime)
    # one counter: the browser is known after the first success, so no account-wide count
    assert swept.flows == 2 and swept.counters == 1 and swept.days == 1
    assert swept.sessions == 0  # still within its 14-day lifetime
    headers = {"Authorization": f"Bearer {live.json()['token']}"}
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    clock.advance(timedelta(days=45))
    assert (await sweep(runtime)).sessions == 1
