"""Driving a federated sign-in or link through the JSON API against the test IdP."""

from __future__ import annotations

import secrets

import httpx

from tests.federation.idp import TestIdP, answer_of


def new_sub() -> str:
    return "sub-" + secrets.token_hex(6)


async def start(client: httpx.AsyncClient) -> dict[str, str]:
    response = await client.post("/api/v1/signin/federated", json={"provider": "testidp"})
    assert response.status_code == 201, response.text
    started: dict[str, str] = response.json()
    return started


async def federated_signin(client: httpx.AsyncClient, idp: TestIdP, sub: str,
                           mfa: bool = False) -> httpx.Response:
    started = await start(client)
    back = idp.login(started["authorization_url"], sub, mfa)
    return await client.post("/api/v1/signin/federated/callback", json=answer_of(back))


async def link(client: httpx.AsyncClient, headers: dict[str, str], idp: TestIdP, sub: str
               ) -> httpx.Response:
    response = await client.post("/api/v1/me/linked-accounts", json={"provider": "testidp"},
                                 headers=headers)
    assert response.status_code == 201, response.text
    back = idp.login(response.json()["authorization_url"], sub)
    return await client.post("/api/v1/me/linked-accounts/callback", json=answer_of(back),
                             headers=headers)
