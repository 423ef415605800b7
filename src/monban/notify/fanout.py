"""Fan-out of authenticator events to the apps listening on any Monban node.

A challenge is created on the node that served the browser; the app waits on a long-lived
connection (server-sent events) to whichever node its load balancer picked. `publish` on one
node reaches `subscribe` on every node: in process when there is one node, through Redis
pub/sub (channel = settings.redis_key_prefix + channel) when settings.redis_url is set.

Messages are only a wake-up: the state (the challenge, its answer) lives in the database, so
a listener that missed a message still finds pending challenges when it (re)connects.

Mobile push services (FCM, APNs) are an adapter point, not built: an implementation of
`Fanout.publish` that also looks up the device's push token and calls the service's HTTP
API (the payload carrying only the challenge id; the app fetches the details over the
signed API) would let a phone app be woken while it is not connected.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

KEEPALIVE_SECONDS = 15.0


class Subscription(Protocol):
    async def next(self, wait_seconds: float) -> dict[str, Any] | None:
        """The next message, or None when `wait_seconds` pass without one."""
        ...


class Fanout(Protocol):
    async def publish(self, channel: str, message: dict[str, Any]) -> None: ...

    def subscribe(self, channel: str) -> Any:
        """An async context manager yielding a Subscription."""
        ...

    async def close(self) -> None: ...


class _QueueSubscription:
    def __init__(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        self.queue = queue

    async def next(self, wait_seconds: float) -> dict[str, Any] | None:
        try:
            return await asyncio.wait_for(self.queue.get(), wait_seconds)
        except TimeoutError:
            return None


class InProcessFanout:
    """One node: queues per listener, in this process."""

    def __init__(self) -> None:
        self._listeners: dict[str, set[asyncio.Queue[dict[str, Any]]]] = {}

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        for queue in list(self._listeners.get(channel, ())):
            queue.put_nowait(message)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=0)
        self._listeners.setdefault(channel, set()).add(queue)
        try:
            yield _QueueSubscription(queue)
        finally:
            listeners = self._listeners.get(channel)
            if listeners is not None:
                listeners.discard(queue)
                if not listeners:
                    del self._listeners[channel]

    async def close(self) -> None:
        self._listeners.clear()


class _RedisSubscription:
    def __init__(self, pubsub: Any) -> None:
        self.pubsub = pubsub

    async def next(self, wait_seconds: float) -> dict[str, Any] | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_seconds
        while True:
            left = deadline - loop.time()
            if left <= 0:
                return None
            message = await self.pubsub.get_message(ignore_subscribe_messages=True,
                                                    timeout=left)
            if message is not None and message.get("type") == "message":
                decoded: dict[str, Any] = json.loads(message["data"])
                return decoded


class RedisFanout:
    """Many nodes: Redis pub/sub. One connection for publishing, one per listener."""

    def __init__(self, url: str, prefix: str) -> None:
        self._url = url
        self._prefix = prefix
        self._client: Any = None

    def _redis(self) -> Any:
        if self._client is None:
            from redis import asyncio as aioredis

            self._client = aioredis.from_url(self._url)
        return self._client

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        await self._redis().publish(self._prefix + channel, json.dumps(message))

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        pubsub = self._redis().pubsub()
        await pubsub.subscribe(self._prefix + channel)
        try:
            yield _RedisSubscription(pubsub)
        finally:
            await pubsub.unsubscribe()
            await pubsub.aclose()

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def build_fanout(redis_url: str, prefix: str) -> Fanout:
    return RedisFanout(redis_url, prefix) if redis_url else InProcessFanout()
