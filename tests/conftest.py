"""Shared fixtures: a runtime on a fresh SQLite file with a frozen clock and cheap Argon2
parameters, the app around it, and API clients that come from a chosen IP address."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from monban.accounts.model import Account, Org, Role
from monban.app import create_app
from monban.clock import FrozenClock
from monban.config import Settings
from monban.runtime import Runtime, build_runtime

PASSWORD = "correct horse battery"
TEST_HOSTS = ["testserver", "localhost", "127.0.0.1", "[::1]"]
"""httpx's ASGI clients say Host: testserver; loopback servers are reached by address."""


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", argon2_memory_kib=1024, argon2_time_cost=1,
                    authenticator_app_name="OneAuth", default_language="en",
                    trusted_proxies=["127.0.0.1"], allowed_hosts=TEST_HOSTS)


@pytest.fixture
async def runtime(settings: Settings, clock: FrozenClock) -> AsyncIterator[Runtime]:
    rt = build_runtime(settings, clock)
    yield rt
    rt.close()


@pytest.fixture
def app(runtime: Runtime) -> Any:
    return create_app(runtime=runtime)


ClientFactory = Callable[..., httpx.AsyncClient]


@pytest.fixture
async def client_for(app: Any) -> AsyncIterator[ClientFactory]:
    """client_for(ip="198.51.100.7", lang="en"): an API client seen as coming from `ip`."""
    clients: list[httpx.AsyncClient] = []

    def make(ip: str = "198.51.100.7", lang: str | None = "en") -> httpx.AsyncClient:
        headers = {"accept-language": lang} if lang else {}
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 4000)),
                                   base_url="http://testserver", headers=headers)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
async def client(client_for: ClientFactory) -> httpx.AsyncClient:
    return client_for()


@pytest.fixture
async def org(runtime: Runtime) -> Org:
    return await runtime.directory.create_org("Acme", "acme")


@pytest.fixture
async def member(runtime: Runtime, org: Org) -> Account:
    return await runtime.directory.create_account(
        display_name="Hanako", email="hanako@acme.example", password=PASSWORD, org=org,
        role=Role.MEMBER, language="en")


@pytest.fixture
async def admin(runtime: Runtime, org: Org) -> Account:
    return await runtime.directory.create_account(
        display_name="Admin", email="admin@acme.example", password=PASSWORD, org=org,
        role=Role.ADMIN, language="en")


async def sign_in(client: httpx.AsyncClient, identifier: str, password: str = PASSWORD,
                  **extra: Any) -> httpx.Response:
    return await client.post("/api/v1/signin/flows",
                             json={"identifier": identifier, "password": password, **extra})


async def token_for(client: httpx.AsyncClient, identifier: str) -> dict[str, str]:
    response = await sign_in(client, identifier)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def error_code(response: httpx.Response) -> str:
    code: str = response.json()["error"]["code"]
    return code


Updater = Callable[..., Awaitable[Any]]


@pytest.fixture
def set_org(runtime: Runtime, org: Org) -> Updater:
    async def update(**changes: Any) -> Any:
        current = await runtime.directory.org(org.slug)
        return await runtime.directory.update_settings(current, changes)

    return update
