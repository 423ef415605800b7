"""Helpers for the authenticator tests in process: a device key that signs requests at the
frozen clock's time, linking one over the API, and a push sign-in up to the challenge."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from monban.accounts.model import Account
from monban.clock import FrozenClock
from monban.devices import signature
from tests.conftest import sign_in, token_for

VERSION = "0.1.0"


@dataclass
class AppDevice:
    client: httpx.AsyncClient
    clock: FrozenClock
    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    device_id: str = ""
    totp_secret: str = ""
    version: str = VERSION
    session: dict[str, str] = field(default_factory=dict)
    """A bearer session of the account opened before the device was linked."""

    def headers(self, method: str, path: str, body: bytes, nonce: str | None = None,
                stamp: int | None = None) -> dict[str, str]:
        stamp_text = str(int(self.clock.now().timestamp()) if stamp is None else stamp)
        nonce = nonce or secrets.token_urlsafe(24)
        return {signature.DEVICE: self.device_id, signature.TIMESTAMP: stamp_text,
                signature.NONCE: nonce, signature.VERSION: self.version,
                signature.SIGNATURE: signature.sign(self.key, method, path, stamp_text, nonce,
                                                    body),
                "content-type": "application/json"}

    async def call(self, method: str, path: str, payload: Any = None,
                   **header_args: Any) -> httpx.Response:
        body = json.dumps(payload).encode() if payload is not None else b""
        return await self.client.request(method, path, content=body,
                                         headers=self.headers(method, path, body,
                                                              **header_args))

    async def answer(self, challenge_id: str, number: int | None = None,
                     deny: bool = False) -> httpx.Response:
        return await self.call("POST", f"/api/v1/authenticator/challenges/{challenge_id}/answer",
                               {"number": number, "deny": deny})


async def link_code(client: httpx.AsyncClient, account: Account,
                    headers: dict[str, str] | None = None) -> dict[str, Any]:
    headers = headers or await token_for(client, account.email or "")
    made = await client.post("/api/v1/me/authenticator/links", headers=headers, json={})
    assert made.status_code == 201, made.text
    link: dict[str, Any] = made.json()["link"]
    return link


async def link_device(client: httpx.AsyncClient, account: Account, clock: FrozenClock,
                      name: str = "Laptop") -> AppDevice:
    session = await token_for(client, account.email or "")
    link = await link_code(client, account, session)
    device = AppDevice(client, clock, session=session)
    linked = await client.post("/api/v1/authenticator/devices", headers={
        signature.VERSION: VERSION}, json={
        "code": link["code"], "public_key": signature.public_key_text(device.key),
        "name": name, "platform": "test"})
    assert linked.status_code == 201, linked.text
    body = linked.json()
    device.device_id = body["device"]["id"]
    device.totp_secret = body["totp"]["secret"]
    return device


async def push_flow(client: httpx.AsyncClient, account: Account) -> tuple[str, str, dict[str, Any]]:
    """Password proven; the push factor challenged: (flow id, factor id, public challenge)."""
    started = await sign_in(client, account.email or "")
    assert started.status_code == 200, started.text
    body = started.json()
    assert body["state"] == "mfa", body
    factor = next(f for f in body["factors"] if f["kind"] == "push")
    flow_id = body["flow"]["id"]
    challenged = await client.post(f"/api/v1/signin/flows/{flow_id}/mfa/challenge",
                                   json={"factor_id": factor["id"]})
    assert challenged.status_code == 200, challenged.text
    return flow_id, factor["id"], challenged.json()["challenge"]


async def verify_push(client: httpx.AsyncClient, flow_id: str, factor_id: str
                      ) -> httpx.Response:
    return await client.post(f"/api/v1/signin/flows/{flow_id}/mfa/verify",
                             json={"factor_id": factor_id, "response": {}})
