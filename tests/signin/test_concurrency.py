"""Limits hold under racing requests: the lockout stops at exactly the threshold, the session
limit never admits one more, a flow makes one session."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from monban.accounts.model import Account
from monban.runtime import Runtime
from monban.store import sessions
from tests.conftest import PASSWORD, Updater, error_code, sign_in


async def test_fifty_parallel_wrong_passwords_lock_at_exactly_the_threshold(
        member: Account, client: httpx.AsyncClient) -> None:
    results = await asyncio.gather(*(sign_in(client, member.email or "", f"wrong {n:04}")
                                     for n in range(50)))
    counts = Counter(error_code(r) for r in results)
    assert counts == {"INVALID_CREDENTIALS": 8, "SIGNIN_ATTEMPTS_EXCEEDED": 42}


async def test_twenty_parallel_sign_ins_never_exceed_a_limit_of_three(
        runtime: Runtime, member: Account, set_org: Updater, client: httpx.AsyncClient) -> None:
    await set_org(session_limit=3)
    results = await asyncio.gather(*(sign_in(client, member.email or "") for _ in range(20)))
    statuses = Counter(r.status_code for r in results)
    assert statuses == {200: 3, 409: 17}
    live = await runtime.db.run(sessions.count_live, member.id, sessions.BROWSER,
                                runtime.clock.now(), 0)
    assert live == 3


async def test_one_flow_makes_one_session(runtime: Runtime, member: Account,
                                          client: httpx.AsyncClient) -> None:
    started = await client.post("/api/v1/signin/flows", json={"identifier": member.email})
    url = f"/api/v1/signin/flows/{started.json()['flow']['id']}/password"
    results = await asyncio.gather(*(client.post(url, json={"password": PASSWORD})
                                     for _ in range(10)))
    assert Counter(r.status_code for r in results) == {200: 1, 410: 9}
