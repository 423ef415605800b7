"""One gate: no module but notify/senders.py reaches a transport (an SMS provider, SMTP, the
outbox as a sender, the push fan-out's publish), so every message passes the send limits;
and with Redis the limits are one count for every node."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import AsyncIterator
from ipaddress import ip_address
from pathlib import Path

import pytest
from redis.asyncio import Redis

from monban.clock import FrozenClock
from monban.config import Settings
from monban.errors import CatalogueError
from monban.notify.outgoing import Origin, Outgoing
from monban.runtime import Runtime, build_runtime

SRC = Path(__file__).resolve().parents[2] / "src" / "monban"
TRANSPORT_CALL = re.compile(r"\.(send_sms|send_email|publish)\(")
GATE = {SRC / "notify" / "senders.py"}
TRANSPORTS = {SRC / "notify" / name for name in ("outbox.py", "sms_http.py", "smtp.py",
                                                  "fanout.py")}


def test_only_the_gate_calls_a_transport() -> None:
    offenders = [f"{path.relative_to(SRC)}:{n}"
                 for path in sorted(SRC.rglob("*.py")) if path not in GATE | TRANSPORTS
                 for n, line in enumerate(path.read_text().splitlines(), 1)
                 if TRANSPORT_CALL.search(line)]
    assert offenders == []


@pytest.fixture
async def two_nodes(tmp_path: Path) -> AsyncIterator[tuple[Runtime, Runtime]]:
    url = os.environ.get("MONBAN_TEST_REDIS_URL")
    if not url:
        pytest.skip("MONBAN_TEST_REDIS_URL is not set (.ci/run sets it)")
    prefix = f"test:{uuid.uuid4().hex}:"
    clock = FrozenClock()
    nodes = [build_runtime(Settings(data_dir=tmp_path / name, redis_url=url,
                                    redis_key_prefix=prefix, secret_key="one key for all"),
                           clock) for name in ("a", "b")]
    yield nodes[0], nodes[1]
    for node in nodes:
        await node.aclose()
    client = Redis.from_url(url)
    async for key in client.scan_iter(match=f"{prefix}*"):  # the shared Redis stays clean
        await client.delete(key)
    await client.aclose()


async def test_two_nodes_share_the_counts_through_redis(two_nodes: tuple[Runtime, Runtime]
                                                        ) -> None:
    a, b = two_nodes
    message = Outgoing.sms("verify", "+819012345678", "[Monban] Verification code: 000000")
    for i in range(5):  # 3 on one node, 2 on the other, each from another address
        node = a if i % 2 == 0 else b
        await node.senders.send(message, Origin(ip=ip_address(f"198.51.100.{i + 1}")))
    for node in (a, b):
        with pytest.raises(CatalogueError) as refused:
            await node.senders.send(message, Origin(ip=ip_address("192.0.2.1")))
        assert refused.value.code == "SEND_LIMIT_REACHED"
        assert refused.value.detail["scope"] == "destination"
    sent = [*(await a.outbox.latest(10)), *(await b.outbox.latest(10))]
    assert len(sent) == 5
