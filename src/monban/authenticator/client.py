"""The app's HTTP client: every call after linking is signed with the device key
(devices/signature.py) and carries the app's version."""

from __future__ import annotations

import json
import locale
import os
import secrets
import time
from collections.abc import Iterator
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from monban import __version__
from monban.devices import signature

APP_VERSION = __version__
USER_AGENT = f"MonbanAuthenticator/{APP_VERSION}"


class AppError(Exception):
    """The server refused: its catalogue code and message (in the account's language)."""

    def __init__(self, code: str, message: str, status: int,
                 detail: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.detail = detail or {}


def language() -> str:
    configured = os.environ.get("MONBAN_AUTHENTICATOR_LANG") or os.environ.get("LANG") or (
        locale.getlocale()[0] or "")
    return "ja" if configured.lower().startswith("ja") else "en"


def _raise_for(response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    try:
        error = response.json()["error"]
        raise AppError(error["code"], error["message"], response.status_code,
                       error.get("detail"))
    except (ValueError, KeyError, TypeError):
        raise AppError("INTERNAL_ERROR", response.text[:200], response.status_code) from None


class Client:
    def __init__(self, server: str, device_id: str | None = None,
                 key: Ed25519PrivateKey | None = None, timeout: float = 30.0) -> None:
        self.server = server.rstrip("/")
        self.device_id = device_id
        self.key = key
        self._http = httpx.Client(base_url=self.server, timeout=timeout, headers={
            "User-Agent": USER_AGENT, signature.VERSION: APP_VERSION,
            "Accept-Language": language()})

    def close(self) -> None:
        self._http.close()

    def signed_headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        assert self.key is not None and self.device_id is not None, "link the app first"
        stamp, nonce = str(int(time.time())), secrets.token_urlsafe(24)
        return {signature.DEVICE: self.device_id, signature.TIMESTAMP: stamp,
                signature.NONCE: nonce,
                signature.SIGNATURE: signature.sign(self.key, method, path, stamp, nonce, body),
                "Content-Type": "application/json"}

    def call(self, method: str, path: str, payload: dict[str, Any] | None = None
             ) -> dict[str, Any]:
        body = json.dumps(payload).encode() if payload is not None else b""
        response = self._http.request(method, path, content=body,
                                      headers=self.signed_headers(method, path, body))
        _raise_for(response)
        answer: dict[str, Any] = response.json()
        return answer

    def link(self, code: str, public_key: str, name: str, platform: str) -> dict[str, Any]:
        response = self._http.post("/api/v1/authenticator/devices", json={
            "code": code, "public_key": public_key, "name": name, "platform": platform})
        _raise_for(response)
        answer: dict[str, Any] = response.json()
        return answer

    def events(self, read_timeout: float = 60.0) -> Iterator[tuple[str, dict[str, Any]]]:
        """Server-sent events: (event name, data) until the connection ends."""
        path = "/api/v1/authenticator/events"
        headers = self.signed_headers("GET", path, b"")
        timeout = httpx.Timeout(10.0, read=read_timeout)
        with self._http.stream("GET", path, headers=headers, timeout=timeout) as response:
            if response.status_code >= 400:
                response.read()
                _raise_for(response)
            event, data = "message", ""
            for line in response.iter_lines():
                if line.startswith(": connected"):
                    yield "connected", {}
                elif not line:
                    if data:
                        yield event, json.loads(data)
                    event, data = "message", ""
                elif line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data += line[5:].strip()
