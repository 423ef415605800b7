"""A hundred racing answers to one push request on PostgreSQL (READ COMMITTED): one wins."""

from __future__ import annotations

import asyncio

import httpx

from monban.app import create_app
from monban.clock import FrozenClock
from monban.runtime import Runtime
from tests.conftest import error_code
from tests.devices import AppDevice, link_device, push_flow, verify_push
from tests.factors import pg_runtime

__all__ = ["pg_runtime"]


async def test_a_hundred_racing_answers_on_postgresql(pg_runtime: Runtime,
                                                      clock: FrozenClock) -> None:
    app = create_app(runtime=pg_runtime)
    org = await pg_runtime.directory.create_org("Acme", "acme")
    member = await pg_runtime.directory.create_account(
        display_name="Hanako", email="hanako@acme.example", password="correct horse battery",
        org=org, language="en")
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 4000))
    clients = [httpx.AsyncClient(transport=transport, base_url="http://testserver")
               for _ in range(101)]
    try:
        device = await link_device(clients[0], member, clock)
        flow_id, factor_id, challenge = await push_flow(clients[0], member)
        answers = await asyncio.gather(*(
            AppDevice(c, clock, device.key, device.device_id).answer(
                challenge["challenge_id"], challenge["number"]) for c in clients[1:]))
        assert sum(a.status_code == 200 for a in answers) == 1
        assert {error_code(a) for a in answers if a.status_code != 200} == {"FLOW_EXPIRED"}
        for c in clients[1:21]:  # the browser's binder, as if its tabs raced
            c.headers["X-Flow-Token"] = clients[0].cookies["monban_flow"]
        taken = await asyncio.gather(*(verify_push(c, flow_id, factor_id)
                                       for c in clients[1:21]))
        assert sum(t.status_code == 200 for t in taken) == 1  # the approval is used once
    finally:
        for c in clients:
            await c.aclose()
