"""`monban serve --workers N`: one port, N processes (migrated once before they fork), the
same limits as one process."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from tests.cluster import client, code_of, member_of, shared_cluster, spread

pytestmark = pytest.mark.slow


async def test_two_workers_share_one_port_and_the_limits(tmp_path: Path) -> None:
    with shared_cluster(tmp_path) as (cluster, seed):
        (node,) = cluster.start(1, "--workers", "2")
        _, account = await member_of(seed, "workers", daily_signin_limit=5)
        async with client() as http:
            results = await spread([node], 30, lambda n, i: http.post(
                f"{n.url}/api/v1/signin/flows",
                json={"identifier": account.email, "password": "correct horse battery"}))
        assert Counter(map(code_of, results)) == {"OK": 5, "DAILY_SIGNIN_LIMIT": 25}
        for _ in range(100):  # both worker processes came up (each logs its own start)
            if node.log.read_text().count("Application startup complete") == 2:
                break
            await asyncio.sleep(0.1)
        assert node.log.read_text().count("Application startup complete") == 2
        assert "Traceback" not in node.log.read_text()
