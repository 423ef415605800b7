"""Issue #12 (7): every /api/ answer is `Cache-Control: no-store`, so the ones that carry a
TOTP secret, backup codes, an app password or a session token cannot be kept by a cache;
the rule holds for the whole prefix (edge/no_store.py), not route by route."""

from __future__ import annotations

import httpx

from monban.accounts.model import Account
from tests.conftest import PASSWORD, sign_in, token_for


async def test_secret_bearing_answers_are_no_store(client: httpx.AsyncClient,
                                                   member: Account) -> None:
    signed_in = await sign_in(client, member.email or "")
    assert signed_in.headers["cache-control"] == "no-store"
    headers = await token_for(client, member.email or "")
    answers = [
        await client.post("/api/v1/me/factors/totp", headers=headers,
                          json={"name": "", "params": {}}),
        await client.post("/api/v1/me/factors/backup_code", headers=headers,
                          json={"name": "", "params": {}}),
        await client.post("/api/v1/me/app-passwords", headers=headers,
                          json={"name": "Mail", "current_password": PASSWORD}),
        await client.get("/api/v1/me", headers=headers),
        await client.get("/api/v1/me/csrf-token", headers=headers),
        await client.get("/api/v1/nothing-here", headers=headers),
    ]
    assert [a.status_code for a in answers] == [201, 201, 201, 200, 200, 404]
    assert "secret" in answers[0].text and answers[2].json()["password"]
    assert all(a.headers.get_list("cache-control") == ["no-store"] for a in answers)


async def test_public_documents_keep_their_caching(client: httpx.AsyncClient) -> None:
    discovery = await client.get("/.well-known/openid-configuration")
    assert discovery.headers["cache-control"] == "public, max-age=300"
