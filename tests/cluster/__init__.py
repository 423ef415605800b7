"""Real `monban serve` processes sharing PostgreSQL (+ Redis): the seed page's policies hold
across nodes, and survive a node, the database or Redis failing."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from monban.accounts.model import Account, Org
from monban.runtime import Runtime, build_runtime
from tests.nodes import Cluster, Node
from tests.postgres import private_schema

PASSWORD = "correct horse battery"


def redis_url() -> str:
    url = os.environ.get("MONBAN_TEST_REDIS_URL")
    if not url:
        pytest.skip("MONBAN_TEST_REDIS_URL is not set (.ci/run sets it)")
    return url


@contextmanager
def shared_cluster(root: Path, redis: str | None = None, **env: str
                   ) -> Iterator[tuple[Cluster, Runtime]]:
    """A cluster on a private PostgreSQL schema and (by default; "" for none) the test
    Redis under a prefix of its own; and an in-process runtime on the same database to seed
    it (its counters stay in SQL: it never counts anything)."""
    redis = redis_url() if redis is None else redis
    with private_schema() as url:
        prefix = f"test:{uuid.uuid4().hex}:"
        cluster = Cluster(root, database_url=url, redis_url=redis,
                          env={"MONBAN_REDIS_KEY_PREFIX": prefix, **env})
        seed = build_runtime(cluster.settings(redis_url=""))
        try:
            with cluster:
                yield cluster, seed
        finally:
            seed.close()
            if redis:  # the shared Redis stays clean
                client = Redis.from_url(redis)
                try:
                    for key in client.scan_iter(match=f"{prefix}*", count=1000):
                        client.delete(key)
                except RedisConnectionError:
                    pass  # a private Redis a failed test left stopped
                finally:
                    client.close()


async def member_of(seed: Runtime, slug: str, **settings: Any) -> tuple[Org, Account]:
    org = await seed.directory.create_org(slug.title(), slug)
    if settings:
        await seed.directory.update_settings(org, settings)
    account = await seed.directory.create_account(
        display_name="Hanako", email=f"hanako@{slug}.example", password=PASSWORD, org=org,
        language="en")
    return org, account


def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=400))


async def spread(nodes: list[Node], count: int,
                 call: Callable[[Node, int], Awaitable[httpx.Response]]
                 ) -> list[httpx.Response]:
    """`count` parallel calls, the i-th on node i mod len(nodes)."""
    return list(await asyncio.gather(*(call(nodes[i % len(nodes)], i) for i in range(count))))


def code_of(response: httpx.Response) -> str:
    if response.status_code == 200:
        return "OK"
    return str(response.json()["error"]["code"])
