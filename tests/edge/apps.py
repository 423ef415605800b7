"""An app on its own settings (the shared fixtures' settings plus overrides), for the tests
of what the deployment configures: base URL, trusted proxies, allowed hosts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from monban.app import create_app
from monban.clock import FrozenClock
from monban.config import Settings
from monban.runtime import build_runtime


@asynccontextmanager
async def app_with(settings: Settings, clock: FrozenClock, **overrides: Any
                   ) -> AsyncIterator[Any]:
    runtime = build_runtime(settings.model_copy(update=overrides), clock)
    try:
        yield create_app(runtime=runtime)
    finally:
        runtime.close()


def client_of(app: Any, ip: str, base_url: str = "http://testserver",
              lang: str = "en") -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 4000)),
                             base_url=base_url, headers={"accept-language": lang})
