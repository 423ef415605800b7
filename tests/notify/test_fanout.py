"""The fan-out: a message published reaches every subscriber of its channel, in process and
through Redis (two RedisFanout objects stand for two nodes; a unique key prefix per test)."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from monban.notify.fanout import Fanout, InProcessFanout, RedisFanout, build_fanout


async def _round_trip(sender: Fanout, receiver: Fanout) -> None:
    async with receiver.subscribe("authenticator:a1") as first, \
            receiver.subscribe("authenticator:a1") as second, \
            receiver.subscribe("authenticator:other") as other:
        await asyncio.sleep(0.05)  # Redis: the subscription is live
        await sender.publish("authenticator:a1", {"type": "challenge", "id": "c1"})
        assert await first.next(5) == {"type": "challenge", "id": "c1"}
        assert await second.next(5) == {"type": "challenge", "id": "c1"}
        assert await other.next(0.2) is None
    # Once unsubscribed, nothing is queued for the listener any more.
    await sender.publish("authenticator:a1", {"type": "challenge", "id": "c2"})


async def test_in_process() -> None:
    fanout = InProcessFanout()
    await _round_trip(fanout, fanout)
    await fanout.close()


async def test_nothing_waits_without_a_message() -> None:
    fanout = InProcessFanout()
    async with fanout.subscribe("authenticator:x") as sub:
        assert await sub.next(0.05) is None


def test_build_picks_redis_when_configured() -> None:
    assert isinstance(build_fanout("", "monban:"), InProcessFanout)
    assert isinstance(build_fanout("redis://127.0.0.1:6379/0", "monban:"), RedisFanout)


async def test_redis_between_two_nodes() -> None:
    url = os.environ.get("MONBAN_TEST_REDIS_URL")
    if not url:
        pytest.skip("MONBAN_TEST_REDIS_URL is not set (.ci/run sets it)")
    prefix = f"monban-test-{uuid.uuid4().hex[:12]}:"
    node_a, node_b = RedisFanout(url, prefix), RedisFanout(url, prefix)
    stranger = RedisFanout(url, f"monban-test-{uuid.uuid4().hex[:12]}:")
    try:
        await _round_trip(node_a, node_b)
        async with node_b.subscribe("authenticator:a1") as sub:
            await asyncio.sleep(0.05)
            await stranger.publish("authenticator:a1", {"id": "elsewhere"})
            assert await sub.next(0.3) is None  # another prefix is another deployment
    finally:
        for fanout in (node_a, node_b, stranger):
            await fanout.close()
