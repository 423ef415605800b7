"""Issue #12 (5): behind a TLS proxy the session cookie is Secure and `__Host-` prefixed and
HSTS is sent; the proxy's X-Forwarded-Proto / X-Forwarded-For count only from a trusted
proxy (127.0.0.1 in these settings), never from anyone else."""

from __future__ import annotations

import httpx

from monban.accounts.model import Account
from monban.clock import FrozenClock
from monban.config import Settings
from monban.edge import cookies
from tests.conftest import PASSWORD, ClientFactory, sign_in
from tests.edge.apps import app_with, client_of

PROXY = "127.0.0.1"
OUTSIDER = "198.51.100.7"
HTTPS = {"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9"}


def set_cookies(response: httpx.Response) -> dict[str, str]:
    """Each Set-Cookie header by cookie name."""
    found = {}
    for header in response.headers.get_list("set-cookie"):
        found[header.split("=", 1)[0]] = header
    return found


async def test_trusted_proxy_https_gives_secure_host_cookie_and_hsts(
        client_for: ClientFactory, member: Account) -> None:
    client = client_for(PROXY)
    signed_in = await client.post("/api/v1/signin/flows", headers=HTTPS, json={
        "identifier": member.email, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    cookie = set_cookies(signed_in)["__Host-monban_session"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie and "monban_session" not in {
        name for name in set_cookies(signed_in) if not name.startswith("__Host-")}
    assert signed_in.headers["strict-transport-security"] == "max-age=31536000"
    # (httpx keeps Secure cookies for https only, so the browser's cookie is sent by hand)
    token = signed_in.json()["token"]
    me = await client.get("/api/v1/me",
                          headers={**HTTPS, "cookie": f"__Host-monban_session={token}"})
    assert me.status_code == 200
    assert me.json()["session"]["ip"] == "203.0.113.9"  # the proxy's X-Forwarded-For


async def test_lying_forwarded_headers_from_an_untrusted_address_are_ignored(
        client_for: ClientFactory, member: Account) -> None:
    client = client_for(OUTSIDER)
    signed_in = await client.post("/api/v1/signin/flows", headers=HTTPS, json={
        "identifier": member.email, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    cookie = set_cookies(signed_in)[cookies.SESSION]
    assert "Secure" not in cookie
    assert "__Host-monban_session" not in set_cookies(signed_in)
    assert "strict-transport-security" not in signed_in.headers
    me = await client.get("/api/v1/me", headers=HTTPS)
    assert me.json()["session"]["ip"] == OUTSIDER


async def test_plain_http_keeps_plain_names_for_local_development(
        client: httpx.AsyncClient, member: Account) -> None:
    page = await client.get("/signin", headers={"accept": "text/html"})
    assert cookies.CSRF in set_cookies(page)
    signed_in = await sign_in(client, member.email or "")
    cookie = set_cookies(signed_in)[cookies.SESSION]
    assert "Secure" not in cookie and "HttpOnly" in cookie
    assert "strict-transport-security" not in signed_in.headers


async def test_https_base_url_alone_makes_every_cookie_secure(
        settings: Settings, clock: FrozenClock, member: Account) -> None:
    async with app_with(settings, clock, base_url="https://accounts.example.com",
                        allowed_hosts=[]) as app:
        async with client_of(app, OUTSIDER, "http://accounts.example.com") as client:
            page = await client.get("/signin", headers={"accept": "text/html"})
            assert page.status_code == 200, page.text
            minted = set_cookies(page)
            assert "Secure" in minted["__Host-monban_csrf"]
            signed_in = await client.post("/api/v1/signin/flows", json={
                "identifier": "hanako@acme.example", "password": PASSWORD})
            minted = set_cookies(signed_in)
            assert {"__Host-monban_session", "__Host-monban_device"} <= set(minted)
            assert all("Secure" in header for header in minted.values())


async def test_over_https_an_unprefixed_session_cookie_is_not_read(
        client_for: ClientFactory, member: Account) -> None:
    """A cookie anyone could plant (a sibling subdomain, plain http) without the prefix is
    ignored over https, even when it holds a live session's token."""
    client = client_for(PROXY)
    token = (await sign_in(client, member.email or "")).json()["token"]
    client.cookies.clear()
    client.cookies.set(cookies.SESSION, token)
    assert (await client.get("/api/v1/me")).status_code == 200  # plain http: plain name
    refused = await client.get("/api/v1/me", headers=HTTPS)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "SIGNIN_REQUIRED"
    client.cookies.set("__Host-monban_session", token)
    assert (await client.get("/api/v1/me", headers=HTTPS)).status_code == 200


async def test_hsts_can_be_turned_off(settings: Settings, clock: FrozenClock) -> None:
    async with app_with(settings, clock, hsts_seconds=0) as app:
        async with client_of(app, PROXY) as client:
            response = await client.get("/healthz", headers=HTTPS)
            assert response.status_code == 200
            assert "strict-transport-security" not in response.headers
