"""Fixtures for the provider's in-process tests: a registered client, a signed-in browser
(an httpx client holding the session cookie), and the steps of the code flow."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from monban.accounts.model import Account
from monban.edge import cookies
from monban.oidc import pkce, registration
from monban.oidc.clients import Client
from monban.runtime import Runtime
from tests.conftest import ClientFactory, sign_in

REDIRECT = "https://app.example/callback"
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36")


@dataclass
class Registered:
    client: Client
    secret: str | None

    @property
    def id(self) -> str:
        return self.client.id

    def basic(self) -> dict[str, str]:
        raw = f"{self.client.id}:{self.secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


async def register(runtime: Runtime, **fields: Any) -> Registered:
    values: dict[str, Any] = dict(id="", name="Expenses", public=False,
                                  redirect_uris=(REDIRECT,), skip_consent=True,
                                  grants=("authorization_code", "refresh_token",
                                          "client_credentials"),
                                  post_logout_redirect_uris=("https://app.example/bye",))
    values.update(fields)
    if values["public"]:
        values.setdefault("auth_method", "none")
    client, secret = await registration.create(runtime.oidc, Client(**values))
    return Registered(client, secret)


@pytest.fixture
async def app_client(runtime: Runtime) -> Registered:
    return await register(runtime)


@pytest.fixture
async def browser(client_for: ClientFactory, member: Account) -> httpx.AsyncClient:
    """A browser with a live Monban session of `member`."""
    web = client_for()
    web.headers["user-agent"] = CHROME
    response = await sign_in(web, member.email or "")
    assert response.status_code == 200, response.text
    web.cookies.set(cookies.SESSION, response.json()["token"])
    return web


def authorize_url(client_id: str, verifier: str | None = None, **extra: str) -> str:
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT,
              "scope": "openid profile email", "state": "st-1", "nonce": "n-1"}
    if verifier:
        params.update(code_challenge=pkce.s256(verifier), code_challenge_method="S256")
    params.update(extra)
    return "/oauth/authorize?" + urlencode(params)


def query_of(response: httpx.Response) -> dict[str, str]:
    location = response.headers["location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def new_verifier() -> str:
    return secrets.token_urlsafe(48)


async def get_code(web: httpx.AsyncClient, client_id: str, verifier: str | None = None,
                   **extra: str) -> str:
    response = await web.get(authorize_url(client_id, verifier, **extra))
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith(REDIRECT), response.headers["location"]
    query = query_of(response)
    assert query["state"] == "st-1", query
    return query["code"]


async def redeem(web: httpx.AsyncClient, reg: Registered, code: str,
                 verifier: str | None = None, **extra: str) -> httpx.Response:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    if verifier:
        form["code_verifier"] = verifier
    form.update(extra)
    return await web.post("/oauth/token", data=form, headers=reg.basic())
