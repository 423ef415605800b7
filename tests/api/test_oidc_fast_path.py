"""The provider's machine endpoints, served ahead of the app's middlewares
(api/oidc_fast_path.py): they keep their own body limit, and a database that is away answers
503 temporarily_unavailable (retry later), not a server error."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx

from monban.db.database import Database
from monban.oidc.provider import Provider
from monban.runtime import Runtime
from tests.oidc.conftest import register

TOKEN = "/oauth/token"


async def test_an_oversized_body_is_refused_before_it_is_read(client: httpx.AsyncClient,
                                                              runtime: Runtime) -> None:
    registered = await register(runtime)
    big = "grant_type=client_credentials&pad=" + "x" * 20_000
    declared = await client.post(TOKEN, content=big, headers={
        **registered.basic(), "content-type": "application/x-www-form-urlencoded"})
    assert declared.status_code == 400 and declared.json()["error"] == "invalid_request"

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: streamed
        yield b"grant_type=client_credentials&pad="
        for _ in range(40):
            yield b"x" * 1024

    streamed = await client.post(TOKEN, content=chunks(), headers={
        **registered.basic(), "content-type": "application/x-www-form-urlencoded"})
    assert streamed.status_code == 400 and streamed.json()["error"] == "invalid_request"
    fine = await client.post(TOKEN, data={"grant_type": "client_credentials"},
                             headers=registered.basic())
    assert fine.status_code == 200, fine.text


async def test_a_database_that_is_away_is_temporarily_unavailable(
        client: httpx.AsyncClient, runtime: Runtime) -> None:
    registered = await register(runtime)
    away = Database("postgresql+psycopg://postgres@127.0.0.1:9/monban?connect_timeout=2")
    kept: Any = runtime.oidc
    runtime.oidc = Provider(away, runtime.clock, runtime.secret_key)  # nothing listens on :9
    try:
        answer = await client.post(TOKEN, data={"grant_type": "client_credentials"},
                                   headers=registered.basic())
    finally:
        runtime.oidc = kept
        away.dispose()
    assert answer.status_code == 503
    assert answer.json()["error"] == "temporarily_unavailable"
    assert answer.headers["retry-after"] == "5"
